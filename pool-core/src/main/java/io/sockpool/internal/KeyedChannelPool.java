package io.sockpool.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.sockpool.CheckoutException;
import io.sockpool.Endpoint;
import io.sockpool.EndpointStats;
import io.sockpool.PoolConfig;
import io.sockpool.PoolStats;
import io.sockpool.PooledConnection;
import io.sockpool.TlsStats;
import io.sockpool.internal.group.GroupEvents;
import io.sockpool.internal.group.Groups;
import io.sockpool.internal.group.MemberLease;
import io.sockpool.internal.io.TlsTransports;
import io.sockpool.internal.io.TransportFactory;
import io.sockpool.internal.io.Watchdog;
import io.sockpool.internal.metrics.Listeners;
import io.sockpool.internal.queue.Admission;
import io.sockpool.internal.queue.Affinity;
import io.sockpool.internal.resolve.Names;
import java.time.Duration;
import java.util.function.Predicate;
import org.apache.commons.pool2.impl.GenericKeyedObjectPool;

/**
 * The engine behind {@link io.sockpool.SocketPool}, and its composition root: it builds the parts
 * bottom-up, each given what it uses through its constructor (never the engine), and answers the
 * public calls by delegating. commons-pool2's {@link GenericKeyedObjectPool} keeps the idle
 * connections and drives the lifecycle hooks ({@link ChannelFactory}); {@link Connections} is the
 * one door to it. The engine owns what commons-pool2 lacks: admission ({@link Admission}: every
 * connect is counted here; commons-pool2 has no limits, so it never waits, spins or reclaims),
 * waiting ({@link io.sockpool.internal.queue.Waiters}: arrival order, direct hand-off, no polling),
 * the fast path ({@link HotSlots}), the checkout itself ({@link Checkout}: one deadline, failure
 * attribution), the return path ({@link ReturnPath}), and close ({@link Shutdown}).
 */
public final class KeyedChannelPool implements Preconnector.Pool {
  private final PoolConfig config;
  private final Lifecycle lifecycle;
  private final Listeners listeners;
  private final EndpointRegistry endpoints;
  private final Connections connections;
  private final HotSlots hot;
  private final ReturnPath returns;
  private final Leases leases;
  private final Checkout.Context checkouts;
  private final Maintenance maintenance;
  private final Shutdown shutdown;
  private final Names names;
  private final Admission admission;
  private final AsyncCheckouts async;
  private final TlsTransports tls; // null: no endpoint uses TLS, the plaintext factory is used
  private final Groups groups;

  /**
   * Builds the engine bottom-up: each part gets the parts it uses, made before it.
   *
   * @param config the validated configuration
   */
  public KeyedChannelPool(PoolConfig config) {
    this.config = config;
    this.listeners = new Listeners(config.poolName());
    this.lifecycle = new Lifecycle(config.poolName());
    this.admission =
        new Admission(
            config.maxTotal(), config.maxPerEndpoint(), config.maxConnectingPerEndpoint());
    this.async =
        new AsyncCheckouts(
            config.poolName(), config.asyncExecutor().orElse(null), config.asyncInlineWhenReady());
    EvictionRules rules = new EvictionRules(config.idleTimeout().toNanos(), System::nanoTime);
    long validationWindowNanos = config.validationWindow().toNanos();
    this.names =
        new Names(
            config,
            new AddressDrain(lifecycle::isClosed, this::knownState, this::evictIdle),
            Names.LOOKUP_TIMEOUT);
    Watchdog watchdog = new Watchdog(config.poolName() + "-watchdog");
    this.tls = TlsTransports.needed(config) ? new TlsTransports(config, watchdog) : null;
    SocketConnector connector =
        new SocketConnector(
            names,
            config.socketOptions(),
            config.maxLifetime().toNanos(),
            config.maxLifetimeJitter().toNanos(),
            tls != null ? tls : TransportFactory.plaintext(watchdog),
            config.happyEyeballsDelay().toNanos());
    ChannelFactory factory = new ChannelFactory(connector, config, admission, listeners);
    GenericKeyedObjectPool<Endpoint, PooledChannel> pool =
        new GenericKeyedObjectPool<>(factory, ChannelFactory.commonsConfig(config));
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
    this.connections = new Connections(pool, factory, admission, endpoints, lifecycle);
    this.hot = new HotSlots(connections, lifecycle, rules, validationWindowNanos);
    this.returns =
        new ReturnPath(
            config.poolName(),
            lifecycle,
            listeners,
            connections,
            hot,
            validationWindowNanos,
            admission);
    this.leases =
        new Leases(returns, lifecycle, listeners, config.leakDetectionThreshold().isPresent());
    this.checkouts =
        new Checkout.Context(
            lifecycle,
            endpoints,
            connections,
            admission,
            new IdleReclaim(endpoints, connections),
            new CheckoutFailures(admission, config, listeners),
            leases,
            rules,
            config.validator(),
            config.fairnessWindow().toNanos(),
            validationWindowNanos,
            config.maxWaitersPerEndpoint(),
            config.connectTimeout().toNanos(),
            config.validationTimeout().toNanos());
    this.groups =
        new Groups(
            new GroupMembers(
                lifecycle,
                endpoints,
                connections,
                hot,
                leases,
                checkouts,
                config.maxPerEndpoint(),
                async),
            new GroupEvents(config.poolName()));
    groups.resolveWith(new GroupResolution(config.poolName(), lifecycle, names, groups));
    this.maintenance =
        new Maintenance(config, lifecycle, endpoints, connections, hot, names, admission);
    this.shutdown =
        new Shutdown(
            config.poolName(),
            config.closeGracePeriod(),
            lifecycle,
            factory,
            maintenance,
            connector,
            endpoints,
            connections,
            watchdog,
            names);
    watchdog.start();
  }

