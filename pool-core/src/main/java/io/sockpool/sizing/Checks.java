package io.sockpool.sizing;

import java.math.BigDecimal;
import java.time.Duration;

/** Argument checks and exact arithmetic shared by the sizing classes. */
final class Checks {
  /**
   * The largest pool size (and offered load) the calculators accept: far above any real pool (a
   * client has at most ~64k ports per peer address), small enough that the Erlang B recursion over
   * every size up to it stays in the tens of milliseconds.
   */
  static final int MAX_CONNECTIONS = 10_000_000;

  private Checks() {}

  static double ratePerSecond(double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(
          "ratePerSecond must be a finite number > 0 (requests per second), but was " + value);
    }
    return value;
  }

  static Duration latency(String name, Duration value) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(
          name
              + " must be a Duration > 0 (the time a connection is"
              + " held per request), but was "
              + value);
    }
    return value;
  }

  /** The largest buffer: 100 % headroom, twice the measured load. */
  static final double MAX_BUFFER_FRACTION = 1.0;

  static double bufferFraction(double value) {
    if (!(value >= 0 && value <= MAX_BUFFER_FRACTION)) {
      String hint =
          value > MAX_BUFFER_FRACTION && value <= 100
              ? " (a percentage? " + value + " % is " + value / 100 + ")"
              : "";
      throw new IllegalArgumentException(
          "bufferFraction must be a fraction from 0.0 to "
              + MAX_BUFFER_FRACTION
              + " (0.2 means 20 % headroom), but was "
              + value
              + hint);
    }
    return value + 0.0; // -0.0 becomes 0.0
  }

  static double targetWaitProbability(double value) {
    if (!(value > 0 && value < 1)) {
      throw new IllegalArgumentException(
          "targetWaitProbability must be > 0 and < 1 (0.01 means"
              + " at most 1 % of checkouts wait), but was "
              + value);
    }
    return value;
  }

  static int connections(int value) {
    if (value < 1) {
      throw new IllegalArgumentException("connections must be >= 1, but was " + value);
    }
    return value;
  }

  static double offeredLoad(double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(
          "offeredLoad must be a finite number >= 0 (rate x"
              + " latency, in connections), but was "
              + value);
    }
    return value;
  }

  /** Returns the value's shortest decimal form ({@link Double#toString}) as an exact decimal. */
  static BigDecimal decimal(double value) {
    return new BigDecimal(Double.toString(value));
  }

  /** Returns the value to 6 significant digits, plain below 10^12, else in E notation. */
  static String show(BigDecimal value) {
    BigDecimal rounded = value.round(new java.math.MathContext(6)).stripTrailingZeros();
    return rounded.abs().compareTo(BigDecimal.TEN.pow(12)) < 0
        ? rounded.toPlainString()
        : rounded.toString();
  }

  /** Returns the duration in seconds, exactly. */
  static BigDecimal seconds(Duration value) {
    return BigDecimal.valueOf(value.getSeconds()).add(BigDecimal.valueOf(value.getNano(), 9));
  }

  /** Returns rate x latency, exactly, from the decimal forms of the arguments. */
  static BigDecimal offeredLoad(double ratePerSecond, Duration latency) {
    return decimal(ratePerSecond).multiply(seconds(latency));
  }

  /**
   * Returns the duration nearest to the given seconds; beyond {@link Duration}'s range (about 292
   * billion years) the longest Duration.
   *
   * @param seconds a finite number >= 0
   */
  static Duration durationOfSeconds(double seconds) {
    if (seconds < 9e9) {
      return Duration.ofNanos(Math.round(seconds * 1e9));
    }
    if (seconds >= 0x1p63) {
      return Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
    }
    long whole = (long) seconds;
    return Duration.ofSeconds(whole, Math.round((seconds - whole) * 1e9));
  }
}
