package io.sockpool.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.sockpool.CheckoutException;
import io.sockpool.DestroyReason;
import io.sockpool.Endpoint;
import io.sockpool.EndpointStats;
import io.sockpool.PoolConfig;
import io.sockpool.PoolStats;
import io.sockpool.PooledConnection;
import io.sockpool.internal.io.Watchdog;
import io.sockpool.internal.metrics.Listeners;
import io.sockpool.internal.queue.Admission;
import io.sockpool.internal.queue.Affinity;
import io.sockpool.internal.queue.Waiters;
import io.sockpool.internal.resolve.Names;
import java.io.IOException;
import java.time.Duration;
import org.apache.commons.pool2.impl.GenericKeyedObjectPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind {@link io.sockpool.SocketPool}: composes commons-pool2's {@link
 * GenericKeyedObjectPool}, which keeps the idle connections and drives the lifecycle hooks ({@link
 * ChannelFactory}), and owns what it lacks: admission ({@link Admission}: every connect is counted
 * here; commons-pool2 has no limits, so it never waits, spins or reclaims), waiting ({@link
 * Waiters}: arrival order, direct hand-off, no polling), the checkout itself ({@link Checkout}: one
 * deadline, failure attribution), the return path, and close.
 */
public final class KeyedChannelPool {
  private static final Logger LOG = LoggerFactory.getLogger(KeyedChannelPool.class);

  private final PoolConfig config;
  private final GenericKeyedObjectPool<Endpoint, PooledChannel> pool;
  private final ChannelFactory factory;
  private final SocketConnector connector;
  private final Watchdog watchdog;
  private final EvictionRules rules;
  private final Admission admission;
  private final Listeners listeners;
  private final EndpointRegistry endpoints;
  private final Maintenance maintenance;
  private final CheckoutFailures failures;
  private final long validationWindowNanos;
  private final long fairnessWindowNanos;
  private final ThreadLocal<Affinity> affinity = ThreadLocal.withInitial(Affinity::new);
  private final boolean traceCheckouts;
  private volatile boolean closed;
  private final Shutdown shutdown;
  private final ReturnPath returns;
  private final HotSlots hot;
  private final Names names;

  /**
   * @param config the validated configuration
   */
  public KeyedChannelPool(PoolConfig config) {
    this.config = config;
    this.listeners = new Listeners(config.poolName());
    this.admission = new Admission(config.maxTotal(), config.maxPerEndpoint());
    this.rules = new EvictionRules(config.idleTimeout().toNanos(), System::nanoTime);
    this.validationWindowNanos = config.validationWindow().toNanos();
    this.fairnessWindowNanos = config.fairnessWindow().toNanos();
    this.traceCheckouts = config.leakDetectionThreshold().isPresent();
    this.names =
        new Names(
            config,
            new AddressDrain(this::isClosed, this::knownState, this::evictIdle),
            Names.LOOKUP_TIMEOUT);
    this.watchdog = new Watchdog(config.poolName() + "-watchdog");
    this.connector =
        new SocketConnector(
            names,
            config.socketOptions(),
            config.maxLifetime().toNanos(),
            config.maxLifetimeJitter().toNanos(),
            watchdog);
    this.factory = new ChannelFactory(connector, config, admission, listeners);
    this.pool = new GenericKeyedObjectPool<>(factory, ChannelFactory.commonsConfig(config));
    pool.setReuseCapacityOnReturn(false);
    pool.setReuseCapacityOnMaintenance(false);
    pool.setEvictionPolicy(rules);
    // tagged with the pool's name, so that resilience4j-micrometer's meters of two pools that
    // talk to the same endpoint (same breaker name) stay apart
    this.endpoints =
        new EndpointRegistry(
            CircuitBreakerRegistry.custom()
                .withCircuitBreakerConfig(config.circuitBreakerConfig())
                .withTags(java.util.Map.of("pool", config.poolName()))
                .build(),
            names,
            listeners,
            HotSlots.slotsFor(config.maxPerEndpoint()));
    this.failures = new CheckoutFailures(this::active, this::idle, admission, config, listeners);
    this.maintenance = new Maintenance(this, config);
    this.shutdown = new Shutdown(this);
    this.returns = new ReturnPath(this);
    this.hot = new HotSlots(this);
    watchdog.start();
  }

  /** Returns the pool name. */
  public String name() {
    return config.poolName();
  }

  /** Returns the configuration. */
  public PoolConfig config() {
    return config;
  }

  /** Returns the registry holding one breaker per endpoint. */
  public CircuitBreakerRegistry breakers() {
    return endpoints.breakers();
  }

  /** Returns the listeners. */
  public Listeners listeners() {
    return listeners;
  }

  EndpointState state(Endpoint endpoint) {
    return endpoints.state(endpoint);
  }

  /** The endpoint's state if the pool knows it, else null (never creates one). */
  private EndpointState knownState(Endpoint endpoint) {
    return endpoints.find(endpoint);
  }

