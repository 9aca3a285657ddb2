package io.sockpool;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of one endpoint's connections and counters, or of the whole pool's (then {@link
 * #endpoint()} is null, see {@link PoolStats#total()}). Gauges (active, idle, waiting, connecting)
 * are read at snapshot time, one after the other; counters count since the pool first saw the
 * endpoint. Wait times cover successful checkouts.
 *
 * @param endpoint the endpoint, or null for the pool's totals
 * @param active connections checked out now
 * @param idle idle connections now
 * @param waiting callers parked waiting for a connection now
 * @param connecting connects (including the initializer) under way now
 * @param created connections opened so far
 * @param destroyed connections closed so far, by reason; every reason present
 * @param checkouts successful checkouts so far
 * @param timeouts checkouts that failed on their deadline so far
 * @param rejected checkouts refused at once (waiter bound reached, breaker open) so far
 * @param waitMax the longest wait of a successful checkout
 * @param waitMean the mean wait of successful checkouts
 * @param waitP99 the 99th percentile wait of successful checkouts (log-scale histogram, +-10 %)
 * @param createdOnDemand of {@code created}, the connections a checkout opened because it found
 *     none idle (the caller waited for the connect)
 * @param createdByPreconnect of {@code created}, the connections predictive preconnect opened ahead
 *     of demand ({@link SocketPool#preconnect}); the rest of {@code created} are warm-up and
 *     min-idle opens ({@link #createdAhead()})
 */
public record EndpointStats(
    Endpoint endpoint,
    int active,
    int idle,
    int waiting,
    int connecting,
    long created,
    Map<DestroyReason, Long> destroyed,
    long checkouts,
    long timeouts,
    long rejected,
    Duration waitMax,
    Duration waitMean,
    Duration waitP99,
    long createdOnDemand,
    long createdByPreconnect) {

  /**
   * The stats without the split of {@code created} by who opened it ({@link #createdOnDemand()} and
   * {@link #createdByPreconnect()} are 0).
   *
   * @param endpoint the endpoint, or null for the pool's totals
   * @param active connections checked out now
   * @param idle idle connections now
   * @param waiting callers parked waiting for a connection now
   * @param connecting connects under way now
   * @param created connections opened so far
   * @param destroyed connections closed so far, by reason
   * @param checkouts successful checkouts so far
   * @param timeouts checkouts that failed on their deadline so far
   * @param rejected checkouts refused at once so far
   * @param waitMax the longest wait of a successful checkout
   * @param waitMean the mean wait of successful checkouts
   * @param waitP99 the 99th percentile wait of successful checkouts
   */
  public EndpointStats(
      Endpoint endpoint,
      int active,
      int idle,
      int waiting,
      int connecting,
      long created,
      Map<DestroyReason, Long> destroyed,
      long checkouts,
      long timeouts,
      long rejected,
      Duration waitMax,
      Duration waitMean,
      Duration waitP99) {
    this(
        endpoint,
        active,
        idle,
        waiting,
        connecting,
        created,
        destroyed,
        checkouts,
        timeouts,
        rejected,
        waitMax,
        waitMean,
        waitP99,
        0,
        0);
  }

  /** Copies {@code destroyed} with a zero for every missing reason; checks the durations. */
  public EndpointStats {
    EnumMap<DestroyReason, Long> all = new EnumMap<>(DestroyReason.class);
    for (DestroyReason r : DestroyReason.values()) {
      all.put(r, destroyed == null ? 0L : destroyed.getOrDefault(r, 0L));
    }
    destroyed = Collections.unmodifiableMap(all);
    Objects.requireNonNull(waitMax, "waitMax must not be null");
    Objects.requireNonNull(waitMean, "waitMean must not be null");
    Objects.requireNonNull(waitP99, "waitP99 must not be null");
  }

  /**
   * Returns all-zero stats for an endpoint the pool has not seen (or has forgotten).
   *
   * @param endpoint the endpoint
   */
  public static EndpointStats empty(Endpoint endpoint) {
    return new EndpointStats(
        endpoint, 0, 0, 0, 0, 0, Map.of(), 0, 0, 0, Duration.ZERO, Duration.ZERO, Duration.ZERO);
  }

  /**
   * Returns connections closed for that reason so far.
   *
   * @param reason the reason
   */
  public long destroyed(DestroyReason reason) {
    return destroyed.get(reason);
  }

  /** Returns connections closed so far, all reasons. */
  public long destroyedTotal() {
    long sum = 0;
    for (long v : destroyed.values()) {
      sum += v;
    }
    return sum;
  }

  /**
   * Returns the connections opened ahead of demand by warm-up and min-idle: {@code created} less
   * those opened on demand and by preconnect (the counters are read one after the other, so a
   * snapshot taken during a connect may be off by that connect; never below 0).
   */
  public long createdAhead() {
    return Math.max(0, created - createdOnDemand - createdByPreconnect);
  }

  /** Returns connections open now: checked out plus idle. */
  public int open() {
    return active + idle;
  }

  @Override
  public String toString() {
    return (endpoint == null ? "total" : endpoint.toString())
        + "{active="
        + active
        + ", idle="
        + idle
        + ", waiting="
        + waiting
        + ", connecting="
        + connecting
        + ", created="
        + created
        + ", createdOnDemand="
        + createdOnDemand
        + ", createdByPreconnect="
        + createdByPreconnect
        + ", destroyed="
        + destroyed
        + ", checkouts="
        + checkouts
        + ", timeouts="
        + timeouts
        + ", rejected="
        + rejected
        + ", waitMeanMicros="
        + waitMean.toNanos() / 1000
        + ", waitP99Micros="
        + waitP99.toNanos() / 1000
        + ", waitMaxMicros="
        + waitMax.toNanos() / 1000
        + "}";
  }
}
