package io.sockpool.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.Endpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine.ParameterException;

@Timeout(10)
class LoadOptionsTest {

  @Test
  void defaultsRunEveryClientAtTheFourStandardPointsForTenSeconds() {
    LoadOptions o = LoadOptions.defaults();
    assertEquals(Duration.ofSeconds(10), o.duration());
    assertEquals(
        List.of(
            new LoadPoint(1, 1), new LoadPoint(8, 8), new LoadPoint(64, 64), new LoadPoint(64, 16)),
        o.points());
    assertEquals(List.of(ClientKind.values()), o.clients());
    assertEquals(16, o.poolSize());
    assertEquals(1, o.rounds());
    assertTrue(o.redis().isEmpty());
    assertFalse(o.pin());
    assertTrue(o.profile().isEmpty());
    assertTrue(o.fairnessWindow().isEmpty());
  }

  @Test
  void profileAndFairnessWindowAreParsedAndChecked() {
    LoadOptions o =
        LoadOptions.parse(
            new String[] {"--profile", "itimer,interval=1ms", "--fairness-window", "20ms"});
    assertEquals("itimer,interval=1ms", o.profile().orElseThrow());
    assertEquals(Duration.ofMillis(20), o.fairnessWindow().orElseThrow());
    assertEquals(
        Duration.ZERO,
        LoadOptions.parse(new String[] {"--fairness-window", "0ms"}).fairnessWindow().get());
    ParameterException e =
        assertThrows(
            ParameterException.class, () -> LoadOptions.parse(new String[] {"--profile", " "}));
    assertTrue(e.getMessage().contains("--profile"), e.getMessage());
  }

  @Test
  void dedicatedBusyDefaultsToOneMicrosecondAndMoreThanAMillisecondIsRefused() {
    assertEquals(Duration.ofNanos(1_000), LoadOptions.defaults().dedicatedBusy());
    assertEquals(
        Duration.ofNanos(1_300),
        LoadOptions.parse(new String[] {"--dedicated-busy", "1.3us"}).dedicatedBusy());
    ParameterException e =
        assertThrows(
            ParameterException.class,
            () -> LoadOptions.parse(new String[] {"--dedicated-busy", "2ms"}));
    assertTrue(e.getMessage().contains("--dedicated-busy must be in 0..1ms"), e.getMessage());
  }

  @Test
  void theDedicatedBusySpinTakesAtLeastItsTime() {
    long t0 = System.nanoTime();
    DedicatedChannelClient.spin(200_000);
    assertTrue(System.nanoTime() - t0 >= 200_000, "spun less than 200 us");
  }

