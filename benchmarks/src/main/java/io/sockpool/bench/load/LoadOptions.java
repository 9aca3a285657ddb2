package io.sockpool.bench.load;

import io.sockpool.Endpoint;
import io.sockpool.redis.demo.cli.Quantities;
import io.sockpool.redis.demo.cli.UsageException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
    Optional<Duration> fairnessWindow) {

  /** Help text printed for {@code --help} and after a usage error. */
  public static final String USAGE =
      String.join(
          "\n",
          "usage: LoadHarness [--duration 10s] [--warmup 2s] [--threads 1/1,8/8,64/64,64/16] [--clients "
              + ClientKind.allNames()
              + "]",
          "                   [--rounds 1] [--pool-size 16] [--timeout 2s] [--redis host:port] [--out load-results] [--pin]",
          "                   [--profile cpu] [--fairness-window 100ms]",
          "  --duration   measured time per client and thread count (a number with us, ms, s or m: 500ms, 1.5s, 1m); default 10s",
          "  --warmup     unmeasured time before each measurement; default 2s",
          "  --threads    comma-separated points, THREADS/POOL (pool size) or THREADS (pool size --pool-size);",
          "               default 1/1,8/8,64/64,64/16",
          "  --clients    comma-separated, from: " + ClientKind.allNames() + "; default all",
          "  --rounds     measure every point this many times, interleaved; the table shows the median; default 1",
          "  --pool-size  pool size of points given as a plain thread count; default 16",
          "  --timeout    connect/checkout/command timeout of every client; default 2s",
          "  --redis      use this Redis instead of starting the embedded redis-server",
          "  --out        directory for results.csv and throughput.png; default load-results",
          "  --pin        pin the load JVM to core 0 and the embedded redis-server to core 1 (taskset),",
          "               where the machine has 2 cores or more; prints what was pinned",
          "  --profile    run async-profiler (must be on the class path: benchmarks/scripts/profile_point.sh)",
          "               during every measured window with these options (cpu, itimer, wall, cpu,interval=500us)",
          "               and write --out/profile-CLIENT-THREADSxPOOL-rROUND.collapsed (+ .meta); default off",
          "  --fairness-window  PoolConfig.fairnessWindow of the sockpool clients (0ms allowed); default the pool's");

  /** Checks the values; see the record components for what is allowed. */
  public LoadOptions {
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
    points = List.copyOf(points);
    clients = List.copyOf(clients);
  }

  /**
   * @return the defaults: 10 s, 2 s warm-up, points 1/1, 8/8, 64/64 and 64/16, every client, 1
   *     round, not pinned
   */
  public static LoadOptions defaults() {
    return parse(new String[0]);
  }

  /**
   * Parses the command line.
   *
   * @param args flags as in {@link #USAGE}
   * @return the options
   * @throws IllegalArgumentException saying which flag was wrong, what it was and what is allowed
   */
  public static LoadOptions parse(String[] args) {
    Duration duration = Duration.ofSeconds(10);
    Duration warmup = Duration.ofSeconds(2);
    String threads = "1/1,8/8,64/64,64/16";
    List<ClientKind> clients = Arrays.asList(ClientKind.values());
    int rounds = 1;
    int poolSize = 16;
    Duration timeout = Duration.ofSeconds(2);
    Optional<Endpoint> redis = Optional.empty();
    Path out = Path.of("load-results");
    boolean pin = false;
    Optional<String> profile = Optional.empty();
    Optional<Duration> fairnessWindow = Optional.empty();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--pin")) {
        pin = true;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(
            flag.startsWith("--") ? flag + " needs a value" : "unexpected argument '" + flag + "'");
      }
      String value = args[++i];
      switch (flag) {
        case "--duration" -> duration = duration(flag, value);
        case "--warmup" -> warmup = duration(flag, value);
        case "--timeout" -> timeout = duration(flag, value);
        case "--threads" -> threads = value;
        case "--clients" -> clients = clients(value);
        case "--rounds" -> rounds = integer(flag, value);
        case "--pool-size" -> poolSize = integer(flag, value);
        case "--redis" -> redis = Optional.of(Endpoint.parse(value));
        case "--out" -> out = Path.of(value);
        case "--profile" -> profile = Optional.of(value.strip());
        case "--fairness-window" ->
            fairnessWindow =
                Optional.of(
                    value.strip().matches("0+(us|ms|s|m)?")
                        ? Duration.ZERO
                        : duration(flag, value));
        default -> throw new IllegalArgumentException("unknown flag '" + flag + "'");
      }
    }
    return new LoadOptions(
        duration,
        warmup,
        points(threads, poolSize),
        clients,
        rounds,
        poolSize,
        timeout,
        redis,
        out,
        pin,
        profile,
        fairnessWindow);
  }

  /**
   * Parses a duration as every command line here does ({@link Quantities#duration}): a number and a
   * unit, {@code 250us}, {@code 500ms}, {@code 1.5s}, {@code 2m}.
   *
   * @throws IllegalArgumentException if the text is not such a duration
   */
  static Duration duration(String flag, String text) {
    try {
      return Quantities.duration(flag, text);
    } catch (UsageException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static int integer(String flag, String text) {
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be an integer, but was '" + text + "'");
    }
  }

  private static List<LoadPoint> points(String text, int defaultPool) {
    List<LoadPoint> values = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      values.add(LoadPoint.parse(part, defaultPool));
    }
    return values;
  }

  private static List<ClientKind> clients(String text) {
    List<ClientKind> kinds = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      kinds.add(ClientKind.byName(part));
    }
    return kinds;
  }

  private static void positive(String flag, Duration d) {
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(flag + " must be > 0, but was " + d);
    }
  }
}