  /**
   * @return the pool name
   */
  @Override
  public String name() {
    return config.poolName();
  }

  /** Returns whether the pool is closed (or closing). */
  public boolean isClosed() {
    return lifecycle.isClosed();
  }

  /**
   * @return the configuration
   */
  public PoolConfig config() {
    return config;
  }

  /**
   * @return the TLS handshake counts; {@link TlsStats#NONE} for a pool without TLS
   */
  public TlsStats tlsStats() {
    return tls == null ? TlsStats.NONE : tls.stats();
  }

  /**
   * Reads the TLS material again for new connections; see {@link io.sockpool.SocketPool#reloadTls}.
   */
  public void reloadTls() {
    lifecycle.ensureOpen("was closed");
    if (tls == null) {
      throw new IllegalStateException(
          "pool '" + config.poolName() + "' has no TLS configured: nothing to reload");
    }
    tls.reload();
  }

  /**
   * @return the registry holding one breaker per endpoint
   */
  public CircuitBreakerRegistry breakers() {
    return endpoints.breakers();
  }

  /**
   * @return the pool's endpoint groups
   */
  public Groups groups() {
    return groups;
  }

  /**
   * @return the listeners
   */
  @Override
  public Listeners listeners() {
    return listeners;
  }

  /** The endpoint's state if the pool knows it, else null (never creates one). */
  private EndpointState knownState(Endpoint endpoint) {
    return endpoints.find(endpoint);
  }

  /** For the address drain, which is made before the connections (the names come first). */
  private int evictIdle(Endpoint endpoint, Predicate<PooledChannel> which) {
    return connections.evictIdle(endpoint, which);
  }

  /**
   * @param endpoint the peer
   * @return its addresses and the connections to each; see {@link io.sockpool.SocketPool#addresses}
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

  /**
   * Checks out a connection within one deadline: a hot one if there is one to serve ({@link
   * HotSlots#checkoutHot}), else the full {@link Checkout}.
   *
   * @param endpoint the peer
   * @param timeout the deadline for resolving, waiting, connecting and validating together
   * @return the connection
   * @throws CheckoutException see {@link io.sockpool.SocketPool#checkout(Endpoint, Duration)}
   */
  public PooledConnection checkout(Endpoint endpoint, Duration timeout) throws CheckoutException {
    lifecycle.ensureOpen("is closed");
    EndpointState st = endpoints.state(endpoint);
    long start = System.nanoTime();
    Affinity aff = hot.affinity();
    aff.checkingOut(start);
    PooledChannel ch = hot.checkoutHot(aff, st, start);
    return ch != null
        ? leases.leaseOut(st, ch, start, start, false) // no wait to time: one clock read
        : new Checkout(checkouts, st, timeout).run();
  }

