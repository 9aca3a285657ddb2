package io.sockpool.redis.demo.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the quantities of command-line options, for every command (the demo's {@code ping} and
 * {@code size}, the benchmarks' load harness): plain decimal numbers, durations with a unit,
 * fractions or percentages, and counts. Strict: no hexadecimal, no "NaN" or "Infinity", no
 * surrounding spaces, no unit-less durations. Every failure is a {@link UsageException} naming the
 * option, the text given and what is allowed.
 */
public final class Quantities {
  private static final String DECIMAL = "[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?";
  private static final Pattern NUMBER = Pattern.compile(DECIMAL);
  private static final Pattern DURATION = Pattern.compile("(" + DECIMAL + ")(us|\u00b5s|ms|s|m)");
  private static final Pattern PERCENT = Pattern.compile("(" + DECIMAL + ")%");
  private static final Pattern COUNT = Pattern.compile("\\d{1,10}");
  private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);
  private static final BigDecimal HALF_NANO = new BigDecimal("0.5");

  private Quantities() {}

  /**
   * @param option the option's name, for messages
   * @param text a decimal number such as {@code 1000}, {@code 2.5} or {@code 1e3}
   * @return the number
   * @throws UsageException if the text is not a decimal number
   */
  public static BigDecimal decimal(String option, String text) throws UsageException {
    if (!NUMBER.matcher(text).matches()) {
      throw new UsageException(
          option + " must be a decimal number such as 1000 or 2.5, but was '" + text + "'");
    }
    return new BigDecimal(text);
  }

  /**
   * @param option the option's name, for messages
   * @param text a number and a unit: {@code 250us} (or {@code 250µs}), {@code 10ms}, {@code 1.5s},
   *     {@code 2m}
   * @return the duration, rounded to the nearest nanosecond
   * @throws UsageException if the text has no or an unknown unit, is not a number, is not above 0
   *     ns after rounding, or is too long for a {@link Duration} in nanoseconds (~292 years)
   */
  public static Duration duration(String option, String text) throws UsageException {
    Matcher m = DURATION.matcher(text);
    String allowed =
        " (a number > 0 followed by us, ms or s, or m for minutes, e.g. 10ms, 250us, 1.5s, 2m)";
    if (!m.matches()) {
      throw new UsageException(
          option + " must be a duration" + allowed + ", but was '" + text + "'");
    }
    BigDecimal perUnit =
        switch (m.group(2)) {
          case "m" -> BigDecimal.valueOf(60_000_000_000L);
          case "s" -> BigDecimal.valueOf(1_000_000_000L);
          case "ms" -> BigDecimal.valueOf(1_000_000L);
          default -> BigDecimal.valueOf(1_000L);
        };
    BigDecimal exact = new BigDecimal(m.group(1)).multiply(perUnit);
    // compared before rounding: rounding 1e-999999 or 1e999999 to whole nanoseconds is costly
    if (exact.compareTo(HALF_NANO) < 0) {
      throw new UsageException(
          option + " must be at least 1 ns" + allowed + ", but was '" + text + "'");
    }
    if (exact.compareTo(MAX_NANOS) > 0) {
      throw new UsageException(
          option + " must be at most 292 years" + allowed + ", but was '" + text + "'");
    }
    BigDecimal nanos = exact.setScale(0, RoundingMode.HALF_UP);
    return Duration.ofNanos(nanos.longValueExact());
  }

  /**
   * @param option the option's name, for messages
   * @param text a percentage ({@code 20%}, any size) or a fraction from 0 to 1 ({@code 0.2}); a
   *     bare number above 1 is refused as ambiguous ({@code 20} could mean 20 % or 2000 %)
   * @return the fraction (20% gives 0.2); its sign and range beyond that are the caller's to check
   * @throws UsageException if the text is neither
   */
  public static double fraction(String option, String text) throws UsageException {
    Matcher m = PERCENT.matcher(text);
    if (m.matches()) {
      return new BigDecimal(m.group(1)).movePointLeft(2).doubleValue();
    }
    if (!NUMBER.matcher(text).matches()) {
      throw new UsageException(
          option
              + " must be a percentage such as 20% or a fraction such as"
              + " 0.2, but was '"
              + text
              + "'");
    }
    BigDecimal value = new BigDecimal(text);
    if (value.compareTo(BigDecimal.ONE) > 0) {
      throw new UsageException(
          String.format(
              Locale.ROOT,
              "%s '%s' is ambiguous: write a"
                  + " percentage (%s%%) or a fraction from 0 to 1 (%s = %s%%)",
              option,
              text,
              text,
              value.movePointLeft(2).stripTrailingZeros().toPlainString(),
              text));
    }
    return value.doubleValue();
  }

  /**
   * @param option the option's name, for messages
   * @param text a whole number of digits, such as {@code 10000}
   * @return the number
   * @throws UsageException if the text is not a whole number from 0 to 2147483647
   */
  public static int count(String option, String text) throws UsageException {
    if (!COUNT.matcher(text).matches() || Long.parseLong(text) > Integer.MAX_VALUE) {
      throw new UsageException(
          option
              + " must be a whole number from 1 to "
              + Integer.MAX_VALUE
              + ", but was '"
              + text
              + "'");
    }
    return Integer.parseInt(text);
  }
}
