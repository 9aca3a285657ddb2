package io.sockpool.redis.demo.cli;

import io.sockpool.Endpoint;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The parsed arguments of the {@code ping} command. Options are split as {@link CommandLine} does
 * for every command; durations are read by {@link Quantities#duration}, as for {@code size}.
 *
 * <pre>
 * ping [--redis host:port] [--threads 8] [--duration 10s] [--pool-size N] [--json] [--kill-every 2s]
 * </pre>
 *
 * @param redis the server to use; empty: localhost:6379 if it answers, else an embedded one
 * @param threads load threads, 1..1024
 * @param duration how long the measured load runs, 100ms..24h
 * @param poolSize connections; empty: the thread count
 * @param json whether to print the report as JSON too
 * @param killEvery how often to kill every client connection from the side; empty: never
 */
public record PingArguments(
    Optional<Endpoint> redis,
    int threads,
    Duration duration,
    OptionalInt poolSize,
    boolean json,
    Optional<Duration> killEvery) {
  /** The command's help, one line. */
  public static final String USAGE =
      "usage: ping [--redis host:port] [--threads N (1..1024, default 8)]"
          + " [--duration D (default 10s)] [--pool-size N (1..1024, default: threads)] [--json]"
          + " [--kill-every D]   (D: a number with us, ms, s or m, 100ms..24h, e.g. 500ms, 1.5s, 2m)";

  static final int MAX_THREADS = 1024;
  static final Duration MIN_DURATION = Duration.ofMillis(100);
  static final Duration MAX_DURATION = Duration.ofHours(24);
  private static final String REDIS = "--redis";
  private static final String THREADS = "--threads";
  private static final String DURATION = "--duration";
  private static final String POOL_SIZE = "--pool-size";
  private static final String KILL_EVERY = "--kill-every";
  private static final String JSON = "--json";

  /**
   * @param args the arguments after {@code ping}
   * @return the arguments
   * @throws UsageException if an argument is unknown, repeated, missing its value or out of range;
   *     the message names it, the value and what is allowed
   */
  public static PingArguments parse(String[] args) throws UsageException {
    Map<String, String> values =
        CommandLine.parse(
            args,
            List.of(REDIS, THREADS, DURATION, POOL_SIZE, KILL_EVERY),
            List.of(JSON),
            PingArguments::example);
    Optional<Endpoint> redis =
        values.containsKey(REDIS) ? Optional.of(endpoint(values.get(REDIS))) : Optional.empty();
    int threads = values.containsKey(THREADS) ? count(THREADS, values.get(THREADS)) : 8;
    Duration duration =
        values.containsKey(DURATION)
            ? duration(DURATION, values.get(DURATION))
            : Duration.ofSeconds(10);
    OptionalInt poolSize =
        values.containsKey(POOL_SIZE)
            ? OptionalInt.of(count(POOL_SIZE, values.get(POOL_SIZE)))
            : OptionalInt.empty();
    Optional<Duration> killEvery =
        values.containsKey(KILL_EVERY)
            ? Optional.of(duration(KILL_EVERY, values.get(KILL_EVERY)))
            : Optional.empty();
    return new PingArguments(
        redis, threads, duration, poolSize, values.containsKey(JSON), killEvery);
  }

  private static String example(String option) {
    return switch (option) {
      case REDIS -> "--redis localhost:6379";
      case THREADS -> "--threads 8";
      case POOL_SIZE -> "--pool-size 16";
      case KILL_EVERY -> "--kill-every 2s";
      default -> "--duration 10s";
    };
  }

  private static Endpoint endpoint(String value) throws UsageException {
    try {
      return Endpoint.parse(value);
    } catch (IllegalArgumentException e) {
      throw new UsageException(
          REDIS + " must be host:port with a port in 1..65535, but was '" + value + "'");
    }
  }

  private static int count(String option, String value) throws UsageException {
    int n = Quantities.count(option, value);
    if (n < 1 || n > MAX_THREADS) {
      throw new UsageException(option + " must be in 1.." + MAX_THREADS + ", but was " + n);
    }
    return n;
  }

  private static Duration duration(String option, String value) throws UsageException {
    Duration d = Quantities.duration(option, value);
    if (d.compareTo(MIN_DURATION) < 0 || d.compareTo(MAX_DURATION) > 0) {
      throw new UsageException(option + " must be in 100ms..24h, but was " + value);
    }
    return d;
  }

  /**
   * @return the arguments as a command line, durations in milliseconds
   */
  @Override
  public String toString() {
    return "ping "
        + redis.map(e -> REDIS + " " + e + " ").orElse("")
        + THREADS
        + " "
        + threads
        + " "
        + DURATION
        + " "
        + duration.toMillis()
        + "ms"
        + (poolSize.isPresent() ? " " + POOL_SIZE + " " + poolSize.getAsInt() : "")
        + (json ? " " + JSON : "")
        + killEvery.map(k -> " " + KILL_EVERY + " " + k.toMillis() + "ms").orElse("");
  }
}
