package io.sockpool.sizing;

import java.time.Duration;
import java.util.Locale;

/**
 * What the M/M/c (Erlang C) model predicts for one pool size: checkouts arrive as a Poisson process
 * at {@link #ratePerSecond()}, each holds a connection for an exponentially distributed time with
 * mean {@link #holdTime()}, and a checkout waits when all {@link #connections()} are in use.
 *
 * <p>A size at or below the offered load ({@code connections <= rate x holdTime}) is
 * <em>unstable</em>: the pool cannot keep up on average, the queue of waiting checkouts grows
 * without bound and there is no steady-state wait probability or mean wait. Such an estimate
 * reports {@link #stable()} {@code false}, and {@link #waitProbability()}, {@link #meanWait()},
 * {@link #meanWaitMillis()} and {@link #probabilityOfWaitingLongerThan(Duration)} throw {@link
 * IllegalStateException} saying so instead of returning a number.
 *
 * <p>Immutable and thread-safe. Made by {@link ErlangC#evaluate(double, Duration, int)} and {@link
 * ErlangC#smallestSize(double, Duration, double)}.
 */
public final class QueueEstimate {
  private final double ratePerSecond;
  private final Duration holdTime;
  private final int connections;
  private final double offeredLoad;
  private final double waitProbability; // NaN when unstable
  private final double meanWaitSeconds; // NaN when unstable

  QueueEstimate(
      double ratePerSecond,
      Duration holdTime,
      int connections,
      double offeredLoad,
      double waitProbability) {
    this.ratePerSecond = ratePerSecond;
    this.holdTime = holdTime;
    this.connections = connections;
    this.offeredLoad = offeredLoad;
    this.waitProbability = waitProbability;
    // W_q = C / (c * mu - lambda) = C * holdTime / (c - a)
    this.meanWaitSeconds =
        Double.isNaN(waitProbability)
            ? Double.NaN
            : waitProbability
                * Checks.seconds(holdTime).doubleValue()
                / (connections - offeredLoad);
  }

  /** Returns the arrival rate of checkouts, per second. */
  public double ratePerSecond() {
    return ratePerSecond;
  }

  /** Returns the mean time a checkout holds a connection. */
  public Duration holdTime() {
    return holdTime;
  }

  /** Returns the pool size this estimate is for. */
  public int connections() {
    return connections;
  }

  /**
   * Returns the offered load {@code a = rate x holdTime}: the mean number of connections in use if
   * there were always one free (Little's law), in connections ("Erlangs").
   */
  public double offeredLoad() {
    return offeredLoad;
  }

  /**
   * Returns {@code offeredLoad / connections}: the fraction of time a connection is in use when the
   * pool is stable; 1 or more when it is not.
   */
  public double utilization() {
    return offeredLoad / connections;
  }

  /** Returns whether {@code connections > offeredLoad}, so that the queue has a steady state. */
  public boolean stable() {
    return !Double.isNaN(waitProbability);
  }

  /**
   * Returns the probability of waiting.
   *
   * @return the probability that a checkout finds every connection in use and has to wait (Erlang
   *     C), in [0, 1)
   * @throws IllegalStateException if the size is unstable ({@link #stable()} is false)
   */
  public double waitProbability() {
    requireStable();
    return waitProbability;
  }

  /**
   * Returns the mean wait of a checkout.
   *
   * @return the mean wait of a checkout, over all checkouts (those that do not wait count as 0):
   *     {@code waitProbability x holdTime / (connections - offeredLoad)}, to the nearest nanosecond
   *     (see {@link #meanWaitMillis()} for the unrounded value)
   * @throws IllegalStateException if the size is unstable
   */
  public Duration meanWait() {
    requireStable();
    return Checks.durationOfSeconds(meanWaitSeconds);
  }

  /**
   * Returns the mean wait in milliseconds.
   *
   * @return {@link #meanWait()} in milliseconds, not rounded
   * @throws IllegalStateException if the size is unstable
   */
  public double meanWaitMillis() {
    requireStable();
    return meanWaitSeconds * 1000;
  }

  /**
   * The probability that a checkout waits longer than {@code wait}: in M/M/c the wait of those that
   * wait is exponential with rate {@code (connections - offeredLoad) / holdTime}, so this is {@code
   * waitProbability x exp(-(connections - offeredLoad) x wait / holdTime)}. With the pool's
   * checkout timeout as {@code wait}, it estimates the fraction of checkouts that time out.
   *
   * @param wait a wait, >= 0; 0 gives {@link #waitProbability()}
   * @return the probability, in [0, 1)
   * @throws IllegalArgumentException if {@code wait} is null or negative
   * @throws IllegalStateException if the size is unstable
   */
  public double probabilityOfWaitingLongerThan(Duration wait) {
    if (wait == null || wait.isNegative()) {
      throw new IllegalArgumentException("wait must be a Duration >= 0, but was " + wait);
    }
    requireStable();
    double ratio = Checks.seconds(wait).doubleValue() / Checks.seconds(holdTime).doubleValue();
    return waitProbability * Math.exp(-(connections - offeredLoad) * ratio);
  }

  private void requireStable() {
    if (!stable()) {
      throw new IllegalStateException(unstableMessage());
    }
  }

  /**
   * Returns for an unstable size, a sentence saying why and how many connections are needed; for a
   * stable one, an empty string.
   */
  public String unstableMessage() {
    if (stable()) {
      return "";
    }
    return String.format(
        Locale.ROOT,
        "%d connections are unstable for an offered load of %s"
            + " (rate %s/s x hold time %s): the pool cannot keep up and the wait grows without bound;"
            + " a stable pool needs more than %s connections",
        connections,
        offeredLoad,
        ratePerSecond,
        holdTime,
        offeredLoad);
  }

  @Override
  public String toString() {
    String head =
        "QueueEstimate{connections="
            + connections
            + ", offeredLoad="
            + offeredLoad
            + ", ratePerSecond="
            + ratePerSecond
            + ", holdTime="
            + holdTime;
    if (!stable()) {
      return head + ", unstable}";
    }
    return head
        + ", waitProbability="
        + waitProbability
        + ", meanWaitMillis="
        + meanWaitSeconds * 1000
        + "}";
  }
}
