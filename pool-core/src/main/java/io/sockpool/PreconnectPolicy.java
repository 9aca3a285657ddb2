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
 * @param targetWaitProbability the most acceptable share of checkouts that wait, in (0, 1)
 * @param window the span the rate and hold time are measured over; 200 ms to 60 s
 * @param interval how often the pool compares what is open with what the model asks for; 10 ms to
 *     10 s
 * @param initialBackoff the pause after a first failed connect; > 0
 * @param maxBackoff the longest pause; >= initialBackoff
 */
public record PreconnectPolicy(
    double targetWaitProbability,
    Duration window,
    Duration interval,
    Duration initialBackoff,
    Duration maxBackoff) {

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
    within("window", window, Duration.ofMillis(200), Duration.ofSeconds(60));
    within("interval", interval, Duration.ofMillis(10), Duration.ofSeconds(10));
    within("initialBackoff", initialBackoff, Duration.ofNanos(1), Duration.ofHours(1));
    within("maxBackoff", maxBackoff, initialBackoff, Duration.ofHours(1));
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
