package io.sockpool.redis.demo.cli;

import io.sockpool.redis.RedisUri;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The checked arguments of the {@code ping} command (its options are picocli's, in {@code
 * PingCommand}).
 *
 * <pre>
 * ping [--redis URI] [--threads 8] [--duration 10s] [--pool-size N] [--json] [--kill-every 2s]
 *      [--tls] [--cacert FILE] [--cert FILE --key FILE] [--sni NAME] [--insecure]
 * </pre>
 *
 * <p>Besides the ranges, checks that the TLS flags fit the address: TLS flags need TLS ({@code
 * --tls} or {@code rediss://}), a Unix socket takes none, and without {@code --redis} (an embedded
 * server with a certificate made for the run) only {@code --tls} and {@code --insecure} apply.
 *
 * @param redis the server to use; empty: localhost:6379 if it answers, else an embedded one (with
 *     TLS: always an embedded one)
 * @param threads load threads, 1..1024
 * @param duration how long the measured load runs, 100ms..24h
 * @param poolSize connections, 1..1024; empty: the thread count
 * @param json whether to print the report as JSON too
 * @param killEvery how often to kill every client connection from the side, 100ms..24h; empty:
 *     never
 * @param tls the TLS flags
 */
public record PingArguments(
    Optional<RedisUri> redis,
    int threads,
    Duration duration,
    OptionalInt poolSize,
    boolean json,
    Optional<Duration> killEvery,
    TlsArguments tls) {
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
    tlsFits(redis, tls);
  }

  private static void tlsFits(Optional<RedisUri> redis, TlsArguments tls) {
    if (!tls.any()) {
      return;
    }
    String first = tls.flags().get(0);
    if (redis.isPresent() && redis.get().isUnixSocket()) {
      throw new IllegalArgumentException(
          first
              + " does not apply to "
              + redis.get()
              + ": redis-server speaks TLS only on its TCP tls-port; use --redis"
              + " rediss://host:port");
    }
    boolean useTls = tls.tls() || redis.map(RedisUri::tls).orElse(false);
    if (!useTls) {
      throw new IllegalArgumentException(
          first + " needs TLS: add --tls, or give the server as --redis rediss://host:port");
    }
    if (redis.isEmpty() && tls.namesServerMaterial()) {
      String flag =
          tls.flags().stream().filter(f -> !f.equals(TlsArguments.TLS)).findFirst().orElse(first);
      throw new IllegalArgumentException(
          flag
              + " needs --redis: without it the demo starts an embedded redis-server whose"
              + " certificate it generates for the run");
    }
  }

  /** Returns whether the demo speaks TLS: {@code --tls} or a {@code rediss://} address. */
  public boolean useTls() {
    return tls.tls() || redis.map(RedisUri::tls).orElse(false);
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
        + killEvery.map(k -> " " + KILL_EVERY + " " + k.toMillis() + "ms").orElse("")
        + (tls.any() ? " " + tls : "");
  }
}
