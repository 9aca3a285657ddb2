package io.sockpool.redis.demo;

import io.sockpool.Endpoint;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code ping} command's arguments, parsed and checked. Immutable.
 *
 * <pre>
 * ping [--redis host:port] [--threads 8] [--duration 10s] [--pool-size N] [--json] [--kill-every 2s]
 * </pre>
 */
final class PingOptions {
  static final String USAGE = "usage: ping [--redis host:port] [--threads N (1..1024, default 8)]"
      + " [--duration D (default 10s)] [--pool-size N (1..1024, default: threads)] [--json]"
      + " [--kill-every D]   (D: a whole number with ms, s or m, e.g. 500ms, 10s, 2m)";
  static final int MAX_THREADS = 1024;
  static final Duration MAX_DURATION = Duration.ofHours(24);
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)");

  final Optional<Endpoint> redis;
  final int threads;
  final Duration duration;
  final OptionalInt poolSize;
  final boolean json;
  final Optional<Duration> killEvery;

  private PingOptions(Optional<Endpoint> redis, int threads, Duration duration, OptionalInt poolSize,
      boolean json, Optional<Duration> killEvery) {
    this.redis = redis;
    this.threads = threads;
    this.duration = duration;
    this.poolSize = poolSize;
    this.json = json;
    this.killEvery = killEvery;
  }

  /**
   * @param args the arguments after {@code ping}
   * @return the options
   * @throws UsageException if an argument is unknown, repeated, missing its value or out of range
   */
  static PingOptions parse(String[] args) throws UsageException {
    Endpoint redis = null;
    Integer threads = null;
    Duration duration = null;
    Integer poolSize = null;
    boolean json = false;
    Duration killEvery = null;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      String value = null;
      int eq = flag.indexOf('=');
      if (flag.startsWith("--") && eq > 0) {
        value = flag.substring(eq + 1);
        flag = flag.substring(0, eq);
      }
      switch (flag) {
        case "--json":
          if (value != null) {
            throw new UsageException("--json takes no value, but got '" + value + "'");
          }
          json = once(flag, json ? Boolean.TRUE : null, Boolean.TRUE);
          continue;
        case "--redis":
        case "--threads":
        case "--duration":
        case "--pool-size":
        case "--kill-every":
          break;
        default:
          throw new UsageException("unknown argument '" + args[i] + "'");
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new UsageException(flag + " needs a value");
        }
        value = args[++i];
      }
      switch (flag) {
        case "--redis":
          redis = once(flag, redis, endpoint(value));
          break;
        case "--threads":
          threads = once(flag, threads, count(flag, value));
          break;
        case "--duration":
          duration = once(flag, duration, duration(flag, value));
          break;
        case "--pool-size":
          poolSize = once(flag, poolSize, count(flag, value));
          break;
        default:
          killEvery = once(flag, killEvery, duration(flag, value));
          break;
      }
    }
    return new PingOptions(Optional.ofNullable(redis), threads == null ? 8 : threads,
        duration == null ? Duration.ofSeconds(10) : duration,
        poolSize == null ? OptionalInt.empty() : OptionalInt.of(poolSize), json, Optional.ofNullable(killEvery));
  }

  private static <T> T once(String flag, T previous, T value) throws UsageException {
    if (previous != null) {
      throw new UsageException(flag + " was given twice");
    }
    return value;
  }

  private static Endpoint endpoint(String value) throws UsageException {
    try {
      return Endpoint.parse(value);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--redis must be host:port with a port in 1..65535, but was '" + value + "'");
    }
  }

  private static int count(String flag, String value) throws UsageException {
    int n;
    try {
      n = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new UsageException(flag + " must be a whole number in 1.." + MAX_THREADS + ", but was '" + value + "'");
    }
    if (n < 1 || n > MAX_THREADS) {
      throw new UsageException(flag + " must be in 1.." + MAX_THREADS + ", but was " + n);
    }
    return n;
  }

  /** Parses a whole number with a unit: {@code 500ms}, {@code 10s}, {@code 2m}. */
  static Duration duration(String flag, String value) throws UsageException {
    Matcher m = DURATION.matcher(value);
    if (!m.matches()) {
      throw new UsageException(flag + " must be a whole number with ms, s or m (e.g. 500ms, 10s, 2m), but was '"
          + value + "'");
    }
    long n = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      default -> Duration.ofMinutes(n);
    };
    if (d.toMillis() < 100 || d.compareTo(MAX_DURATION) > 0) {
      throw new UsageException(flag + " must be in 100ms..24h, but was " + value);
    }
    return d;
  }

  @Override
  public String toString() {
    return "ping " + redis.map(e -> "--redis " + e + " ").orElse("") + "--threads " + threads + " --duration "
        + duration.toMillis() + "ms" + (poolSize.isPresent() ? " --pool-size " + poolSize.getAsInt() : "")
        + (json ? " --json" : "") + killEvery.map(k -> " --kill-every " + k.toMillis() + "ms").orElse("");
  }

  /** A bad command line; the message says which argument and what is allowed. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
