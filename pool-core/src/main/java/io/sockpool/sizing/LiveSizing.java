package io.sockpool.sizing;

import io.sockpool.Endpoint;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * A running pool's own sizing answer for one endpoint, from its measured traffic ({@link
 * io.sockpool.SocketPool#sizing(Endpoint)}): the arrival rate and mean hold time over the window,
 * the share of checkouts that waited, what Erlang C ({@link ErlangC}) predicts for that share at
 * the pool's current size, and the smallest size that keeps it at or below a target, capped by what
 * the pool may open for the endpoint.
 *
 * <p>The current size is {@code maxPerEndpoint}: the pool opens connections on demand up to it, and
 * a checkout waits only when all of them are out. The cap is {@code min(maxPerEndpoint, maxTotal)};
 * when the size needed is above it, {@link #capBinds()} is true and {@link #warning()} says which
 * limit to raise. Note that {@code maxTotal} is shared by every endpoint.
 *
 * <p>Immutable and thread-safe.
 */
public final class LiveSizing {
  /** The default target: at most 1 % of checkouts wait. */
  public static final double DEFAULT_TARGET_WAIT_PROBABILITY = 0.01;

  private final Endpoint endpoint;
  private final TrafficSample sample;
  private final int currentSize;
  private final int maxTotal;
  private final double targetWaitProbability;
  private final QueueEstimate atCurrentSize; // null: nothing measured
  private final int needed; // -1: nothing measured, or no size up to the model's limit
  private final String warning; // null: none

  private LiveSizing(
      Endpoint endpoint, TrafficSample sample, int currentSize, int maxTotal, double target) {
    this.endpoint = endpoint;
    this.sample = sample;
    this.currentSize = currentSize;
    this.maxTotal = maxTotal;
    this.targetWaitProbability = target;
    double rate = sample.ratePerSecond();
    Optional<Duration> hold = sample.meanHold();
    if (rate > 0 && hold.isPresent()) {
      this.atCurrentSize = ErlangC.evaluate(rate, hold.get(), currentSize);
      this.needed = smallest(rate, hold.get(), target);
    } else {
      this.atCurrentSize = null;
      this.needed = -1;
    }
    this.warning = warningFor();
  }

  /**
   * Computes the sizing for one endpoint.
   *
   * @param endpoint the peer
   * @param sample what was measured
   * @param maxPerEndpoint the pool's {@code maxPerEndpoint}, >= 1: the current size and a cap
   * @param maxTotal the pool's {@code maxTotal}, >= maxPerEndpoint: a cap
   * @param targetWaitProbability the most acceptable share of waiting checkouts, in (0, 1)
   * @return the sizing
   * @throws IllegalArgumentException if a value is out of range
   */
  public static LiveSizing of(
      Endpoint endpoint,
      TrafficSample sample,
      int maxPerEndpoint,
      int maxTotal,
      double targetWaitProbability) {
    if (endpoint == null || sample == null) {
      throw new IllegalArgumentException(
          (endpoint == null ? "endpoint" : "sample") + " must not be null");
    }
    Checks.connections(maxPerEndpoint);
    if (maxTotal < maxPerEndpoint) {
      throw new IllegalArgumentException(
          "maxTotal must be >= maxPerEndpoint (" + maxPerEndpoint + "), but was " + maxTotal);
    }
    Checks.targetWaitProbability(targetWaitProbability);
    return new LiveSizing(endpoint, sample, maxPerEndpoint, maxTotal, targetWaitProbability);
  }

  private static int smallest(double rate, Duration hold, double target) {
    try {
      return ErlangC.smallestSize(rate, hold, target).connections();
    } catch (IllegalArgumentException beyondModel) {
      return -1; // a load of 10 million connections or more: reported through warning()
    }
  }

  private String warningFor() {
    if (atCurrentSize != null && needed < 0) {
      return "the measured load of "
          + fmt(atCurrentSize.offeredLoad())
          + " connections is beyond the model's range";
    }
    if (!capBinds()) {
      return null;
    }
    String limit =
        needed > maxTotal
            ? "maxPerEndpoint "
                + currentSize
                + " (and maxTotal "
                + maxTotal
                + ", shared by all endpoints)"
            : "maxPerEndpoint " + currentSize;
    return String.format(
        Locale.ROOT,
        "%s needs %d connections for at most %s %% of checkouts"
            + " waiting (%s/s x %s us mean hold), but %s caps it at %d: raise it, or expect %s",
        endpoint,
        needed,
        fmt(targetWaitProbability * 100),
        fmt(sample.ratePerSecond()),
        fmt(sample.meanHold().orElseThrow().toNanos() / 1000.0),
        limit,
        cap(),
        atCurrentSize.stable()
            ? "about " + fmt(atCurrentSize.waitProbability() * 100) + " % of checkouts to wait"
            : "the queue of waiting checkouts to grow without bound (unstable)");
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.3g", v);
  }

  /** Returns the peer. */
  public Endpoint endpoint() {
    return endpoint;
  }

  /** Returns the measurement behind this answer. */
  public TrafficSample sample() {
    return sample;
  }

  /** Returns the measured arrival rate, checkouts per second (0 when nothing was measured). */
  public double ratePerSecond() {
    return sample.ratePerSecond();
  }

  /** Returns the measured mean hold time, if any connection came back in the window. */
  public Optional<Duration> meanHold() {
    return sample.meanHold();
  }

  /** Returns the measured share of checkouts that waited, if there were checkouts. */
  public OptionalDouble measuredWaitProbability() {
    return sample.waitedShare();
  }

  /** Returns the pool's current size for the endpoint ({@code maxPerEndpoint}). */
  public int currentSize() {
    return currentSize;
  }

  /** Returns the most connections the pool may open for the endpoint ({@code maxPerEndpoint}). */
  public int cap() {
    return currentSize;
  }

  /**
   * Returns what the model predicts at the current size for the measured rate and hold time, if
   * both were measured; {@link QueueEstimate#stable()} is false when the measured load is at or
   * above the current size.
   */
  public Optional<QueueEstimate> atCurrentSize() {
    return Optional.ofNullable(atCurrentSize);
  }

  /** Returns erlang C's probability of waiting at the current size, if measured and stable. */
  public OptionalDouble predictedWaitProbability() {
    return atCurrentSize == null || !atCurrentSize.stable()
        ? OptionalDouble.empty()
        : OptionalDouble.of(atCurrentSize.waitProbability());
  }

  /** Returns the target share of waiting checkouts the recommendation is for. */
  public double targetWaitProbability() {
    return targetWaitProbability;
  }

  /** Returns the smallest size meeting the target, uncapped, if the traffic was measured. */
  public OptionalInt neededConnections() {
    return needed < 0 ? OptionalInt.empty() : OptionalInt.of(needed);
  }

  /** Returns {@link #neededConnections()} capped at {@link #cap()}. */
  public OptionalInt recommendedConnections() {
    return needed < 0 ? OptionalInt.empty() : OptionalInt.of(Math.min(needed, cap()));
  }

  /** Returns whether the size needed is above what the pool may open. */
  public boolean capBinds() {
    return needed > cap();
  }

  /** Returns why the recommendation cannot be followed as it is, if it cannot. */
  public Optional<String> warning() {
    return Optional.ofNullable(warning);
  }

  @Override
  public String toString() {
    return "LiveSizing{endpoint="
        + endpoint
        + ", span="
        + sample.span()
        + ", checkouts="
        + sample.checkouts()
        + ", ratePerSecond="
        + fmt(ratePerSecond())
        + ", meanHoldMicros="
        + meanHold().map(h -> fmt(h.toNanos() / 1000.0)).orElse("-")
        + ", measuredWait="
        + show(measuredWaitProbability())
        + ", predictedWait="
        + show(predictedWaitProbability())
        + ", currentSize="
        + currentSize
        + ", target="
        + targetWaitProbability
        + ", recommended="
        + (needed < 0 ? "-" : String.valueOf(Math.min(needed, cap())))
        + ", needed="
        + (needed < 0 ? "-" : String.valueOf(needed))
        + (warning == null ? "" : ", warning=" + warning)
        + "}";
  }

  private static String show(OptionalDouble v) {
    return v.isPresent() ? fmt(v.getAsDouble()) : "-";
  }
}
