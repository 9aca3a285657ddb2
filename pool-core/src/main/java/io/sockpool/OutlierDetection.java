package io.sockpool;

import java.time.Duration;

/**
 * When an {@link EndpointGroup} stops sending calls to a member that fails (Envoy's outlier
 * detection, sized for a connection pool): a member with {@link #consecutiveFailures()} peer
 * failures in a row, or whose share of failed calls over the last {@link #interval()} reaches
 * {@link #failureRatePercent()} (once it has seen {@link #minimumCalls()} calls), is
 * <em>ejected</em> for {@link #baseEjectionTime()} times the number of times it was ejected (at
 * most {@link #maxEjectionTime()}). When that time is over, one call probes it: a success puts it
 * back, a failure ejects it again for longer. Each {@link #interval()} a member spends healthy
 * lowers its count of ejections by one.
 *
 * <p>Peer failures are what the member did: a refused, reset or timed-out connect, a failed
 * validation, an I/O error or read timeout in an exchange. What the caller did (an interrupt, its
 * own exception, a pool at capacity) and a member skipped because its circuit breaker is open are
 * not. At most {@link #maxEjectionPercent()} of the members are ejected at once (rounded down, at
 * least one, never every member).
 *
 * <p>With the defaults a member that comes back is serving again at most {@code maxEjectionTime}
 * (10 s) plus one call after its return. Immutable.
 *
 * @param consecutiveFailures peer failures in a row that eject a member; >= 1
 * @param failureRatePercent the share of failed calls that ejects a member, 1..100
 * @param minimumCalls calls in the interval before the failure rate counts; >= 1
 * @param interval the span the failure rate is counted over; > 0
 * @param baseEjectionTime the first ejection's length, multiplied by the ejection count; > 0
 * @param maxEjectionTime the longest ejection; >= baseEjectionTime
 * @param maxEjectionPercent the most members ejected at once, in percent of the group, 0..100 (0
 *     turns ejection off)
 */
public record OutlierDetection(
    int consecutiveFailures,
    int failureRatePercent,
    int minimumCalls,
    Duration interval,
    Duration baseEjectionTime,
    Duration maxEjectionTime,
    int maxEjectionPercent) {

  /** The defaults: 5 in a row, 50 % of at least 20 calls in 10 s, 1 s growing to 10 s, 50 %. */
  public static final OutlierDetection DEFAULTS =
      new OutlierDetection(
          5, 50, 20, Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(10), 50);

  /** No member is ever ejected (the circuit breakers still apply). */
  public static final OutlierDetection DISABLED =
      new OutlierDetection(
          Integer.MAX_VALUE,
          100,
          Integer.MAX_VALUE,
          Duration.ofSeconds(10),
          Duration.ofSeconds(1),
          Duration.ofSeconds(10),
          0);

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException naming the value that is out of range and the range
   */
  public OutlierDetection {
    atLeast("consecutiveFailures", consecutiveFailures, 1);
    if (failureRatePercent < 1 || failureRatePercent > 100) {
      throw new IllegalArgumentException(
          "failureRatePercent must be in 1..100, but was " + failureRatePercent);
    }
    atLeast("minimumCalls", minimumCalls, 1);
    positive("interval", interval);
    positive("baseEjectionTime", baseEjectionTime);
    positive("maxEjectionTime", maxEjectionTime);
    if (maxEjectionTime.compareTo(baseEjectionTime) < 0) {
      throw new IllegalArgumentException(
          "maxEjectionTime must be >= baseEjectionTime ("
              + baseEjectionTime
              + "), but was "
              + maxEjectionTime);
    }
    if (maxEjectionPercent < 0 || maxEjectionPercent > 100) {
      throw new IllegalArgumentException(
          "maxEjectionPercent must be in 0..100, but was " + maxEjectionPercent);
    }
  }

  /**
   * The defaults with another consecutive-failure count.
   *
   * @param n peer failures in a row that eject a member; >= 1
   * @return the settings
   */
  public OutlierDetection withConsecutiveFailures(int n) {
    return new OutlierDetection(
        n,
        failureRatePercent,
        minimumCalls,
        interval,
        baseEjectionTime,
        maxEjectionTime,
        maxEjectionPercent);
  }

  /**
   * These settings with other ejection times.
   *
   * @param base the first ejection's length; > 0
   * @param max the longest ejection; >= base
   * @return the settings
   */
  public OutlierDetection withEjectionTime(Duration base, Duration max) {
    return new OutlierDetection(
        consecutiveFailures,
        failureRatePercent,
        minimumCalls,
        interval,
        base,
        max,
        maxEjectionPercent);
  }

  /**
   * These settings with another bound on ejected members.
   *
   * @param percent the most members ejected at once, 0..100
   * @return the settings
   */
  public OutlierDetection withMaxEjectionPercent(int percent) {
    return new OutlierDetection(
        consecutiveFailures,
        failureRatePercent,
        minimumCalls,
        interval,
        baseEjectionTime,
        maxEjectionTime,
        percent);
  }

  private static void atLeast(String field, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(field + " must be >= " + min + ", but was " + value);
    }
  }

  private static void positive(String field, Duration value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " must not be null");
    }
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(field + " must be > 0, but was " + value);
    }
  }
}
