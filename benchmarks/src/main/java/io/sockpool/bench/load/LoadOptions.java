package io.sockpool.bench.load;

import io.sockpool.Endpoint;
import io.sockpool.redis.demo.cli.Cli;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The load harness' command line, parsed and checked. Immutable.
 *
 * @param duration measured time per point (client x thread count); > 0
 * @param warmup unmeasured time before each point; >= 0
 * @param points thread counts with their pool sizes, in the order given, no duplicates
 * @param clients clients to run, in the order given, no duplicates
 * @param rounds how often every point is measured (the table reports the median); >= 1
 * @param poolSize pool size of the points given as a plain thread count; >= 1
 * @param timeout connect, checkout and command timeout of every client; > 0
 * @param redis an external Redis; empty means start the embedded one
 * @param out directory for the CSV and the PNG; created if missing
 * @param pin pin the load JVM and redis-server to separate cores (see {@link Pinning})
 * @param profile async-profiler sampling options (e.g. {@code cpu}) for every measured window;
 *     empty for no profiling (see {@link WindowProfiler})
 * @param fairnessWindow the sockpool clients' {@code PoolConfig.fairnessWindow}; empty for the
 *     pool's default
 * @param tls run over TLS: the embedded redis-server with only a TLS port and a throwaway CA, and
 *     the clients' TLS variants (only those that have one; not with {@code redis})
 * @param jitWarmup unmeasured time every client runs at every point before round 1, so that no
 *     client's measured window holds the JIT compilation of code the clients share (the JDK's TLS
 *     record layer, the harness's own loop); >= 0, 0 for none
 * @param dedicatedBusy the CPU work the {@code dedicated-busy} client adds to each PING (a spin
 *     before its write, where a pool checks out and returns); 0..1 ms
 */
public record LoadOptions(
    Duration duration,
    Duration warmup,
    List<LoadPoint> points,
    List<ClientKind> clients,
    int rounds,
    int poolSize,
    Duration timeout,
    Optional<Endpoint> redis,
    Path out,
    boolean pin,
    Optional<String> profile,
    Optional<Duration> fairnessWindow,
    boolean tls,
    Duration jitWarmup,
    Duration dedicatedBusy) {

  /** The default of {@link #dedicatedBusy}: about the raw pooled client's own work per PING. */
  public static final Duration DEFAULT_DEDICATED_BUSY = Duration.ofNanos(1_000);

  /** Checks the values; see the record components for what is allowed. */
  public LoadOptions {
    if (dedicatedBusy.isNegative() || dedicatedBusy.compareTo(Duration.ofMillis(1)) > 0) {
      throw new IllegalArgumentException(
          "--dedicated-busy must be in 0..1ms, but was " + dedicatedBusy);
    }
    if (jitWarmup.isNegative()) {
      throw new IllegalArgumentException("--jit-warmup must be >= 0, but was " + jitWarmup);
    }
    positive("--duration", duration);
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("--warmup must be >= 0, but was " + warmup);
    }
    positive("--timeout", timeout);
    if (fairnessWindow.isPresent() && fairnessWindow.get().isNegative()) {
      throw new IllegalArgumentException(
          "--fairness-window must be >= 0, but was " + fairnessWindow.get());
    }
    if (profile.isPresent() && profile.get().isBlank()) {
      throw new IllegalArgumentException("--profile needs sampling options, e.g. cpu, but was ''");
    }
    if (points.isEmpty()) {
      throw new IllegalArgumentException(
          "--threads must name at least one thread count, but was empty");
    }
    if (points.stream().distinct().count() != points.size()) {
      throw new IllegalArgumentException("--threads must not repeat a point, but was " + points);
    }
    if (rounds < 1 || rounds > 100) {
      throw new IllegalArgumentException("--rounds must be in 1..100, but was " + rounds);
    }
    if (clients.isEmpty()) {
      throw new IllegalArgumentException(
          "--clients must name at least one client, but was empty; allowed: "
              + ClientKind.allNames());
    }
    if (clients.stream().distinct().count() != clients.size()) {
      throw new IllegalArgumentException("--clients must not repeat a client, but was " + clients);
    }
    if (poolSize < 1) {
      throw new IllegalArgumentException("--pool-size must be >= 1, but was " + poolSize);
    }
    if (tls) {
      if (redis.isPresent()) {
        throw new IllegalArgumentException(
            "--tls runs against the embedded redis-server (its certificates are generated for the"
                + " run), not with --redis");
      }
      for (ClientKind k : clients) {
        if (!k.supportsTls()) {
          throw new IllegalArgumentException(
              "--clients "
                  + k.cliName()
                  + " does not run with --tls; the clients that do: "
                  + ClientKind.tlsNames());
        }
      }
    }
    points = List.copyOf(points);
    clients = List.copyOf(clients);
  }

  /**
   * The options without a JIT warm-up pass (each point's own warm-up only).
   *
   * @see #LoadOptions(Duration, Duration, List, List, int, int, Duration, Optional, Path, boolean,
   *     Optional, Optional, boolean, Duration, Duration)
   */
  public LoadOptions(
      Duration duration,
      Duration warmup,
      List<LoadPoint> points,
      List<ClientKind> clients,
      int rounds,
      int poolSize,
      Duration timeout,
      Optional<Endpoint> redis,
      Path out,
      boolean pin,
      Optional<String> profile,
      Optional<Duration> fairnessWindow,
      boolean tls) {
    this(
        duration,
        warmup,
        points,
        clients,
        rounds,
        poolSize,
        timeout,
        redis,
        out,
        pin,
        profile,
        fairnessWindow,
        tls,
        Duration.ZERO,
        DEFAULT_DEDICATED_BUSY);
  }

  /**
   * Returns the defaults: 10 s, 2 s warm-up, points 1/1, 8/8, 64/64 and 64/16, every client, 1
   * round, not pinned.
   */
  public static LoadOptions defaults() {
    return parse();
  }

  /**
   * Parses the command line (picocli, {@link LoadCommand}).
   *
   * @param args the options, as {@code LoadHarness --help} lists them
   * @return the options
   * @throws picocli.CommandLine.ParameterException saying which option was wrong, what it was and
   *     what is allowed
   */
  public static LoadOptions parse(String... args) {
    return Cli.parse(new LoadCommand(System.out), args).options();
  }

  private static void positive(String flag, Duration d) {
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(flag + " must be > 0, but was " + d);
    }
  }
}
