package io.sockpool.sizing;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What a pool measured for one endpoint over a span of time: the inputs of live sizing.
 *
 * @param span the time the counts cover
 * @param checkouts successful checkouts (the arrivals of the queueing model)
 * @param waited checkouts that had to wait for another caller's connection
 * @param returns connections that came back
 * @param held the total time those connections were held (checkout to return)
 */
public record TrafficSample(
    Duration span, long checkouts, long waited, long returns, Duration held) {
  /** Nothing measured. */
  public static final TrafficSample EMPTY =
      new TrafficSample(Duration.ZERO, 0, 0, 0, Duration.ZERO);

  /** Checks that nothing is negative and that no more checkouts waited than were made. */
  public TrafficSample {
    Objects.requireNonNull(span, "span must not be null");
    Objects.requireNonNull(held, "held must not be null");
    if (span.isNegative() || held.isNegative() || checkouts < 0 || waited < 0 || returns < 0) {
      throw new IllegalArgumentException(
          "no value may be negative, but was span="
              + span
              + ", checkouts="
              + checkouts
              + ", waited="
              + waited
              + ", returns="
              + returns
              + ", held="
              + held);
    }
    if (waited > checkouts) {
      throw new IllegalArgumentException(
          "waited must be <= checkouts (" + checkouts + "), but was " + waited);
    }
  }

  /** Returns checkouts per second over the span; 0 when the span is empty. */
  public double ratePerSecond() {
    long nanos = span.toNanos();
    return nanos <= 0 ? 0 : checkouts * 1e9 / nanos;
  }

  /** Returns the mean time a connection was held, if any came back (at least 1 ns). */
  public Optional<Duration> meanHold() {
    if (returns == 0) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofNanos(Math.max(1, held.toNanos() / returns)));
  }

  /** Returns the share of checkouts that waited, if there were any checkouts. */
  public OptionalDouble waitedShare() {
    return checkouts == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) waited / checkouts);
  }
}
