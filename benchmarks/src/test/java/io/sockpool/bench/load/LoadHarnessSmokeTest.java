package io.sockpool.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short real run of the load harness: every client against the embedded redis-server, about
 * a second per point, at 1 and 8 threads. Checks what the documented command promises (rows,
 * table, CSV, PNG) and that it leaves no sockets or threads behind; never checks speed.
 */
class LoadHarnessSmokeTest {

  @Test
  @Timeout(120)
  void everyClientProducesRowsCsvAndChartWithoutLeaks(@TempDir Path out) throws Exception {
    LoadOptions options = new LoadOptions(Duration.ofMillis(800), Duration.ofMillis(300), List.of(1, 8),
        Arrays.asList(ClientKind.values()), 1, 4, Duration.ofSeconds(2), Optional.empty(), out);
    ByteArrayOutputStream console = new ByteArrayOutputStream();

    LoadHarness.Report report = LoadHarness.run(options, new PrintStream(console, true, StandardCharsets.UTF_8));

    assertEquals(ClientKind.values().length * 2, report.results().size(), report.table());
    for (PointResult r : report.results()) {
      assertTrue(r.ops() > 0, r.client() + " at " + r.threads() + " threads did no PING: " + report.table());
      assertEquals(0, r.errors(), r.client() + " at " + r.threads() + " threads failed: " + r.firstError());
      assertTrue(r.p50Micros() > 0 && r.p50Micros() <= r.p99Micros() && r.p99Micros() <= r.p999Micros(),
          "percentiles out of order for " + r);
      assertTrue(r.cpuMicrosPerOp().orElseThrow() > 0, "no CPU time per PING for " + r);
    }
    PointResult dedicated8 = find(report, "dedicated", 8);
    assertEquals(1.0, Ratios.toDedicated(dedicated8, report.results()).orElseThrow(), 1e-9);
    PointResult connect1 = find(report, "connect", 1);
    assertTrue(connect1.timeWaitAfter().orElseThrow() > connect1.timeWaitBefore().orElseThrow(),
        "connect-per-request closes each socket first, so it must leave TIME_WAIT sockets: " + connect1);

    String printed = console.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("/dedicated") && printed.contains("/jedispool"), printed);
    for (ClientKind kind : ClientKind.values()) {
      assertTrue(report.table().contains(kind.cliName()), report.table());
    }

    List<String> csv = Files.readAllLines(report.csv());
    assertEquals(CsvReport.HEADER, csv.get(0));
    assertEquals(1 + report.results().size(), csv.size(), String.join("\n", csv));
    assertTrue(csv.stream().skip(1).allMatch(line -> line.split(",", -1).length == CsvReport.HEADER.split(",").length),
        String.join("\n", csv));

    BufferedImage png = ImageIO.read(report.png().toFile());
    assertEquals(ThroughputChart.WIDTH, png.getWidth());
    assertEquals(ThroughputChart.HEIGHT, png.getHeight());

    // Some libraries open one JVM-wide socket on first use and keep it (seen: one from the JDK on the
    // first connect, one from Lettuce/Netty). A second run must not add any: nothing leaks per run.
    long socketsAfterFirstRun = openSockets();
    LoadHarness.run(new LoadOptions(Duration.ofMillis(200), Duration.ofMillis(100), List.of(1, 8),
        Arrays.asList(ClientKind.values()), 1, 4, Duration.ofSeconds(2), Optional.empty(), out),
        new PrintStream(OutputStream.nullOutputStream()));
    assertEquals(socketsAfterFirstRun, openSockets(), "a second run left sockets open");
    assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("load-")),
        "load threads still alive");
  }

  private static PointResult find(LoadHarness.Report report, String client, int threads) {
    return report.results().stream().filter(r -> r.client().equals(client) && r.threads() == threads)
        .findFirst().orElseThrow(() -> new AssertionError("no row for " + client + " at " + threads));
  }

  /** Counts this JVM's socket file descriptors (Linux /proc). */
  private static long openSockets() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).toString().startsWith("socket:");
        } catch (IOException e) {
          return false; // the fd closed while listing
        }
      }).count();
    }
  }
}
