package io.sockpool.redis.demo.cli;

import io.sockpool.Endpoint;
import io.sockpool.redis.RedisUri;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The quantities of command-line options, for every command (the demo's {@code ping} and {@code
 * size}, the benchmarks' tools): plain decimal numbers, durations with a unit, fractions or
 * percentages, and counts. Strict: no hexadecimal, no "NaN" or "Infinity", no surrounding spaces,
 * no unit-less durations. Each is a picocli converter; a bad value is a {@link
 * TypeConversionException} saying what is allowed and what was given, which picocli prefixes with
 * the option's name.
 */
public final class Quantities {
  /** What a duration may look like, for messages and help texts. */
  public static final String DURATION_SYNTAX =
      "a number > 0 followed by us, ms or s, or m for minutes, e.g. 10ms, 250us, 1.5s, 2m";

  private static final String DECIMAL = "[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?";
  private static final Pattern NUMBER = Pattern.compile(DECIMAL);
  private static final Pattern DURATION = Pattern.compile("(" + DECIMAL + ")(us|\u00b5s|ms|s|m)");
  private static final Pattern PERCENT = Pattern.compile("(" + DECIMAL + ")%");
  private static final Pattern COUNT = Pattern.compile("\\d{1,10}");
  private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);
  private static final BigDecimal HALF_NANO = new BigDecimal("0.5");

  private Quantities() {}

  /**
   * Reads a decimal number.
   *
   * @param text a decimal number such as {@code 1000}, {@code 2.5} or {@code 1e3}
   * @return the number
   * @throws TypeConversionException if the text is not a decimal number
   */
  public static BigDecimal decimal(String text) {
    if (!NUMBER.matcher(text).matches()) {
      throw new TypeConversionException(
          "must be a decimal number such as 1000 or 2.5, but was '" + text + "'");
    }
    return new BigDecimal(text);
  }

  /**
   * Reads a duration.
   *
   * @param text a number and a unit: {@code 250us} (or {@code 250µs}), {@code 10ms}, {@code 1.5s},
   *     {@code 2m}
   * @return the duration, rounded to the nearest nanosecond
   * @throws TypeConversionException if the text has no or an unknown unit, is not a number, is not
   *     above 0 ns after rounding, or is too long for a {@link Duration} in nanoseconds (~292
   *     years)
   */
  public static Duration duration(String text) {
    Matcher m = DURATION.matcher(text);
    String allowed = " (" + DURATION_SYNTAX + ")";
    if (!m.matches()) {
      throw new TypeConversionException(
          "must be a duration" + allowed + ", but was '" + text + "'");
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
      throw new TypeConversionException(
          "must be at least 1 ns" + allowed + ", but was '" + text + "'");
    }
    if (exact.compareTo(MAX_NANOS) > 0) {
      throw new TypeConversionException(
          "must be at most 292 years" + allowed + ", but was '" + text + "'");
    }
    BigDecimal nanos = exact.setScale(0, RoundingMode.HALF_UP);
    return Duration.ofNanos(nanos.longValueExact());
  }

  /**
   * Reads a fraction.
   *
   * @param text a percentage ({@code 20%}, any size) or a fraction from 0 to 1 ({@code 0.2}); a
   *     bare number above 1 is refused as ambiguous ({@code 20} could mean 20 % or 2000 %)
   * @return the fraction (20% gives 0.2); its sign and range beyond that are the caller's to check
   * @throws TypeConversionException if the text is neither
   */
  public static double fraction(String text) {
    Matcher m = PERCENT.matcher(text);
    if (m.matches()) {
      return new BigDecimal(m.group(1)).movePointLeft(2).doubleValue();
    }
    if (!NUMBER.matcher(text).matches()) {
      throw new TypeConversionException(
          "must be a percentage such as 20% or a fraction such as 0.2, but was '" + text + "'");
    }
    BigDecimal value = new BigDecimal(text);
    if (value.compareTo(BigDecimal.ONE) > 0) {
      throw new TypeConversionException(
          String.format(
              Locale.ROOT,
              "'%s' is ambiguous: write a percentage (%s%%) or a fraction from 0 to 1 (%s = %s%%)",
              text,
              text,
              value.movePointLeft(2).stripTrailingZeros().toPlainString(),
              text));
    }
    return value.doubleValue();
  }

  /**
   * Reads a count.
   *
   * @param text a whole number of digits, such as {@code 10000}
   * @return the number
   * @throws TypeConversionException if the text is not a whole number from 0 to 2147483647
   */
  public static int count(String text) {
    if (!COUNT.matcher(text).matches() || Long.parseLong(text) > Integer.MAX_VALUE) {
      throw new TypeConversionException(
          "must be a whole number from 0 to " + Integer.MAX_VALUE + ", but was '" + text + "'");
    }
    return Integer.parseInt(text);
  }

  /**
   * Reads an endpoint.
   *
   * @param text {@code host:port}
   * @return the endpoint
   * @throws TypeConversionException if the text is not a host and a port in 1..65535
   */
  public static Endpoint endpoint(String text) {
    try {
      return Endpoint.parse(text);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(
          "must be host:port with a port in 1..65535, but was '" + text + "'");
    }
  }

  /** {@link #endpoint} as a picocli converter. */
  public static final class Address implements ITypeConverter<Endpoint> {
    /** Picocli instantiates it. */
    public Address() {}

    @Override
    public Endpoint convert(String value) {
      return endpoint(value);
    }
  }

  /**
   * Parses a Redis server address ({@link RedisUri#FORMS}).
   *
   * @param text the address
   * @return the address
   * @throws TypeConversionException saying what was wrong and the forms allowed
   */
  public static RedisUri redisUri(String text) {
    try {
      return RedisUri.parse(text);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }

  /** {@link #redisUri} as a picocli converter. */
  public static final class RedisAddress implements ITypeConverter<RedisUri> {
    /** Picocli instantiates it. */
    public RedisAddress() {}

    @Override
    public RedisUri convert(String value) {
      return redisUri(value);
    }
  }

  /** {@link #decimal} as a picocli converter. */
  public static final class Decimal implements ITypeConverter<BigDecimal> {
    /** Picocli instantiates it. */
    public Decimal() {}

    @Override
    public BigDecimal convert(String value) {
      return decimal(value);
    }
  }

  /** {@link #fraction} as a picocli converter. */
  public static final class Fraction implements ITypeConverter<Double> {
    /** Picocli instantiates it. */
    public Fraction() {}

    @Override
    public Double convert(String value) {
      return fraction(value);
    }
  }

  /** {@link #count} as a picocli converter. */
  public static final class Count implements ITypeConverter<Integer> {
    /** Picocli instantiates it. */
    public Count() {}

    @Override
    public Integer convert(String value) {
      return count(value);
    }
  }
}
