package io.sockpool.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.sockpool.CheckoutException;
import io.sockpool.DestroyReason;
import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.PoolExhaustedException;
import io.sockpool.PooledConnection;
import io.sockpool.Validator;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.commons.pool2.impl.GenericKeyedObjectPool;
import org.apache.commons.pool2.impl.GenericKeyedObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adapter over commons-pool2's {@link GenericKeyedObjectPool}: owns it (composition) and
 * adds what it lacks. The checkout path, in one deadline:
 * <ol>
 *   <li>circuit breaker: open means fail at once;
 *   <li>{@code borrowObject} without blocking (commons-pool2 is set to
 *       {@code blockWhenExhausted=false}): an idle connection, or a new one connected in this
 *       thread within the deadline, or nothing;
 *   <li>nothing: wait on the endpoint's own condition until a connection comes back or a slot
 *       frees, then try again (bounded by {@code maxWaitersPerEndpoint});
 *   <li>a reused connection: the time rules and the cheap probe, then the validator if it was
 *       idle longer than the validation window; a failure destroys it and goes round again.
 * </ol>
 */
public final class KeyedChannelPool {
  private static final Logger LOG = LoggerFactory.getLogger(KeyedChannelPool.class);

  private final PoolConfig config;
  private final GenericKeyedObjectPool<Endpoint, PooledChannel> pool;
  private final ChannelFactory factory;
  private final EvictionRules rules;
  private final CircuitBreakerRegistry breakers;
  private final ConcurrentHashMap<Endpoint, EndpointState> states = new ConcurrentHashMap<>();
  private final Maintenance maintenance;
  private final CheckoutFailures failures;
  private final Validator validator;
  private final boolean validates;
  private final long validationWindowNanos;
  private final long validationTimeoutNanos;
  private final boolean traceCheckouts;
  private volatile boolean closed;
  private final Listeners listeners;
  private final Names names;

  /** @param config the validated configuration */
  public KeyedChannelPool(PoolConfig config) {
    this.config = config;
    this.listeners = new Listeners(config.poolName());
    this.breakers = CircuitBreakerRegistry.of(config.circuitBreakerConfig());
    this.rules = new EvictionRules(config.idleTimeout().toNanos(), System::nanoTime);
    this.validator = config.validator();
    this.validates = validator != Validator.NONE;
    this.validationWindowNanos = config.validationWindow().toNanos();
    this.validationTimeoutNanos = config.validationTimeout().toNanos();
    this.traceCheckouts = config.leakDetectionThreshold().isPresent();
    this.names = new Names(config, new AddressDrain(this), Names.LOOKUP_TIMEOUT);
    SocketConnector connector = new SocketConnector(names, config.socketOptions(),
        config.maxLifetime().toNanos(), config.maxLifetimeJitter().toNanos());
    this.factory = new ChannelFactory(connector, config.initializer(), validator,
        config.connectTimeout(), config.validationTimeout(), this::state);

    GenericKeyedObjectPoolConfig<PooledChannel> c = new GenericKeyedObjectPoolConfig<>();
    c.setMaxTotal(config.maxTotal());
    c.setMaxTotalPerKey(config.maxPerEndpoint());
    c.setMaxIdlePerKey(config.maxPerEndpoint());
    c.setMinIdlePerKey(0); // replenished by Maintenance, off the shared evictor thread
    c.setBlockWhenExhausted(false); // we wait ourselves, see EndpointState
    c.setMaxWait(config.connectTimeout());
    c.setLifo(true);
    c.setTestOnCreate(false);
    c.setTestOnBorrow(false);
    c.setTestOnReturn(false);
    c.setTestWhileIdle(config.backgroundValidation());
    c.setTimeBetweenEvictionRuns(Duration.ofMillis(-1)); // commons' shared evictor off
    c.setNumTestsPerEvictionRun(config.maxTotal());
    c.setJmxEnabled(false);
    this.pool = new GenericKeyedObjectPool<>(factory, c);
    pool.setReuseCapacityOnReturn(false);
    pool.setReuseCapacityOnMaintenance(false);
    pool.setEvictionPolicy(rules);
    this.maintenance = new Maintenance(this, config);
    this.failures = new CheckoutFailures(this, config);
  }

  /** @return the pool name */
  public String name() {
    return config.poolName();
  }

  /** @return the configuration */
  public PoolConfig config() {
    return config;
  }

  /** @return the listeners */
  public Listeners listeners() {
    return listeners;
  }

  /** @return the registry holding one breaker per endpoint */
  public CircuitBreakerRegistry breakers() {
    return breakers;
  }