  /**
   * Checks out a connection asynchronously: the same checkout as {@link #checkout}, no thread
   * parked while it waits; see {@link AsyncCheckout}.
   *
   * @param endpoint the peer
   * @param timeout the deadline
   * @return the future; failed (never thrown) if the pool is closed
   */
  public java.util.concurrent.CompletableFuture<PooledConnection> checkoutAsync(
      Endpoint endpoint, Duration timeout) {
    if (lifecycle.isClosed()) {
      return java.util.concurrent.CompletableFuture.failedFuture(
          new IllegalStateException("pool '" + name() + "' is closed"));
    }
    try {
      EndpointState st = endpoints.state(endpoint);
      return new AsyncCheckout(new Checkout(checkouts, st, timeout), async).start();
    } catch (RuntimeException e) {
      return java.util.concurrent.CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Changes the limits while the pool runs. Lowering them closes idle connections over the new
   * limits now (oldest first) and checked-out ones as they come back, never interrupting a holder;
   * raising them hands slots to waiting callers at once.
   *
   * @param maxTotal the new total limit
   * @param maxPerEndpoint the new limit per endpoint
   * @param minIdlePerEndpoint the new idle connections kept per endpoint
   */
  public void resize(int maxTotal, int maxPerEndpoint, int minIdlePerEndpoint) {
    lifecycle.ensureOpen("is closed");
    admission.resize(maxTotal, maxPerEndpoint);
    maintenance.minIdle(minIdlePerEndpoint);
    for (EndpointState st : endpoints.all()) {
      Resize.shrinkIdle(st, admission, connections);
      admission.serveWaiters(st);
    }
  }

  @Override
  public int maxConnecting() {
    return admission.maxConnecting();
  }

  /** Returns the current limit over all endpoints (after {@link #resize}). */
  public int maxTotal() {
    return admission.maxTotal();
  }

  /** Returns the current limit per endpoint (after {@link #resize}). */
  @Override
  public int maxPerEndpoint() {
    return admission.maxPerEndpoint();
  }

  /**
   * Opens up to {@code count} connections to the endpoint into the idle set ahead of demand, in
   * this thread, one after the other, each within the limits and bounded by the connect timeout;
   * each counts as opened by preconnect ({@link io.sockpool.EndpointStats#createdByPreconnect()}).
   *
   * @return how many were opened; stops at the first failure
   */
  @Override
  public int openAhead(Endpoint endpoint, int count) {
    EndpointState st = endpoints.state(endpoint);
    int opened = 0;
    while (opened < count && !lifecycle.isClosed() && maintenance.openAhead(st)) {
      st.countPreconnected(); // the one caller is predictive preconnect
      opened++;
    }
    return opened;
  }

  /**
   * @param endpoint the peer
   * @return connections open or connecting to it (0 if the pool does not know it)
   */
  @Override
  public int openOrConnecting(Endpoint endpoint) {
    EndpointState st = endpoints.find(endpoint);
    return st == null ? 0 : Math.max(0, st.reservations().get());
  }

  /**
   * @param endpoint the peer
   * @return its connects in flight (0 if the pool does not know it)
   */
  @Override
  public int connectsInFlight(Endpoint endpoint) {
    EndpointState st = endpoints.find(endpoint);
    return st == null ? 0 : st.connectPermits().get();
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
    return connections.evictIdle(endpoint, PooledChannel::isRetired);
  }

  /**
   * The one release entry point that checks ownership.
   *
   * @param connection a connection checked out of this pool
   * @throws IllegalStateException if it came from another pool
   */
  public void release(PooledConnection connection) {
    if (!(MemberLease.unwrap(connection) instanceof Lease lease) || lease.returns() != returns) {
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
   * @param connection a connection of this pool
   * @return whether its I/O failed on a connection the peer had already closed, before any reply
   *     byte arrived (see {@link PooledChannel#diedBeforeReply()})
   */
  public static boolean diedBeforeReply(PooledConnection connection) {
    return MemberLease.unwrap(connection) instanceof Lease lease
        && lease.pooledChannel().diedBeforeReply();
  }

  /** Opens up to {@code count} connections in parallel; see {@link Maintenance#warmUp}. */
  public int warmUp(Endpoint endpoint, int count) {
    lifecycle.ensureOpen("is closed");
    return maintenance.warmUp(endpoints.state(endpoint), count);
  }

  /**
   * @return the stats snapshot
   */
  public PoolStats stats() {
    return StatsSnapshot.of(endpoints, connections);
  }

  /**
   * @param endpoint the peer
   * @return its snapshot, or null if the pool does not know it
   */
  public EndpointStats stats(Endpoint endpoint) {
    EndpointState st = endpoints.find(endpoint);
    return st == null ? null : StatsSnapshot.of(connections, st);
  }

  /** Closes the pool; see {@link io.sockpool.SocketPool#close()} and {@link Shutdown}. */
  public void close() {
    shutdown.run();
    async.close();
  }
}