  @Test
  void jitWarmupDefaultsToTwoSecondsAndZeroTurnsItOff() {
    assertEquals(Duration.ofSeconds(2), LoadOptions.defaults().jitWarmup());
    assertEquals(
        Duration.ofMillis(500),
        LoadOptions.parse(new String[] {"--jit-warmup", "500ms"}).jitWarmup());
    assertEquals(Duration.ZERO, LoadOptions.parse(new String[] {"--jit-warmup", "0"}).jitWarmup());
    LoadOptions d = LoadOptions.defaults();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new LoadOptions(
                    d.duration(),
                    d.warmup(),
                    d.points(),
                    d.clients(),
                    d.rounds(),
                    d.poolSize(),
                    d.timeout(),
                    d.redis(),
                    d.out(),
                    d.pin(),
                    d.profile(),
                    d.fairnessWindow(),
                    d.tls(),
                    Duration.ofSeconds(-1),
                    LoadOptions.DEFAULT_DEDICATED_BUSY));
    assertEquals("--jit-warmup must be >= 0, but was PT-1S", e.getMessage());
  }

  @Test
  void parsesEveryFlag() {
    LoadOptions o =
        LoadOptions.parse(
            new String[] {
              "--duration",
              "500ms",
              "--warmup",
              "1s",
              "--threads",
              "2,4/1",
              "--clients",
              "Lettuce,dedicated",
              "--rounds",
              "3",
              "--pool-size",
              "8",
              "--timeout",
              "1m",
              "--redis",
              "db.example:6380",
              "--out",
              "x/y",
              "--pin"
            });
    assertEquals(Duration.ofMillis(500), o.duration());
    assertEquals(Duration.ofSeconds(1), o.warmup());
    assertEquals(List.of(new LoadPoint(2, 8), new LoadPoint(4, 1)), o.points());
    assertTrue(o.pin());
    assertEquals(List.of(ClientKind.LETTUCE, ClientKind.DEDICATED), o.clients());
    assertEquals(3, o.rounds());
    assertEquals(8, o.poolSize());
    assertEquals(Duration.ofMinutes(1), o.timeout());
    assertEquals(Endpoint.of("db.example", 6380), o.redis().orElseThrow());
    assertEquals(Path.of("x/y"), o.out());
  }

  @Test
  void rejectsBadValuesSayingWhatIsAllowed() {
    assertMessage("--threads values must be in 1..4096, but one was 0", "--threads", "1,0");
    assertMessage("--threads must be an integer, but was 'x'", "--threads", "x");
    assertMessage("--threads must not repeat a point, but was [1/16, 1/16]", "--threads", "1,1/16");
    assertMessage(
        "--threads entries must be THREADS or THREADS/POOL, but one was '1/2/3'",
        "--threads",
        "1/2/3");
    assertMessage("--pool-size must be >= 1, but was 0", "--threads", "8/0");
    assertMessage("--pool-size must be >= 1, but was 0", "--pool-size", "0");
    assertMessage(
        "Invalid value for option '--duration': must be at least 1 ns (a number > 0 followed by"
            + " us, ms or s, or m for minutes, e.g. 10ms, 250us, 1.5s, 2m), but was '0s'",
        "--duration",
        "0s");
    assertMessage(
        "Invalid value for option '--duration': must be a duration (a number > 0 followed by us,"
            + " ms or s, or m for minutes, e.g. 10ms, 250us, 1.5s, 2m), but was '10 sec'",
        "--duration",
        "10 sec");
    assertEquals(
        Duration.ofMillis(1500), LoadOptions.parse(new String[] {"--duration", "1.5s"}).duration());
    assertMessage("--rounds must be in 1..100, but was 0", "--rounds", "0");
    assertMessage(
        "Invalid value for option '--redis': must be host:port with a port in 1..65535, but was"
            + " 'localhost'",
        "--redis",
        "localhost");
    assertMessage(
        "Invalid value for option '--clients' (NAMES): unknown client 'redisson'; allowed: "
            + ClientKind.allNames(),
        "--clients",
        "redisson");
    assertMessage(
        "--clients dedicated does not run with --tls; the clients that do: sockpool,"
            + "sockpool-validate,redisclient,jedispool,connect",
        "--tls",
        "--clients",
        "jedispool,dedicated");
    assertMessage(
        "--tls runs against the embedded redis-server (its certificates are generated for the"
            + " run), not with --redis",
        "--tls",
        "--redis",
        "localhost:6379");
    assertEquals(
        List.of(
            ClientKind.SOCKPOOL,
            ClientKind.SOCKPOOL_VALIDATE,
            ClientKind.REDIS_CLIENT,
            ClientKind.JEDIS_POOL,
            ClientKind.CONNECT_PER_REQUEST),
        LoadOptions.parse("--tls").clients());
    assertMessage("Unknown options: '--thread', '8'", "--thread", "8");
    assertMessage("Missing required parameter for option '--out' (DIR)", "--out");
    assertMessage("Invalid value for option '--rounds': 'x' is not an int", "--rounds", "x");
  }

  private static void assertMessage(String expected, String... args) {
    ParameterException e = assertThrows(ParameterException.class, () -> LoadOptions.parse(args));
    assertEquals(expected, e.getMessage());
  }
}
