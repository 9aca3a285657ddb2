package io.sockpool.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.testkit.ProcessResources;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short real run of the load harness: every client against the embedded redis-server, about a
 * second per point, at 1 and 8 threads. Checks what the documented command promises (rows, table,
 * CSV, PNG) and that it leaves no sockets or threads behind; never checks speed.
 */
class LoadHarnessSmokeTest {

  @Test
  @Timeout(120)
  void everyClientProducesRowsCsvAndChartWithoutLeaks(@TempDir Path out) throws Exception {
    LoadOptions options = everyClient(Duration.ofMillis(800), Duration.ofMillis(300), out);
    ByteArrayOutputStream console = new ByteArrayOutputStream();

    LoadHarness.Report report =
        LoadHarness.run(options, new PrintStream(console, true, StandardCharsets.UTF_8));

    // the two dedicated clients do not run at the contended point (8 threads on 4 connections)
    assertEquals(ClientKind.values().length * 2 - 2, report.results().size(), report.table());
    for (PointResult r : report.results()) {
      assertTrue(
          r.ops() > 0,
          r.client() + " at " + r.threads() + " threads did no PING: " + report.table());
      assertEquals(
          0, r.errors(), r.client() + " at " + r.threads() + " threads failed: " + r.firstError());
      assertTrue(
          r.p50Micros() > 0 && r.p50Micros() <= r.p99Micros() && r.p99Micros() <= r.p999Micros(),
          "percentiles out of order for " + r);
      assertTrue(r.cpuMicrosPerOp().orElseThrow() > 0, "no CPU time per PING for " + r);
    }
    PointResult dedicated1 = find(report, "dedicated", 1);
    assertEquals(1.0, Ratios.toDedicated(dedicated1, report.results()).orElseThrow(), 1e-9);
    PointResult contended = find(report, "sockpool", 8);
    assertTrue(Ratios.toDedicated(contended, report.results()).isEmpty(), "8 on 4 connections");
    assertTrue(Ratios.toJedisPool(contended, report.results()).isPresent(), report.table());
    PointResult connect1 = find(report, "connect", 1);
    assertTrue(
        connect1.timeWaitAfter().orElseThrow() > connect1.timeWaitBefore().orElseThrow(),
        "connect-per-request closes each socket first, so it must leave TIME_WAIT sockets: "
            + connect1);

    String printed = console.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("/dedicated") && printed.contains("/jedispool"), printed);
    for (ClientKind kind : ClientKind.values()) {
      assertTrue(report.table().contains(kind.cliName()), report.table());
    }

    List<String> csv = Files.readAllLines(report.csv());
    assertEquals(CsvReport.HEADER, csv.get(0));
    assertEquals(1 + report.results().size(), csv.size(), String.join("\n", csv));
    assertTrue(
        csv.stream()
            .skip(1)
            .allMatch(line -> line.split(",", -1).length == CsvReport.HEADER.split(",").length),
        String.join("\n", csv));

    BufferedImage png = ImageIO.read(report.png().toFile());
    assertEquals(ThroughputChart.WIDTH, png.getWidth());
    assertEquals(ThroughputChart.HEIGHT, png.getHeight());

    // The clients open only TCP sockets (Lettuce on Netty's NIO transport, whose selectors use no
    // socket); the JVM and libc open sockets of other kinds on first use and keep them (an unnamed
    // unix socket here). A second run must not add any TCP or UDP socket: nothing leaks per run
    // (counting every kind, CI once saw 2 after the second run against 1, unsaid of which kind:
    // the message names each socket now). Clients close some sockets
    // asynchronously (Lettuce/Netty on its event loop): count once the number has settled, and
    // after the second run wait (bounded) for it to come back down.
    long socketsAfterFirstRun =
        ProcessResources.awaitStable(
            ProcessResources::openInetSockets, Duration.ofMillis(500), Duration.ofSeconds(10));
    List<String> openAfterFirstRun = ProcessResources.describeOpenSockets();
    LoadHarness.run(
        // as long as the first run: 200 ms saw no PING from JedisPool at load average 35
        everyClient(Duration.ofMillis(800), Duration.ofMillis(300), out),
        new PrintStream(OutputStream.nullOutputStream()));
    long socketsAfterSecondRun =
        ProcessResources.awaitAtMost(
            ProcessResources::openInetSockets, socketsAfterFirstRun, Duration.ofSeconds(10));
    assertTrue(
        socketsAfterSecondRun <= socketsAfterFirstRun,
        "a second run left TCP or UDP sockets open: "
            + socketsAfterSecondRun
            + ", after the first run "
            + socketsAfterFirstRun
            + "; now "
            + ProcessResources.describeOpenSockets()
            + ", after the first run "
            + openAfterFirstRun);
    ProcessResources.awaitAtMost(
        () -> ProcessResources.threadsNamed("load-").size(), 0, Duration.ofSeconds(5));
    assertEquals(List.of(), ProcessResources.threadsNamed("load-"), "load threads still alive");
  }

  /**
   * Every client at 1 and 8 threads with pool size 4 (8 threads on 4 connections: the contended
   * point, where the dedicated client does not run), one round, against the embedded Redis.
   */
  private static LoadOptions everyClient(Duration measured, Duration warmup, Path out) {
    return new LoadOptions(
        measured,
        warmup,
        List.of(new LoadPoint(1, 4), new LoadPoint(8, 4)),
        Arrays.asList(ClientKind.values()),
        1,
        4,
        // per request, and Lettuce's connection initialization: Netty's first connect (class
        // loading, event loop start) took more than 2 s on a busy machine
        Duration.ofSeconds(10),
        Optional.empty(),
        out,
        false,
        Optional.empty(),
        Optional.empty(),
        false);
  }

  private static PointResult find(LoadHarness.Report report, String client, int threads) {
    return report.results().stream()
        .filter(r -> r.client().equals(client) && r.threads() == threads)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row for " + client + " at " + threads));
  }
}