  EndpointState state(Endpoint endpoint) {
    EndpointState s = states.get(endpoint);
    if (s == null) {
      s = states.computeIfAbsent(endpoint,
          e -> new EndpointState(e, breakers.circuitBreaker(e.toString())));
    }
    return s;
  }

  Iterable<EndpointState> states() {
    return states.values();
  }

  GenericKeyedObjectPool<Endpoint, PooledChannel> commons() {
    return pool;
  }

  Names names() {
    return names;
  }

  /**
   * @param endpoint the peer
   * @return its addresses and the connections to each; see {@link io.sockpool.SocketPool#addresses}
   */
  public java.util.List<io.sockpool.AddressStats> addresses(Endpoint endpoint) {
    EndpointState st = states.get(endpoint);
    return st == null ? java.util.List.of() : names.stats(endpoint, st.channels);
  }

  EvictionRules rules() {
    return rules;
  }

  boolean isClosed() {
    return closed;
  }

  /**
   * Checks out a connection within one deadline.
   *
   * @param endpoint the peer
   * @param timeout the deadline for waiting, connecting and validating together
   * @return the connection
   * @throws CheckoutException see {@link io.sockpool.SocketPool#checkout(Endpoint, Duration)}
   */
  public PooledConnection checkout(Endpoint endpoint, Duration timeout) throws CheckoutException {
    if (closed) {
      throw new IllegalStateException("pool '" + name() + "' is closed");
    }
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    EndpointState st = state(endpoint);
    CircuitBreaker breaker = st.breaker;
    if (!breaker.tryAcquirePermission()) {
      st.rejected.increment();
      throw failures.unavailable(st, start);
    }
    boolean outcome = false;
    boolean waiting = false;
    boolean suspect = false;
    boolean served = false;
    Throwable lastFailure = null;
    try {
      while (true) {
        if (closed) {
          throw new IllegalStateException("pool '" + name() + "' was closed during the checkout");
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          st.timeouts.increment();
          throw failures.timeout(st, start, "no connection within the checkout timeout of "
              + timeout.toMillis() + " ms", lastFailure);
        }
        long seen = st.generation();
        PooledChannel ch = null;
        long[] ctx = null;
        long connectStart = 0;
        // Nothing idle and no room of its own: do not call commons-pool2, whose create() would
        // reclaim other endpoints' idle connections (clearOldest) before finding this endpoint
        // full, and would throw an exception that costs a stack trace.
        if (mayHaveRoom(st)) {
          ctx = ChannelFactory.withDeadline(deadline);
          connectStart = System.nanoTime();
          try {
            ch = pool.borrowObject(endpoint, Duration.ofNanos(left));
          } catch (NoSuchElementException exhausted) {
            ch = null;
          } catch (IOException | RuntimeException connectFailure) {
            lastFailure = connectFailure;
            breaker.onError(System.nanoTime() - connectStart, TimeUnit.NANOSECONDS, connectFailure);
            outcome = true;
            String summary = CheckoutFailures.connectSummary(connectFailure, timeout);
            if (connectFailure instanceof SocketTimeoutException) {
              st.timeouts.increment();
              throw failures.timeout(st, start, summary, connectFailure);
            }
            throw failures.failed(st, start, summary, connectFailure);
          } catch (Exception other) {
            throw new IllegalStateException("unexpected failure from commons-pool2", other);
          } finally {
            ChannelFactory.clearDeadline(ctx);
          }
        }
        if (ch == null) {
          if (!waiting) {
            waiting = joinWaiters(st, start, lastFailure);
            continue; // retry once before parking: something may have come back meanwhile
          }
          PooledChannel handed = st.await(seen, start, deadline);
          if (handed != null) {
            served = true;
            return serve(st, handed, start);
          }
          continue;
        }
        boolean fresh = ctx[1] > 0;
        long now = System.nanoTime();
        if (fresh) {
          breaker.onSuccess(now - connectStart, TimeUnit.NANOSECONDS);
          outcome = true;
        } else {
          DestroyReason reason = rules.check(ch, now);
          if (reason != null) {
            destroy(st, ch, reason);
            continue;
          }
        }
        // A new connection needs no round trip, unless a validation already failed in this
        // checkout: then the peer itself is suspect (accepts connections but does not answer).
        if (validates && (fresh ? suspect : now - ch.lastUsedNanos() > validationWindowNanos)) {
          long budget = Math.min(validationTimeoutNanos, deadline - now);
          try {
            validator.validate(ch, Duration.ofNanos(Math.max(1, budget)));
            if (ch.isBroken()) {
              throw new IOException("validator left the connection broken");
            }
            breaker.onSuccess(System.nanoTime() - now, TimeUnit.NANOSECONDS);
            outcome = true;
          } catch (IOException | RuntimeException invalid) {
            lastFailure = invalid;
            st.lastFailure = invalid;
            suspect = true;
            breaker.onError(System.nanoTime() - now, TimeUnit.NANOSECONDS, invalid);
            outcome = true;
            destroy(st, ch, DestroyReason.VALIDATION);
            if (fresh) {
              // a connection opened a moment ago failed too: the peer is broken, stop here
              throw failures.failed(st, start, "a new connection failed validation too", invalid);
            }
            continue;
          }
        }
        served = true;
        return serve(st, ch, start);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failures.failed(st, start, "interrupted while waiting", lastFailure);
    } finally {
      if (waiting) {
        st.waiters.decrementAndGet();
        if (!served) {
          st.signal(); // we may have taken a wake-up we did not use: pass it on
        }
      }
      if (!outcome) {
        breaker.releasePermission();
      }
    }
  }

  /** Leases a checked connection to the caller and counts the checkout. */
  private Lease serve(EndpointState st, PooledChannel ch, long start) {
    long now = System.nanoTime();
    ch.touch(now);
    Lease lease = new Lease(this, ch, now, traceCheckouts);
    ch.lease(lease);
    st.checkouts.increment();
    st.waits.record(now - start);
    listeners.checkedOut(st.endpoint, now - start, false);
    if (st.waiters.get() > 0 && pool.getNumIdle(st.endpoint) > 0) {
      // Connections can turn idle without a wake-up of their own (an evictor test that handed
      // one back, a signal taken by a caller that then left): chain the wake-ups while both
      // idle connections and waiters remain.
      st.signal();
    }
    return lease;
  }

  /** Return path: keep the connection only if it is clean. Idempotent per lease. */
  void giveBack(Lease lease) {
    if (!lease.finish()) {
      return;
    }
    PooledChannel ch = lease.pooledChannel();
    ch.lease(null);
    EndpointState st = ch.state();
    long now = System.nanoTime();
    DestroyReason reason;
    listeners.returned(ch.endpoint(), now - lease.checkoutNanos());
    if (ch.isBroken()) {
      reason = DestroyReason.BROKEN;
    } else if (ch.isRetired()) {
      reason = DestroyReason.RETIRED;
    } else if (ch.exchangeOpen()) {
      reason = DestroyReason.INCOMPLETE_EXCHANGE;
    } else if (closed) {
      reason = DestroyReason.CLOSED;
    } else {
      switch (ch.probe()) {
        case ALIVE:
          reason = now - ch.expiresNanos() >= 0 ? DestroyReason.LIFETIME : null;
          break;
        case UNREAD_BYTES:
          reason = DestroyReason.DIRTY;
          LOG.debug("connection to {} returned with unread bytes: destroyed", ch.endpoint());
          break;
        default:
          reason = DestroyReason.VALIDATION;
      }
    }
    if (reason != null) {
      destroy(st, ch, reason);
      return;
    }
    ch.touch(now);
    if (st.handOff(ch, now)) {
      return; // still checked out in commons-pool2, now by the waiter
    }
    pool.returnObject(ch.endpoint(), ch);
    st.signal();
  }

  void invalidate(Lease lease) {
    if (!lease.finish()) {
      return;
    }
    PooledChannel ch = lease.pooledChannel();
    ch.lease(null);
    destroy(ch.state(), ch, DestroyReason.BROKEN);
  }

  /**
   * Retires every connection of the endpoint: idle ones are closed now, checked-out ones when
   * they come back.
   *
   * @return how many idle connections were closed now
   */
  public int evict(Endpoint endpoint) {
    EndpointState st = states.get(endpoint);
    if (st == null) {
      return 0;
    }
    for (PooledChannel ch : st.channels) {
      ch.retire();
    }
    return evictIdle(endpoint, PooledChannel::isRetired);
  }

  /**
   * Closes the endpoint's idle connections that match, now, in this thread (no I/O beyond the
   * close). A connection a borrower is taking at the same moment is left to it; commons-pool2
   * decides atomically which of the two gets it (its eviction-test state).
   *
   * @param endpoint the peer
   * @param which the connections to close
   * @return how many were closed
   */
  int evictIdle(Endpoint endpoint, java.util.function.Predicate<PooledChannel> which) {
    EndpointState st = states.get(endpoint);
    if (st == null) {
      return 0;
    }
    int closed = 0;
    for (PooledChannel ch : st.channels) {
      org.apache.commons.pool2.PooledObject<PooledChannel> p = ch.pooledObject();
      if (p == null || !which.test(ch) || !p.startEvictionTest()) {
        continue; // not idle (checked out, handed over, being tested by the evictor)
      }
      ch.destroyReason(ch.isRetired() ? DestroyReason.RETIRED : DestroyReason.IDLE);
      try {
        pool.invalidateObject(endpoint, ch);
        closed++;
      } catch (Exception e) {
        ch.closeQuietly(); // the pool was closed meanwhile
      }
    }
    if (closed > 0) {
      st.signal(); // room for new connections
    }
    return closed;
  }

  /** Destroys a connection that is not idle (held, or being checked out) and wakes a waiter. */
  void destroy(EndpointState st, PooledChannel ch, DestroyReason reason) {
    ch.destroyReason(reason);
    try {
      pool.invalidateObject(ch.endpoint(), ch);
    } catch (Exception e) {
      // not part of the pool any more (pool closed and cleared): just close it
      ch.closeQuietly();
      LOG.debug("invalidate of {} failed: {}", ch, e.toString());
    }
    st.signal();
    if (pool.getNumActive() + pool.getNumIdle() >= config.maxTotal() - 1) {
      for (EndpointState other : states.values()) {
        if (other != st) {
          other.signal();
        }
      }
    }
  }

  /**
   * The one release entry point that checks ownership.
   *
   * @param connection a connection checked out of this pool
   * @throws IllegalStateException if it came from another pool
   */
  public void release(PooledConnection connection) {
    if (!(connection instanceof Lease) || ((Lease) connection).pool() != this) {
      throw new IllegalStateException("connection " + connection + " does not belong to pool '"
          + name() + "'; return it to the pool it came from");
    }
    connection.close();
  }

  private boolean joinWaiters(EndpointState st, long start, Throwable lastFailure)
      throws PoolExhaustedException {
    if (!st.tryJoinWaiters(config.maxWaitersPerEndpoint())) {
      st.rejected.increment();
      throw failures.exhausted(st, start, "pool exhausted and " + config.maxWaitersPerEndpoint()
          + " callers already waiting", lastFailure);
    }
    return true;
  }

  /**
   * Whether a borrow can succeed: an idle connection, or room for one more of this endpoint's
   * connections (counting connects under way) and, globally, a free slot or an idle connection
   * of another endpoint to reclaim. Racy by nature; only waking up is exact.
   */
  private boolean mayHaveRoom(EndpointState st) {
    Endpoint e = st.endpoint;
    if (pool.getNumIdle(e) > 0) {
      return true;
    }
    return pool.getNumActive(e) + st.connecting.get() < config.maxPerEndpoint()
        && pool.getNumActive() < config.maxTotal();
  }

  /**
   * @param connection a connection of this pool
   * @return whether its I/O failed on a connection the peer had already closed, before any
   *     reply byte arrived (see {@link PooledChannel#diedBeforeReply()})
   */
  public static boolean diedBeforeReply(PooledConnection connection) {
    return connection instanceof Lease && ((Lease) connection).pooledChannel().diedBeforeReply();
  }

  int totalActive() {
    return pool.getNumActive();
  }

  int active(Endpoint endpoint) {
    return pool.getNumActive(endpoint);
  }

  int idle(Endpoint endpoint) {
    return pool.getNumIdle(endpoint);
  }

  /** Opens up to {@code count} connections in parallel; see {@link Maintenance#warmUp}. */
  public int warmUp(Endpoint endpoint, int count) {
    if (closed) {
      throw new IllegalStateException("pool '" + name() + "' is closed");
    }
    return maintenance.warmUp(state(endpoint), count);
  }

  /** @return the stats snapshot */
  public io.sockpool.PoolStats stats() {
    return StatsSnapshot.of(this);
  }

  /**
   * @param endpoint the peer
   * @return its snapshot, or null if the pool never saw it
   */
  public io.sockpool.EndpointStats stats(Endpoint endpoint) {
    EndpointState st = states.get(endpoint);
    return st == null ? null : StatsSnapshot.of(this, st);
  }

  /** Closes the pool; see {@link io.sockpool.SocketPool#close()}. */
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    factory.closing();
    maintenance.stop();
    for (EndpointState st : states.values()) {
      st.signalAll();
    }
    pool.clear();
    long graceEnd = System.nanoTime() + config.closeGracePeriod().toNanos();
    while (pool.getNumActive() > 0 && System.nanoTime() - graceEnd < 0) {
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    int forced = 0;
    for (EndpointState st : states.values()) {
      for (PooledChannel ch : st.channels) {
        ch.destroyReason(DestroyReason.CLOSED);
        ch.abort();
        ch.closeQuietly();
        forced++;
      }
    }
    if (forced > 0) {
      LOG.warn("pool '{}' closed {} connection(s) still checked out after the grace period of {} ms",
          name(), forced, config.closeGracePeriod().toMillis());
    }
    pool.close();
    maintenance.awaitStopped();
    names.close();
  }
}