  EndpointRegistry endpoints() {
    return endpoints;
  }

  GenericKeyedObjectPool<Endpoint, PooledChannel> commons() {
    return pool;
  }

  Names names() {
    return names;
  }

  /**
   * Returns its addresses and the connections to each; see {@link
   * io.sockpool.SocketPool#addresses}.
   *
   * @param endpoint the peer
   */
  public java.util.List<io.sockpool.AddressStats> addresses(Endpoint endpoint) {
    EndpointState st = endpoints.find(endpoint);
    if (st == null) {
      return java.util.List.of();
    }
    java.util.List<java.net.InetSocketAddress> connected = new java.util.ArrayList<>();
    for (PooledChannel ch : st.channels()) {
      connected.add(ch.remoteAddress());
    }
    return names.stats(endpoint, connected);
  }

  Admission admission() {
    return admission;
  }

  CheckoutFailures failures() {
    return failures;
  }

  EvictionRules rules() {
    return rules;
  }

  long validationWindowNanos() {
    return validationWindowNanos;
  }

  long fairnessWindowNanos() {
    return fairnessWindowNanos;
  }

  /** Returns the current thread's {@link Affinity} for this pool. */
  Affinity affinity() {
    return affinity.get();
  }

  ChannelFactory factory() {
    return factory;
  }

  Maintenance maintenance() {
    return maintenance;
  }

  SocketConnector connector() {
    return connector;
  }

  Watchdog watchdog() {
    return watchdog;
  }

  ReturnPath returns() {
    return returns;
  }

  HotSlots hot() {
    return hot;
  }

  void markClosed() {
    closed = true;
  }

  boolean isClosed() {
    return closed;
  }

  void ensureOpen(String what) {
    if (closed) {
      throw new IllegalStateException("pool '" + name() + "' " + what);
    }
  }

  /**
   * Checks out a connection within one deadline; see {@link Checkout}.
   *
   * @param endpoint the peer
   * @param timeout the deadline for resolving, waiting, connecting and validating together
   * @return the connection
   * @throws CheckoutException see {@link io.sockpool.SocketPool#checkout(Endpoint, Duration)}
   */
  public PooledConnection checkout(Endpoint endpoint, Duration timeout) throws CheckoutException {
    ensureOpen("is closed");
    EndpointState st = state(endpoint);
    long start = System.nanoTime();
    Affinity aff = affinity.get();
    aff.checkingOut(start);
    Lease lease = hot.checkoutHot(aff, st, start);
    return lease != null ? lease : new Checkout(this, st, timeout).run();
  }

  /**
   * Returns an idle connection of the endpoint (a hot one first, see {@link HotSlots}), never a new
   * one; null if none.
   */
  PooledChannel takeIdle(EndpointState st) {
    PooledChannel ch = hot.steal(st);
    return ch != null ? ch : takeCommonsIdle(st);
  }

  private PooledChannel takeCommonsIdle(EndpointState st) {
    try {
      return pool.borrowObject(st.endpoint());
    } catch (ChannelFactory.NoIdle | IllegalStateException none) {
      return null; // nothing idle, or commons-pool2 already closed
    } catch (Exception unexpected) {
      throw new IllegalStateException(
          "commons-pool2 failed to hand out an idle connection", unexpected);
    }
  }

  /**
   * Opens a connection with a slot the caller reserved (or takes an idle one that appeared
   * meanwhile, and gives the slot back). On failure the slot is released.
   */
  PooledChannel connect(EndpointState st, long deadlineNanos)
      throws IOException, ChannelFactory.HookError {
    CreatePermit permit = CreatePermit.current().arm(st, deadlineNanos, true);
    boolean ok = false;
    try {
      PooledChannel ch = pool.borrowObject(st.endpoint());
      ok = true;
      return ch;
    } catch (IOException | RuntimeException | ChannelFactory.HookError e) {
      throw e;
    } catch (Exception unexpected) {
      throw new IllegalStateException("commons-pool2 failed to open a connection", unexpected);
    } finally {
      if (permit.disarm() == null) {
        admission.release(st); // not used: failed, or an idle one was taken instead
      } else if (!ok) {
        LOG.debug("connection to {} made but not handed out", st.endpoint());
      }
    }
  }

  /** Leases a checked connection to the caller and counts the checkout. */
  Lease leaseOut(EndpointState st, PooledChannel ch, long start, boolean waited) {
    return leaseOut(st, ch, start, System.nanoTime(), waited);
  }

