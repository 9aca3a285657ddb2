package io.sockpool;

import java.time.Duration;

/**
 * Predictive preconnect ({@link SocketPool#preconnect}): from each endpoint's live arrival rate and
 * hold time, measured over {@code window}, the pool keeps open the size Erlang C gives for at most
 * {@code targetWaitProbability} of checkouts waiting, bounded by the endpoint's limit, opening at
 * most {@code maxConnectingPerEndpoint} at once, every {@code interval}. After a failed connect the
 * endpoint is left alone for a backoff (from {@code initialBackoff}, doubling up to {@code
 * maxBackoff}, each with ±50 % jitter). It never closes a connection: when the load falls, the
 * connections no longer needed sit idle and idle eviction ({@link PoolConfig#idleTimeout()}) closes
 * them.
 *
 * <p><b>Headroom for steps.</b> No estimate of the rate sees a step in load before it comes, and
 * after it the pool grows by at most {@code maxConnectingPerEndpoint} connections per connect time,
 * so callers arriving in the first connect times of a step wait. A {@code rateHeadroom} above 1
 * ({@link #withRateHeadroom}) sizes for the measured rate times that factor: with a headroom of 10
 * the connections for a tenfold step are open before it comes. Erlang C's size grows more slowly
 * than the rate (the margin for randomness grows with its square root), so the headroom costs fewer
 * than {@code rateHeadroom} times the connections; {@link SocketPool#preconnectTarget} reports the
 * size with the headroom. This is the role of Envoy's {@code per_upstream_preconnect_ratio} (there
 * a factor on the streams in flight, 1 to 3), applied here to the rate before the queueing model.
 *
 * @param targetWaitProbability the most acceptable share of checkouts that wait, in (0, 1)
 * @param window the span the rate and hold time are measured over; 200 ms to 60 s
 * @param interval how often the pool compares what is open with what the model asks for; 10 ms to
 *     10 s
 * @param initialBackoff the pause after a first failed connect; > 0
 * @param maxBackoff the longest pause; >= initialBackoff
 * @param rateHeadroom the factor the measured rate is multiplied by before sizing, from 1 (size for
 *     the measured rate) to {@value #MAX_RATE_HEADROOM}
 */
public record PreconnectPolicy(
    double targetWaitProbability,
    Duration window,
    Duration interval,
    Duration initialBackoff,
    Duration maxBackoff,
    double rateHeadroom) {

  /** The largest {@link #rateHeadroom()}. */
  public static final double MAX_RATE_HEADROOM = 100;

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException naming the field, the value and what is allowed
   */
  public PreconnectPolicy {
    if (!(targetWaitProbability > 0 && targetWaitProbability < 1)) {
      throw new IllegalArgumentException(
          "targetWaitProbability must be > 0 and < 1, but was " + targetWaitProbability);
    }
    if (!(rateHeadroom >= 1 && rateHeadroom <= MAX_RATE_HEADROOM)) {
      throw new IllegalArgumentException(
          "rateHeadroom must be between 1.0 and "
              + MAX_RATE_HEADROOM
              + " (a factor on the measured rate), but was "
              + rateHeadroom);
    }
    within("window", window, Duration.ofMillis(200), Duration.ofSeconds(60));
    within("interval", interval, Duration.ofMillis(10), Duration.ofSeconds(10));
    within("initialBackoff", initialBackoff, Duration.ofNanos(1), Duration.ofHours(1));
    within("maxBackoff", maxBackoff, initialBackoff, Duration.ofHours(1));
  }

  /**
   * A policy without headroom ({@code rateHeadroom} 1: sized for the measured rate).
   *
   * @param targetWaitProbability the most acceptable share of checkouts that wait, in (0, 1)
   * @param window the span the rate and hold time are measured over; 200 ms to 60 s
   * @param interval how often the pool compares what is open with what the model asks for; 10 ms to
   *     10 s
   * @param initialBackoff the pause after a first failed connect; > 0
   * @param maxBackoff the longest pause; >= initialBackoff
   * @throws IllegalArgumentException naming the field, the value and what is allowed
   */
  public PreconnectPolicy(
      double targetWaitProbability,
      Duration window,
      Duration interval,
      Duration initialBackoff,
      Duration maxBackoff) {
    this(targetWaitProbability, window, interval, initialBackoff, maxBackoff, 1.0);
  }

  /**
   * This policy with another headroom: the pool sizes for the measured rate times {@code
   * rateHeadroom}, so a step in load up to that factor finds its connections already open.
   *
   * @param rateHeadroom from 1 (no headroom) to {@value #MAX_RATE_HEADROOM}
   * @return the new policy
   * @throws IllegalArgumentException if the factor is out of range
   */
  public PreconnectPolicy withRateHeadroom(double rateHeadroom) {
    return new PreconnectPolicy(
        targetWaitProbability, window, interval, initialBackoff, maxBackoff, rateHeadroom);
  }

  /**
   * The defaults for a wait target: measured over 2 s, looked at every 50 ms, backoff from 100 ms
   * to 5 s.
   *
   * @param targetWaitProbability the most acceptable share of checkouts that wait, in (0, 1)
   * @return the policy
   */
  public static PreconnectPolicy forWaitProbability(double targetWaitProbability) {
    return new PreconnectPolicy(
        targetWaitProbability,
        Duration.ofSeconds(2),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofSeconds(5));
  }

  private static void within(String field, Duration value, Duration min, Duration max) {
    if (value == null) {
      throw new IllegalArgumentException(field + " must not be null");
    }
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          field + " must be between " + min + " and " + max + ", but was " + value);
    }
  }
}
