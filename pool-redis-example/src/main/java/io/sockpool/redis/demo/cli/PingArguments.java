package io.sockpool.redis.demo.cli;

import io.sockpool.Endpoint;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The checked arguments of the {@code ping} command (its options are picocli's, in {@code
 * PingCommand}).
 *
 * <pre>
 * ping [--redis host:port] [--threads 8] [--duration 10s] [--pool-size N] [--json] [--kill-every 2s]
 * </pre>
 *
 * @param redis the server to use; empty: localhost:6379 if it answers, else an embedded one
 * @param threads load threads, 1..1024
 * @param duration how long the measured load runs, 100ms..24h
 * @param poolSize connections, 1..1024; empty: the thread count
 * @param json whether to print the report as JSON too
 * @param killEvery how often to kill every client connection from the side, 100ms..24h; empty:
 *     never
 */
public record PingArguments(
    Optional<Endpoint> redis,
    int threads,
    Duration duration,
    OptionalInt poolSize,
    boolean json,
    Optional<Duration> killEvery) {
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
   * Checks the ranges.
   *
   * @throws IllegalArgumentException naming the option, what is allowed and the value given
   */
  public PingArguments {
    count(THREADS, threads);
    if (poolSize.isPresent()) {
      count(POOL_SIZE, poolSize.getAsInt());
    }
    duration(DURATION, duration);
    killEvery.ifPresent(k -> duration(KILL_EVERY, k));
  }

  private static void count(String option, int n) {
    if (n < 1 || n > MAX_THREADS) {
      throw new IllegalArgumentException(
          option + " must be in 1.." + MAX_THREADS + ", but was " + n);
    }
  }

  private static void duration(String option, Duration d) {
    if (d.compareTo(MIN_DURATION) < 0 || d.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException(
          option
              + " must be in 100ms..24h, but was "
              + BigDecimal.valueOf(d.toNanos(), 6).stripTrailingZeros().toPlainString()
              + "ms");
    }
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