  /**
   * {@link #leaseOut(EndpointState, PooledChannel, long, boolean)} with the current time given (the
   * fast path reads the clock once per checkout).
   */
  Lease leaseOut(EndpointState st, PooledChannel ch, long start, long now, boolean waited) {
    // A connection handed to a parked caller is that caller's from the hand-over (its last use),
    // not from when the caller got to run: the wake-up is part of its occupancy (live sizing).
    long since = waited ? Math.max(start, Math.min(now, ch.lastUsedNanos())) : now;
    ch.touch(now);
    ch.openedForCheckout(false);
    Lease lease = new Lease(returns, ch, since, traceCheckouts);
    ch.lease(lease);
    st.active(now);
    long waitedNanos = now - start;
    if (waitedNanos <= 0) {
      st.recordNoWait(); // the fast path: also the checkout count (EndpointState#checkouts)
    } else {
      st.recordWait(waitedNanos);
    }
    if (closed) { // close() ran meanwhile: it waits for this one or closes it
      returns.giveBack(lease);
      ensureOpen("was closed during the checkout");
    }
    listeners.checkedOut(st, now, now - start, waited);
    return lease;
  }

  /** Destroys a connection that is not idle (held, or being checked out). */
  void destroyActive(PooledChannel ch, DestroyReason reason) {
    ch.destroyReason(reason);
    try {
      pool.invalidateObject(ch.endpoint(), ch);
    } catch (Exception e) {
      ch.closeQuietly(); // not part of commons-pool2 any more (closed and cleared)
      factory.forget(ch);
    }
    shutdown.connectionGone();
  }

  /**
   * Retires every connection of the endpoint: idle ones are closed now, checked-out ones when they
   * come back.
   *
   * @return how many idle connections were closed now
   */
  public int evict(Endpoint endpoint) {
    EndpointState st = endpoints.find(endpoint);
    if (st == null) {
      return 0;
    }
    for (PooledChannel ch : st.channels()) {
      ch.retire();
    }
    return evictIdle(endpoint, PooledChannel::isRetired);
  }

  /**
   * Closes the endpoint's idle connections that match, now (an address no longer current, or
   * retired).
   *
   * @return how many were closed
   */
  int evictIdle(Endpoint endpoint, java.util.function.Predicate<PooledChannel> which) {
    EndpointState st = endpoints.find(endpoint);
    if (st == null) {
      return 0;
    }
    // hot ones are taken and closed directly (every caller retires what it evicts here)
    int closedNow = hot.destroy(st, which, DestroyReason.RETIRED);
    for (PooledChannel ch : st.channels()) {
      org.apache.commons.pool2.PooledObject<PooledChannel> p = ch.pooledObject();
      if (p == null || !which.test(ch) || !p.startEvictionTest()) {
        continue; // not idle (checked out, handed over, being tested by the evictor)
      }
      ch.destroyReason(ch.isRetired() ? DestroyReason.RETIRED : DestroyReason.IDLE);
      try {
        pool.invalidateObject(endpoint, ch);
        closedNow++;
      } catch (Exception e) {
        ch.closeQuietly(); // the pool was closed meanwhile
        factory.forget(ch);
      }
    }
    return closedNow;
  }

  /**
   * The one release entry point that checks ownership.
   *
   * @param connection a connection checked out of this pool
   * @throws IllegalStateException if it came from another pool
   */
  public void release(PooledConnection connection) {
    if (!(connection instanceof Lease lease) || lease.returns() != returns) {
      throw new IllegalStateException(
          "connection "
              + connection
              + " does not belong to pool '"
              + name()
              + "'; return it to the pool it came from");
    }
    connection.close();
  }

  /**
   * Returns whether its I/O failed on a connection the peer had already closed, before any reply
   * byte arrived (see {@link PooledChannel#diedBeforeReply()}).
   *
   * @param connection a connection of this pool
   */
  public static boolean diedBeforeReply(PooledConnection connection) {
    return connection instanceof Lease lease && lease.pooledChannel().diedBeforeReply();
  }

  /** Returns connections checked out (commons-pool2's allocated ones, less the hot ones). */
  int active(Endpoint endpoint) {
    return pool.getNumActive(endpoint) - hotCount(endpoint);
  }

  /** Returns idle connections (commons-pool2's idle ones, and the hot ones). */
  int idle(Endpoint endpoint) {
    return pool.getNumIdle(endpoint) + hotCount(endpoint);
  }

  private int hotCount(Endpoint endpoint) {
    EndpointState st = endpoints.find(endpoint);
    return st == null ? 0 : HotSlots.count(st);
  }

  /** Opens up to {@code count} connections in parallel; see {@link Maintenance#warmUp}. */
  public int warmUp(Endpoint endpoint, int count) {
    ensureOpen("is closed");
    return maintenance.warmUp(state(endpoint), count);
  }

  /** Returns the stats snapshot. */
  public PoolStats stats() {
    return StatsSnapshot.of(this);
  }

  /**
   * Returns its snapshot, or null if the pool does not know it.
   *
   * @param endpoint the peer
   */
  public EndpointStats stats(Endpoint endpoint) {
    EndpointState st = endpoints.find(endpoint);
    return st == null ? null : StatsSnapshot.of(this, st);
  }

  /** Closes the pool; see {@link io.sockpool.SocketPool#close()} and {@link Shutdown}. */
  public void close() {
    shutdown.run();
  }
}
