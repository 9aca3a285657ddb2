package io.sockpool.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short real run of the load harness with {@code --tls}: the embedded redis-server with only a
 * TLS port and a CA generated for the run, every client that has a TLS variant. Checks the rows,
 * that no PING failed, that the pooled clients (sockpool, RedisClient, JedisPool) did no more
 * handshakes than their pool size (none on the request path once warm), and that
 * connect-per-request did one handshake per PING; never checks speed.
 */
class LoadHarnessTlsSmokeTest {
  private static final Pattern JEDIS_CREATED =
      Pattern.compile("jedispool +(\\d+)/(\\d+) .*created=(\\d+)");
  private static final Pattern SOCKPOOL_HANDSHAKES =
      Pattern.compile(
          "(sockpool|redisclient) +(?:\\d+)/(\\d+) .*\\{handshakes=(\\d+), resumed=\\d+,"
              + " failed=(\\d+), inWindow=(\\d+)\\}");
  private static final Pattern JIT_AND_GC =
      Pattern.compile("\\{p99=[\\d.]+us, p99\\.9=[\\d.]+us, jit=(?:\\d+|\\?)ms, gc=\\d+/\\d+ms\\}");
  private static final Pattern CONNECT_HANDSHAKES =
      Pattern.compile("connect +(\\S+) \\.\\.\\. \\d+ ops/s +\\{handshakes=(\\d+)\\}");

  @Test
  @Timeout(120)
  void tlsClientsPingWithoutErrorsAndPoolsHandshakeOnlyPerConnection(@TempDir Path out)
      throws Exception {
    LoadOptions options =
        new LoadOptions(
            Duration.ofMillis(800),
            // JedisPool opens its connections lazily, in the warm-up: under load a first TLS
            // handshake took over 1 s (300 ms left jedispool 1/1 with no PING in the window)
            Duration.ofMillis(1500),
            List.of(new LoadPoint(1, 1), new LoadPoint(4, 2)),
            List.of(
                ClientKind.SOCKPOOL,
                ClientKind.REDIS_CLIENT,
                ClientKind.JEDIS_POOL,
                ClientKind.CONNECT_PER_REQUEST),
            1,
            2,
            // the first TLS handshake of a JVM loads and compiles JSSE: 0.4-0.5 s when quiet
            Duration.ofSeconds(10),
            Optional.empty(),
            out,
            false,
            Optional.empty(),
            Optional.empty(),
            true,
            Duration.ofMillis(300),
            LoadOptions.DEFAULT_DEDICATED_BUSY);
    ByteArrayOutputStream console = new ByteArrayOutputStream();

    LoadHarness.Report report =
        LoadHarness.run(options, new PrintStream(console, true, StandardCharsets.UTF_8));

    String printed = console.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("(TLS)"), printed);
    assertTrue(printed.contains("TLS warm-up: " + LoadHarness.TLS_WARM_UP_HANDSHAKES), printed);
    assertTrue(printed.contains("JIT warm-up pass 1: every client 300 ms at 1/1"), printed);
    assertTrue(printed.contains("JIT warm-up pass 1: every client 300 ms at 4/2"), printed);
    assertEquals(
        8,
        JIT_AND_GC.matcher(printed).results().count(),
        "every measured point reports its window's JIT and GC time: " + printed);
    assertEquals(8, report.results().size(), report.table());
    for (PointResult r : report.results()) {
      assertTrue(r.ops() > 0, r.client() + " at " + r.threads() + " did no PING: " + printed);
      assertEquals(0, r.errors(), r.client() + " failed: " + r.firstError());
    }
    Matcher jedis = JEDIS_CREATED.matcher(printed);
    int points = 0;
    while (jedis.find()) {
      int poolSize = Integer.parseInt(jedis.group(2));
      assertTrue(
          Integer.parseInt(jedis.group(3)) <= poolSize,
          "JedisPool handshakes beyond its pool size at " + jedis.group() + ": " + printed);
      points++;
    }
    assertEquals(2, points, printed);
    Matcher pools = SOCKPOOL_HANDSHAKES.matcher(printed);
    int poolPoints = 0;
    while (pools.find()) {
      assertTrue(
          Integer.parseInt(pools.group(3)) <= Integer.parseInt(pools.group(2)),
          "sockpool handshakes beyond its pool size (a handshake on the request path): "
              + pools.group()
              + "\n"
              + printed);
      assertEquals("0", pools.group(4), printed);
      assertEquals("0", pools.group(5), "a handshake in the measured window: " + pools.group());
      poolPoints++;
    }
    assertEquals(4, poolPoints, printed);
    Matcher connect = CONNECT_HANDSHAKES.matcher(printed);
    int connectPoints = 0;
    while (connect.find()) {
      PointResult r =
          report.results().stream()
              .filter(
                  p ->
                      p.client().equals("connect")
                          && (p.threads() + "/" + p.poolSize()).equals(connect.group(1)))
              .findFirst()
              .orElseThrow();
      // warm-up and measured PINGs each did one handshake
      assertTrue(Long.parseLong(connect.group(2)) >= r.ops(), printed);
      connectPoints++;
    }
    assertEquals(2, connectPoints, printed);
  }
}
