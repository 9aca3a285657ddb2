package io.sockpool.micrometer;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetricsPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.sockpool.Endpoint;
import io.sockpool.PoolListener;
import io.sockpool.SocketPool;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Micrometer metrics for one {@link SocketPool}: connections by state, limits, checkout, creation
 * and usage timers, timed-out and refused checkouts, destroyed connections by reason, live sizing,
 * and each endpoint's circuit breaker through resilience4j-micrometer ({@code
 * resilience4j.circuitbreaker.*}, tagged {@code name=<host:port>} and {@code pool}). Names: {@link
 * MeterNames}.
 *
 * <pre>{@code
 * SocketPoolMetrics metrics = new SocketPoolMetrics(pool);
 * metrics.bindTo(registry);
 * // ... metrics.close() (or closing the pool) removes every meter it registered
 * }</pre>
 *
 * <p>Every meter is tagged {@code pool} (the pool's name) and {@code endpoint} ({@code host:port}),
 * plus any extra tags given. Endpoints the pool already knows get meters at bind time; endpoints it
 * adds later get them when it adds them (or at their first event); an endpoint the pool forgets
 * ({@link PoolListener#endpointRemoved}) loses its meters, and so do all endpoints when the pool
 * closes. The timers and counters hear the pool's events from the moment of binding; the gauges and
 * counters read {@link SocketPool#stats(Endpoint)} and {@link SocketPool#sizing(Endpoint)} when the
 * registry polls them.
 *
 * <p>Bind it to one registry (to feed several, bind it to a {@code CompositeMeterRegistry}).
 * Thread-safe.
 */
public final class SocketPoolMetrics implements MeterBinder, AutoCloseable {
  private final SocketPool pool;
  private final Tags poolTags;
  private final Map<Endpoint, EndpointMeters> endpoints = new ConcurrentHashMap<>();

  /**
   * The breakers whose meters this binder published, kept here: when the pool forgets an endpoint
   * or closes, the breaker leaves the registry before listeners hear {@code endpointRemoved}.
   */
  private final Map<Endpoint, CircuitBreaker> published = new ConcurrentHashMap<>();

  private final Events events = new Events();
  private MeterRegistry registry; // guarded by this
  private TaggedCircuitBreakerMetricsPublisher breakers; // guarded by this
  private volatile boolean closed;

  /**
   * @param pool the pool to measure
   */
  public SocketPoolMetrics(SocketPool pool) {
    this(pool, Tags.empty());
  }

  /**
   * @param pool the pool to measure
   * @param extraTags tags added to every meter (e.g. {@code service}); not {@code pool} or {@code
   *     endpoint}
   */
  public SocketPoolMetrics(SocketPool pool, Iterable<Tag> extraTags) {
    this.pool = Objects.requireNonNull(pool, "pool must not be null");
    Tags extra = Tags.of(Objects.requireNonNull(extraTags, "extraTags must not be null"));
    for (Tag t : extra) {
      if (t.getKey().equals("pool") || t.getKey().equals("endpoint")) {
        throw new IllegalArgumentException(
            "extraTags must not contain the key '"
                + t.getKey()
                + "' (set by the binder), but had "
                + t);
      }
    }
    this.poolTags = extra.and("pool", pool.config().poolName());
  }

  /**
   * Registers the meters of every endpoint the pool knows now, and from then on of every endpoint
   * it adds.
   *
   * @param registry the registry
   * @throws IllegalStateException if already bound, or closed
   */
  @Override
  public synchronized void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry must not be null");
    if (closed) {
      throw new IllegalStateException(
          "metrics of pool '" + pool.config().poolName() + "' are closed");
    }
    if (this.registry != null) {
      throw new IllegalStateException(
          "metrics of pool '"
              + pool.config().poolName()
              + "' are already bound to "
              + this.registry
              + "; use a CompositeMeterRegistry to feed several");
    }
    this.registry = registry;
    this.breakers = new TaggedCircuitBreakerMetricsPublisher(registry);
    pool.addListener(events); // first, so that no endpoint added meanwhile is missed
    for (Endpoint e : pool.stats().byEndpoint().keySet()) {
      meters(e);
    }
  }

  /** Removes every meter this binder registered and stops listening to the pool. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    pool.removeListener(events);
    for (Endpoint e : endpoints.keySet()) {
      remove(e);
    }
  }

  /** The endpoint's meters, made on first use (null once closed). */
  private EndpointMeters meters(Endpoint e) {
    EndpointMeters m = endpoints.get(e);
    return m != null ? m : add(e);
  }

  private synchronized EndpointMeters add(Endpoint e) {
    if (closed || registry == null) {
      return null;
    }
    EndpointMeters m = endpoints.get(e);
    if (m == null) {
      m = new EndpointMeters(registry, pool, e, poolTags);
      endpoints.put(e, m);
      pool.circuitBreakers()
          .find(e.toString())
          .ifPresent(
              b -> {
                breakers.publishMetrics(b);
                published.put(e, b);
              });
    }
    return m;
  }

  private synchronized void remove(Endpoint e) {
    EndpointMeters m = endpoints.remove(e);
    if (m != null) {
      m.remove();
    }
    CircuitBreaker b = published.remove(e);
    if (b != null) {
      removeBreaker(b);
    }
  }

  private void removeBreaker(CircuitBreaker breaker) {
    breakers.removeMetrics(breaker);
  }

  /** The pool's events: timer records, and endpoints coming and going. */
  private final class Events implements PoolListener {
    @Override
    public void checkedOut(Endpoint endpoint, long elapsedNanos, boolean waited) {
      EndpointMeters m = meters(endpoint);
      if (m != null) {
        m.acquire.record(elapsedNanos, TimeUnit.NANOSECONDS);
      }
    }

    @Override
    public void returned(Endpoint endpoint, long heldNanos) {
      EndpointMeters m = meters(endpoint);
      if (m != null) {
        m.usage.record(heldNanos, TimeUnit.NANOSECONDS);
      }
    }

    @Override
    public void connected(Endpoint endpoint, long connectNanos) {
      EndpointMeters m = meters(endpoint);
      if (m != null) {
        m.creation.record(connectNanos, TimeUnit.NANOSECONDS);
      }
    }

    @Override
    public void endpointAdded(Endpoint endpoint) {
      meters(endpoint);
    }

    @Override
    public void endpointRemoved(Endpoint endpoint) {
      remove(endpoint);
    }
  }
}
