package io.sockpool.bench.load;

import io.sockpool.TlsConfig;
import io.sockpool.redis.DirectRedisConnection;
import io.sockpool.redis.EmbeddedRedis;
import io.sockpool.redis.RedisTls;
import io.sockpool.redis.ThrowawayCertificates;
import io.sockpool.redis.demo.cli.Cli;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The Redis PING load harness: for each thread count, runs each client for a fixed time, then
 * prints a table (ops/s, p50/p99/p99.9 in microseconds, ratio to the dedicated-channel ceiling and
 * to JedisPool) and writes {@code results.csv} and {@code throughput.png}.
 *
 * <p>Points run thread-count first, so all clients at one thread count run close together in time
 * (fairer on a machine with other load). Run it with {@code java -cp
 * benchmarks/target/benchmarks.jar io.sockpool.bench.load.LoadHarness --help}.
 */
public final class LoadHarness {

  /** Handshakes done before the first point with {@code --tls} (JSSE's class loading and JIT). */
  static final int TLS_WARM_UP_HANDSHAKES = 20;

  private LoadHarness() {}

  /** What a run produced. */
  public record Report(List<PointResult> results, Path csv, Path png, String table) {}

  /**
   * Command-line entry point; exits 0 when done, 2 on bad arguments, 1 if the run failed.
   *
   * @param args the options; {@code --help} lists them
   */
  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    System.exit(Cli.execute(new LoadCommand(System.out), args, System.out, System.err));
  }

  /**
   * Runs every point, prints progress and the table to {@code log}, writes the CSV and PNG.
   *
   * @param options what to run
   * @param log where progress and the table go
   * @return the results and the written files
   * @throws IOException if Redis could not be started or reached, a client failed to start, a load
   *     thread got stuck, or the files could not be written
   * @throws InterruptedException if interrupted while waiting for load threads
   */
  public static Report run(LoadOptions options, PrintStream log)
      throws IOException, InterruptedException {
    Files.createDirectories(options.out());
    ThrowawayCertificates certificates =
        options.tls() ? ThrowawayCertificates.create(List.of("localhost", "127.0.0.1")) : null;
    EmbeddedRedis embedded;
    try {
      embedded =
          options.redis().isPresent()
              ? null
              : certificates != null
                  ? EmbeddedRedis.startTls(certificates, false, List.of())
                  : EmbeddedRedis.start(List.of());
    } catch (IOException | RuntimeException e) {
      if (certificates != null) {
        certificates.close();
      }
      throw e;
    }
    TlsSetup tls =
        certificates == null
            ? null
            : new TlsSetup(
                RedisTls.fromPem(
                    Optional.of(certificates.caCert()),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    false),
                TlsConfig.builder().trustPem(certificates.caCert()).build());
    try {
      InetSocketAddress redis =
          embedded != null
              ? new InetSocketAddress(embedded.endpoint().host(), embedded.endpoint().port())
              : options.redis().get().resolve();
      String target =
          embedded != null
              ? "embedded redis-server at "
                  + redis.getHostString()
                  + ":"
                  + redis.getPort()
                  + (tls != null ? " (TLS)" : "")
              : "redis at " + options.redis().get();
      log.printf(
          Locale.ROOT,
          "%s; %d cores; %s per point after %s warm-up; points (threads/pool) %s%n",
          target,
          Runtime.getRuntime().availableProcessors(),
          pretty(options.duration()),
          pretty(options.warmup()),
          options.points());
      if (tls != null) {
        warmUpTls(redis, tls.sockets(), options.timeout(), log);
      }
      log.println(
          options.pin()
              ? Pinning.pin(redis.getPort())
              : "not pinned (add --pin to pin the load JVM and redis-server to separate cores)");
      options
          .fairnessWindow()
          .ifPresent(w -> log.println("sockpool clients: fairnessWindow " + w.toMillis() + " ms"));
      WindowProfiler profiler =
          options.profile().isPresent() ? WindowProfiler.load(options.profile().get()) : null;
      if (profiler != null) {
        log.println(
            "profiling every measured window with async-profiler ("
                + profiler.event()
                + "), collapsed stacks in "
                + options.out());
      }
      if (!options.jitWarmup().isZero()) {
        for (LoadPoint point : options.points()) {
          jitWarmUp(point, options, redis, tls, log);
        }
      }
      Map<String, List<Sample>> samples = new LinkedHashMap<>();
      for (int round = 1; round <= options.rounds(); round++) {
        if (options.rounds() > 1) {
          log.printf(Locale.ROOT, "round %d of %d%n", round, options.rounds());
        }
        for (LoadPoint point : options.points()) {
          for (ClientKind kind : runs(options, point)) {
            Path profileFile =
                profiler == null
                    ? null
                    : WindowProfiler.fileFor(options.out(), kind.cliName(), point, round);
            Sample s = runPoint(kind, point, redis, tls, options, log, profiler, profileFile);
            samples.computeIfAbsent(kind.cliName() + "@" + point, k -> new ArrayList<>()).add(s);
          }
        }
      }
      List<PointResult> results = new ArrayList<>();
      for (LoadPoint point : options.points()) {
        for (ClientKind kind : runs(options, point)) {
          results.add(
              PointResult.of(
                  kind.cliName(),
                  point.threads(),
                  point.poolSize(),
                  samples.get(kind.cliName() + "@" + point)));
        }
      }
      String table = ResultTable.format(results);
      log.println();
      log.print(table);
      Path csv = options.out().resolve("results.csv");
      Path png = options.out().resolve("throughput.png");
      CsvReport.write(results, csv);
      ThroughputChart.write(
          results,
          String.format(
              Locale.ROOT,
              "%s per point%s, threads/pool, %s, %d cores%s",
              pretty(options.duration()),
              options.rounds() > 1
                  ? " (dot: median of " + options.rounds() + " rounds, whisker: min-max)"
                  : "",
              target,
              Runtime.getRuntime().availableProcessors(),
              options.pin() ? ", pinned" : ""),
          png);
      log.println("wrote " + csv + " and " + png);
      return new Report(List.copyOf(results), csv, png, table);
    } finally {
      try {
        if (embedded != null) {
          embedded.close();
        }
      } finally {
        if (certificates != null) {
          certificates.close();
        }
      }
    }
  }

  /**
   * The first TLS handshakes of a JVM load and compile JSSE (0.4-0.5 s for the first one on a quiet
   * machine): done here, before any point, so the first client measured does not pay for it.
   */
  private static void warmUpTls(
      InetSocketAddress redis, RedisTls tls, java.time.Duration timeout, PrintStream log)
      throws IOException {
    long t0 = System.nanoTime();
    io.sockpool.Endpoint endpoint = io.sockpool.Endpoint.of(redis.getHostString(), redis.getPort());
    for (int i = 0; i < TLS_WARM_UP_HANDSHAKES; i++) {
      try (DirectRedisConnection c = DirectRedisConnection.open(endpoint, timeout, tls)) {
        c.callOk("PING");
      }
    }
    log.printf(
        Locale.ROOT,
        "TLS warm-up: %d handshakes + PING in %d ms (not measured)%n",
        TLS_WARM_UP_HANDSHAKES,
        (System.nanoTime() - t0) / 1_000_000);
  }

  /** Most passes of the JIT warm-up: it stops earlier once a pass compiles little. */
  static final int JIT_WARM_UP_PASSES = 3;

  /**
   * Runs every client at {@code point}, unmeasured, in passes until compilation settles (a pass
   * whose JIT time is at most 5 % of its length; at most {@link #JIT_WARM_UP_PASSES}): the first
   * client measured would otherwise pay, inside its window, for the JIT compilation of the code all
   * clients share (over TLS the JDK's record layer and AES-GCM; the harness's loop and histograms),
   * which with the load JVM pinned to one core stalls its load threads for milliseconds at a time;
   * and each point has code of its own (waiting for a connection, more threads than connections).
   */
  private static void jitWarmUp(
      LoadPoint point, LoadOptions options, InetSocketAddress redis, TlsSetup tls, PrintStream log)
      throws IOException, InterruptedException {
    for (int pass = 1; pass <= JIT_WARM_UP_PASSES; pass++) {
      JvmActivity before = JvmActivity.now();
      long t0 = System.nanoTime();
      for (ClientKind kind : runs(options, point)) {
        try (PingClient client =
            tls != null
                ? kind.createTls(redis, point.poolSize(), options.timeout(), tls)
                : kind.create(redis, point.poolSize(), options)) {
          LoadRunner.run(
              kind.cliName() + "-jit",
              client,
              point.threads(),
              Duration.ZERO,
              options.jitWarmup(),
              redis.getPort());
        } catch (IOException | RuntimeException e) {
          throw new IOException(
              kind.cliName() + " failed in the JIT warm-up at " + point + ": " + e.getMessage(), e);
        }
      }
      long tookMillis = (System.nanoTime() - t0) / 1_000_000;
      JvmActivity did = JvmActivity.now().since(before);
      log.printf(
          Locale.ROOT,
          "JIT warm-up pass %d: every client %s at %s in %d ms (not measured; %s)%n",
          pass,
          pretty(options.jitWarmup()),
          point.label(),
          tookMillis,
          did);
      if (did.compileMillis() <= tookMillis / 20) {
        return; // includes -1: the JVM does not say, one pass it is
      }
    }
  }

  /**
   * The clients to run at a point: all of them, except the dedicated channel per thread at a
   * contended point (it has no pool, so it would repeat the uncontended point).
   */
  private static List<ClientKind> runs(LoadOptions options, LoadPoint point) {
    return options.clients().stream()
        .filter(k -> !(point.contended() && k.dedicatedChannel()))
        .toList();
  }

  private static Sample runPoint(
      ClientKind kind,
      LoadPoint point,
      InetSocketAddress redis,
      TlsSetup tls,
      LoadOptions options,
      PrintStream log,
      WindowProfiler profiler,
      Path profileFile)
      throws IOException, InterruptedException {
    int threads = point.threads();
    log.printf(Locale.ROOT, "  %-18s %7s ... ", kind.cliName(), point.label());
    log.flush();
    Sample s;
    String diagnostics;
    try (PingClient client =
        tls != null
            ? kind.createTls(redis, point.poolSize(), options.timeout(), tls)
            : kind.create(redis, point.poolSize(), options)) {
      s =
          LoadRunner.run(
              kind.cliName(),
              client,
              threads,
              options.warmup(),
              options.duration(),
              redis.getPort(),
              profiler);
      diagnostics = client.diagnostics().map(d -> "  " + d).orElse("");
    } catch (IOException | RuntimeException e) {
      throw new IOException(
          kind.cliName() + " at " + threads + " threads failed: " + e.getMessage(), e);
    }
    if (profiler != null) {
      profiler.write(
          profileFile,
          List.of(
              "client=" + kind.cliName(),
              "point=" + point.label(),
              "profiler=" + profiler.event(),
              "pinned=" + options.pin(),
              "ops=" + s.ops(),
              "seconds=" + s.measured().toNanos() / 1e9,
              "cpu_us_per_op="
                  + s.cpuMicrosPerOp().map(c -> String.format(Locale.ROOT, "%.3f", c)).orElse(""),
              "p99_us=" + s.latencies().getValueAtPercentile(99) / 1000.0,
              "latency_us=" + quantiles(s)));
    }
    log.printf(
        Locale.ROOT,
        "%.0f ops/s%s%s  {p99=%.1fus, p99.9=%.1fus, %s}%n",
        s.opsPerSecond(),
        s.errors() > 0 ? ", " + s.errors() + " errors" : "",
        diagnostics,
        s.latencies().getValueAtPercentile(99) / 1000.0,
        s.latencies().getValueAtPercentile(99.9) / 1000.0,
        s.jvm());
    return s;
  }

  /** Latency quantiles for the profile's meta file, {@code p50:…,p90:…}, in microseconds. */
  private static String quantiles(Sample s) {
    StringBuilder b = new StringBuilder();
    for (double q : new double[] {50, 90, 95, 98, 99, 99.5, 99.8, 99.9, 100}) {
      b.append(b.length() == 0 ? "" : ",")
          .append(
              String.format(
                  Locale.ROOT,
                  "p%s:%.1f",
                  q == (long) q ? Long.toString((long) q) : q,
                  s.latencies().getValueAtPercentile(q) / 1000.0));
    }
    return b.toString();
  }

  private static String pretty(java.time.Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
