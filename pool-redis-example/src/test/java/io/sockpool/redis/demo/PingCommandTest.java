package io.sockpool.redis.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.sockpool.Endpoint;
import io.sockpool.redis.DirectRedisConnection;
import io.sockpool.redis.EmbeddedRedis;
import io.sockpool.redis.RespValue;
import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.ProcessResources;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The demo's {@code ping} command, run in-process against a real Redis. */
class PingCommandTest {
  private static Endpoint redis;
  private static EmbeddedRedis embedded;

  @BeforeAll
  static void startRedis() throws IOException {
    String url = System.getenv("REDIS_URL");
    if (url != null && !url.isBlank()) {
      java.net.URI uri = java.net.URI.create(url.strip());
      redis = Endpoint.of(uri.getHost(), uri.getPort());
    } else {
      embedded = EmbeddedRedis.start(List.of());
      redis = embedded.endpoint();
    }
  }

  @AfterAll
  static void stopRedis() throws IOException {
    if (embedded != null) {
      embedded.close();
    }
  }

  /** The exit code and what the command printed. */
  private record Run(int code, String out, String err) {
    String lastLine() {
      String[] lines = out.strip().split("\n");
      return lines[lines.length - 1];
    }
  }

  private static Run ping(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            prepend("ping", args),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static String[] prepend(String first, String[] rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void jsonReportOnTheLastLineWithZeroErrorsWhileEveryConnectionIsKilledRepeatedly()
      throws Exception {
    int clientsBefore = connectedClients();
    Run run =
        ping(
            "--redis",
            redis.toString(),
            "--threads",
            "4",
            "--duration",
            "2s",
            "--json",
            "--kill-every",
            "500ms");
    assertEquals(0, run.code(), run.out() + run.err());
    JsonObject json = JsonParser.parseString(run.lastLine()).getAsJsonObject();
    long ops = json.get("ops").getAsLong();
    assertTrue(ops > 100, "ops " + ops);
    assertEquals(0, json.get("errors").getAsLong(), run.out());
    assertTrue(json.get("opsPerSecond").getAsLong() > 50, run.lastLine());
    long p50 = json.get("p50Micros").getAsLong();
    long p99 = json.get("p99Micros").getAsLong();
    assertTrue(p50 > 0 && p50 <= p99, run.lastLine());
    assertEquals(4, json.get("poolSize").getAsInt());
    assertTrue(json.get("recommendedPoolSize").getAsInt() >= 1, run.lastLine());
    assertTrue(
        json.get("killedConnections").getAsLong() >= 4,
        "the kills closed the pool's connections: " + run.lastLine());
    assertTrue(
        json.get("created").getAsLong() > 4, "killed connections were replaced: " + run.lastLine());
    assertTrue(json.get("destroyed").getAsLong() >= 1, run.lastLine());
    assertTrue(
        countMatches(
                run.out(),
                Pattern.compile(
                    "(?m)^\\[ *\\d+s\\] .* ops/s  p99 .* active \\d+ idle \\d+ waiting \\d+"))
            >= 2,
        "one progress line a second:\n" + run.out());
    int needed = json.get("neededPoolSize").getAsInt();
    String sizing =
        needed > 4
            ? "needs " + needed + " connections for <= 1 % waiting, above the cap of 4 (used: 4)"
            : "recommended pool size " + json.get("recommendedPoolSize").getAsInt() + " (used: 4)";
    assertTrue(run.out().contains(sizing), "the sizing summary says: " + sizing + "\n" + run.out());
    assertTrue(run.out().contains("client kills"), run.out());

    ProcessResources.awaitAtMost(() -> demoThreads().size(), 0, Duration.ofSeconds(5));
    assertEquals(List.of(), demoThreads(), "threads left running");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    int clientsAfter;
    while ((clientsAfter = connectedClients()) > clientsBefore && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(clientsBefore, clientsAfter, "connections left open on the server");
  }

  private static List<String> demoThreads() {
    return ProcessResources.threadsNamed("redis-demo").stream().sorted().toList();
  }

  /**
   * @return connected clients on the server, not counting the connection asking
   */
  private static int connectedClients() throws IOException {
    try (DirectRedisConnection c = DirectRedisConnection.open(redis, Duration.ofSeconds(2))) {
      String info = ((RespValue.BulkString) c.callOk("INFO", "clients")).asString();
      Matcher m = Pattern.compile("connected_clients:(\\d+)").matcher(info);
      assertTrue(m.find(), info);
      return Integer.parseInt(m.group(1)) - 1;
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void withoutRedisFlagItUsesLocalhostOrStartsAndStopsAnEmbeddedServer() throws Exception {
    Run run = ping("--threads", "2", "--duration", "1s", "--json");
    assertEquals(0, run.code(), run.out() + run.err());
    Matcher started =
        Pattern.compile("started an embedded redis-server on 127\\.0\\.0\\.1:(\\d+)")
            .matcher(run.out());
    if (started.find()) {
      int port = Integer.parseInt(started.group(1));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (answers(port) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertFalse(answers(port), "the embedded server was stopped on exit");
    } else {
      assertTrue(run.out().contains("using the Redis that answered on localhost:6379"), run.out());
    }
    JsonParser.parseString(run.lastLine()).getAsJsonObject();
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void explicitRedisThatDoesNotAnswerExitsWith2AndNoStackTrace() throws Exception {
    int port = FakePeer.closedPort();
    Run run = ping("--redis", "127.0.0.1:" + port, "--duration", "1s");
    assertEquals(2, run.code());
    assertEquals(
        "error: --redis 127.0.0.1:"
            + port
            + " does not answer: cannot connect to Redis at 127.0.0.1:"
            + port
            + " within 2000 ms: Connection refused\n",
        run.err());
    assertFalse(
        run.out().contains("Exception") || run.err().contains("\tat "), run.out() + run.err());
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void badArgumentsExitWith2AndSayWhatIsAllowed() {
    Run run = ping("--threads", "0");
    assertEquals(2, run.code());
    assertEquals("ping: --threads must be in 1..1024, but was 0 (see ping --help)\n", run.err());
    assertEquals("", run.out());
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void helpListsEveryOptionAndTheDurationSyntaxAndSucceeds() {
    Run run = ping("--help");
    assertEquals(0, run.code(), run.err());
    assertEquals("", run.err());
    assertTrue(run.out().startsWith("Usage: redis-ping-demo ping "), run.out());
    for (String option :
        List.of(
            "--redis",
            "--threads",
            "--duration",
            "--pool-size",
            "--json",
            "--kill-every",
            "--tls",
            "--cacert",
            "--cert",
            "--key",
            "--sni",
            "--insecure")) {
      assertTrue(run.out().contains(option), option + " missing from " + run.out());
    }
    assertTrue(run.out().contains("e.g. 10ms, 250us, 1.5s, 2m"), run.out());
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void poolSizeAboveTheServersMaxclientsIsRefused() throws Exception {
    try (EmbeddedRedis small = EmbeddedRedis.start(List.of("maxclients 5"))) {
      Run run =
          ping("--redis", small.endpoint().toString(), "--pool-size", "8", "--duration", "1s");
      assertEquals(2, run.code(), run.out() + run.err());
      assertTrue(
          run.err()
              .startsWith(
                  "error: --pool-size 8 would exceed the server's maxclients 5 (1 clients"
                      + " connected, 0 needed on the side); use at most 4"),
          run.err());
    }
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void serverWithoutConfigCommandRunsWithPoolDefaultsAndSaysSo() throws Exception {
    try (EmbeddedRedis managed = EmbeddedRedis.start(List.of("rename-command CONFIG \"\""))) {
      Run run =
          ping("--redis", managed.endpoint().toString(), "--threads", "2", "--duration", "1s");
      assertEquals(0, run.code(), run.out() + run.err());
      assertTrue(
          run.out().contains("server: maxclients unknown (CONFIG GET not allowed): pool size 2"),
          run.out());
      assertTrue(
          run.out().contains("server: timeout unknown: the pool closes connections idle for 60 s"),
          run.out());
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void sizeCommandIsDispatchedToTheSizingCalculator() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        Main.run(
            new String[] {
              "size", "--rate", "1000", "--latency", "10ms", "--buffer", "20%", "--json"
            },
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(new ByteArrayOutputStream()));
    assertEquals(0, code);
    assertEquals(
        12,
        JsonParser.parseString(out.toString(StandardCharsets.UTF_8).strip())
            .getAsJsonObject()
            .get("connections")
            .getAsInt());
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void unknownCommandExitsWith2() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            new String[] {"pong"},
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, code);
    assertEquals(
        "redis-ping-demo: Unmatched argument at index 0: 'pong'; the commands are ping, size"
            + " (see redis-ping-demo --help)\n",
        err.toString(StandardCharsets.UTF_8));
  }

  private static boolean answers(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int countMatches(String text, Pattern p) {
    Matcher m = p.matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
