package io.sockpool.sizing;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * The M/M/c queueing model of a pool (Erlang C): Poisson arrivals of checkouts, exponentially
 * distributed hold times, {@code c} connections, waiting checkouts served first come first served,
 * no checkout timeout.
 *
 * <p>With offered load {@code a = rate x holdTime} (in connections), the Erlang B blocking
 * probability follows the recursion {@code B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1))} and the
 * probability of waiting is {@code C(c, a) = c B(c) / (c - a (1 - B(c)))} for {@code c > a}. The
 * recursion stays within [0, 1] at every step, so it is accurate for any size up to {@value
 * Checks#MAX_CONNECTIONS}, where the textbook formula with {@code a^c / c!} overflows a double
 * beyond {@code c} of about 170.
 *
 * <p>The model's assumptions matter: a peer with a near-constant service time waits less than M/M/c
 * predicts (the model is then conservative); bursts of arrivals larger than Poisson wait more.
 * docs/sizing.md compares the model against the real pool.
 *
 * <p>Stateless; every method is a pure computation taking time proportional to the size.
 */
public final class ErlangC {
  private ErlangC() {}

  /**
   * Erlang B: the probability that an arrival finds all {@code connections} busy in a loss system
   * (one where it would be turned away instead of waiting).
   *
   * @param offeredLoad {@code a = rate x holdTime}, a finite number >= 0
   * @param connections {@code c}, 0 to {@value Checks#MAX_CONNECTIONS}
   * @return B(c, a), in [0, 1]
   * @throws IllegalArgumentException if an argument is out of range
   */
  public static double erlangB(double offeredLoad, int connections) {
    Checks.offeredLoad(offeredLoad);
    if (connections < 0 || connections > Checks.MAX_CONNECTIONS) {
      throw new IllegalArgumentException(
          "connections must be in 0.." + Checks.MAX_CONNECTIONS + ", but was " + connections);
    }
    double b = 1.0;
    for (int k = 1; k <= connections; k++) {
      b = next(b, offeredLoad, k);
    }
    return b;
  }

  /**
   * Erlang C: the probability that a checkout has to wait, for a stable size.
   *
   * @param offeredLoad {@code a = rate x holdTime}, a finite number >= 0
   * @param connections {@code c}, more than {@code offeredLoad}, at most {@value
   *     Checks#MAX_CONNECTIONS}
   * @return C(c, a), in [0, 1)
   * @throws IllegalArgumentException if an argument is out of range, including {@code connections
   *     <= offeredLoad} (an unstable size, which has no wait probability; use {@link
   *     #evaluate(double, Duration, int)} to get a result that says so instead)
   */
  public static double erlangC(double offeredLoad, int connections) {
    Checks.offeredLoad(offeredLoad);
    Checks.connections(connections);
    if (connections <= offeredLoad) {
      throw new IllegalArgumentException(
          "connections must be more than offeredLoad "
              + offeredLoad
              + " (otherwise the queue is unstable and has no wait probability), but was "
              + connections);
    }
    return fromB(erlangB(offeredLoad, connections), offeredLoad, connections);
  }

  /**
   * Predicts waiting for one pool size.
   *
   * @param ratePerSecond checkouts per second, a finite number > 0
   * @param holdTime the mean time a checkout holds a connection, > 0
   * @param connections the pool size, 1 to {@value Checks#MAX_CONNECTIONS}
   * @return the estimate; {@link QueueEstimate#stable()} is false if {@code connections <=
   *     ratePerSecond x holdTime}
   * @throws IllegalArgumentException if an argument is out of range (the message names it)
   */
  public static QueueEstimate evaluate(double ratePerSecond, Duration holdTime, int connections) {
    Checks.ratePerSecond(ratePerSecond);
    Checks.latency("holdTime", holdTime);
    Checks.connections(connections);
    if (connections > Checks.MAX_CONNECTIONS) {
      throw new IllegalArgumentException(
          "connections must be <= " + Checks.MAX_CONNECTIONS + ", but was " + connections);
    }
    double a = Checks.offeredLoad(ratePerSecond, holdTime).doubleValue();
    return estimate(ratePerSecond, holdTime, a, connections);
  }

  /**
   * Finds the smallest pool size whose probability of waiting is at most the target.
   *
   * @param ratePerSecond checkouts per second, a finite number > 0
   * @param holdTime the mean time a checkout holds a connection, > 0
   * @param targetWaitProbability the most acceptable probability that a checkout waits, > 0 and
   *     &lt; 1 (0.01: at most 1 % of checkouts wait)
   * @return the estimate for that size (always stable)
   * @throws IllegalArgumentException if an argument is out of range, or if the size needed is more
   *     than {@value Checks#MAX_CONNECTIONS}
   */
  public static QueueEstimate smallestSize(
      double ratePerSecond, Duration holdTime, double targetWaitProbability) {
    Checks.ratePerSecond(ratePerSecond);
    Checks.latency("holdTime", holdTime);
    Checks.targetWaitProbability(targetWaitProbability);
    BigDecimal load = Checks.offeredLoad(ratePerSecond, holdTime);
    return smallestSize(ratePerSecond, holdTime, load, targetWaitProbability);
  }

  /** The search, for an exact offered load (the sizing request passes its buffered load). */
  static QueueEstimate smallestSize(
      double ratePerSecond, Duration holdTime, BigDecimal load, double targetWaitProbability) {
    if (load.compareTo(BigDecimal.valueOf(Checks.MAX_CONNECTIONS)) >= 0) {
      throw new IllegalArgumentException(
          "offered load (rate x latency) must be below "
              + Checks.MAX_CONNECTIONS
              + " connections, but was "
              + Checks.show(load)
              + " (ratePerSecond "
              + ratePerSecond
              + ", latency "
              + holdTime
              + ")");
    }
    double a = load.doubleValue();
    double b = 1.0;
    for (int c = 1; c <= Checks.MAX_CONNECTIONS; c++) {
      b = next(b, a, c);
      // C(c, a) falls as c grows above a, so the first size meeting the target is the smallest.
      if (c > a && fromB(b, a, c) <= targetWaitProbability) {
        return new QueueEstimate(ratePerSecond, holdTime, c, a, fromB(b, a, c));
      }
    }
    throw new IllegalArgumentException(
        "no pool size up to "
            + Checks.MAX_CONNECTIONS
            + " brings the wait probability down to targetWaitProbability "
            + targetWaitProbability
            + " for an offered load of "
            + a
            + " connections");
  }

  /** The estimate for a given double offered load (used for the buffered design load). */
  static QueueEstimate estimate(
      double ratePerSecond, Duration holdTime, double a, int connections) {
    if (connections <= a) {
      return new QueueEstimate(ratePerSecond, holdTime, connections, a, Double.NaN);
    }
    return new QueueEstimate(
        ratePerSecond, holdTime, connections, a, fromB(erlangB(a, connections), a, connections));
  }

  private static double next(double b, double a, int k) {
    double ab = a * b;
    return ab / (k + ab);
  }

  private static double fromB(double b, double a, int c) {
    return c * b / (c - a * (1 - b));
  }
}
