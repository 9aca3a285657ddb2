package io.sockpool;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of counters for one endpoint, or for the whole pool ({@link #endpoint()} empty).
 * Gauges (active, idle, waiting) are read at snapshot time; counters count since the pool
 * was created. Wait times cover successful checkouts.
 */
public final class ConnectionStats {
  private final Endpoint endpoint;
  private final int active;
  private final int idle;
  private final int waiting;
  private final long created;
  private final EnumMap<DestroyReason, Long> destroyed;
  private final long checkouts;
  private final long timeouts;
  private final long rejected;
  private final Duration waitMax;
  private final Duration waitMean;
  private final Duration waitP99;

  /**
   * @param endpoint the endpoint, or null for the whole pool
   * @param active connections checked out
   * @param idle idle connections
   * @param waiting callers waiting
   * @param created connections opened
   * @param destroyed connections closed, by reason (missing reasons count 0)
   * @param checkouts successful checkouts
   * @param timeouts checkouts that failed on their deadline
   * @param rejected checkouts refused at once (waiter bound, open breaker)
   * @param waitMax longest checkout wait
   * @param waitMean mean checkout wait
   * @param waitP99 99th percentile of checkout wait (from a log-scale histogram, +-10 %)
   */
  public ConnectionStats(Endpoint endpoint, int active, int idle, int waiting, long created,
      Map<DestroyReason, Long> destroyed, long checkouts, long timeouts, long rejected,
      Duration waitMax, Duration waitMean, Duration waitP99) {
    this.endpoint = endpoint;
    this.active = active;
    this.idle = idle;
    this.waiting = waiting;
    this.created = created;
    this.destroyed = new EnumMap<>(DestroyReason.class);
    for (DestroyReason r : DestroyReason.values()) {
      this.destroyed.put(r, destroyed.getOrDefault(r, 0L));
    }
    this.checkouts = checkouts;
    this.timeouts = timeouts;
    this.rejected = rejected;
    this.waitMax = waitMax;
    this.waitMean = waitMean;
    this.waitP99 = waitP99;
  }

  /** @return the endpoint, or empty for the pool's totals */
  public Optional<Endpoint> endpoint() {
    return Optional.ofNullable(endpoint);
  }

  /** @return connections checked out now */
  public int active() {
    return active;
  }

  /** @return idle connections now */
  public int idle() {
    return idle;
  }

  /** @return callers waiting for a connection now */
  public int waiting() {
    return waiting;
  }

  /** @return connections opened so far */
  public long created() {
    return created;
  }

  /**
   * @param reason the reason
   * @return connections closed for that reason so far
   */
  public long destroyed(DestroyReason reason) {
    return destroyed.get(reason);
  }

  /** @return connections closed so far, all reasons */
  public long destroyedTotal() {
    long sum = 0;
    for (long v : destroyed.values()) {
      sum += v;
    }
    return sum;
  }

  /** @return successful checkouts so far */
  public long checkouts() {
    return checkouts;
  }

  /** @return checkouts that failed on their deadline so far */
  public long timeouts() {
    return timeouts;
  }

  /** @return checkouts refused at once (waiter bound reached, breaker open) so far */
  public long rejected() {
    return rejected;
  }

  /** @return the longest wait of a successful checkout */
  public Duration waitMax() {
    return waitMax;
  }

  /** @return the mean wait of successful checkouts */
  public Duration waitMean() {
    return waitMean;
  }

  /** @return the 99th percentile wait of successful checkouts (+-10 %) */
  public Duration waitP99() {
    return waitP99;
  }

  @Override
  public String toString() {
    return (endpoint == null ? "total" : endpoint.toString()) + "{active=" + active + ", idle=" + idle
        + ", waiting=" + waiting + ", created=" + created + ", destroyed=" + destroyed
        + ", checkouts=" + checkouts + ", timeouts=" + timeouts + ", rejected=" + rejected
        + ", waitMeanMicros=" + waitMean.toNanos() / 1000 + ", waitP99Micros="
        + waitP99.toNanos() / 1000 + ", waitMaxMicros=" + waitMax.toNanos() / 1000 + "}";
  }
}
