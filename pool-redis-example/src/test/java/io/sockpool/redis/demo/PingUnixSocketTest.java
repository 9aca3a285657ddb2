package io.sockpool.redis.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.sockpool.redis.EmbeddedRedis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ping --redis unix:///path} against a real redis-server that listens only on a Unix domain
 * socket ({@code port 0}, {@code unixsocket}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PingUnixSocketTest {
  @TempDir static Path dir;
  private static EmbeddedRedis server;
  private static Path socket;

  @BeforeAll
  static void start() throws IOException {
    socket = dir.resolve("redis.sock");
    server = EmbeddedRedis.startUnix(socket, List.of());
  }

  @AfterAll
  static void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void pingOverAUnixSocketRunsWithZeroErrorsAndAbsorbsKills() {
    assertTrue(Files.exists(socket), "redis-server created " + socket);

    DemoRun run =
        DemoRun.ping(
            "--redis",
            "unix://" + socket,
            "--threads",
            "2",
            "--duration",
            "2s",
            "--kill-every",
            "500ms",
            "--json");

    assertEquals(0, run.code(), run.out() + run.err());
    assertTrue(run.out().contains("target: Redis at unix://" + socket), run.out());
    JsonObject json = run.json();
    assertTrue(json.get("ops").getAsLong() > 0, run.out());
    assertEquals(0, json.get("errors").getAsLong(), run.out());
    assertTrue(json.get("killedConnections").getAsLong() > 0, "CLIENT KILL over the socket");
    assertTrue(json.get("created").getAsLong() > 2, "killed connections were replaced");
    assertTrue(json.get("tls").isJsonNull(), "no TLS over a Unix socket: " + json);
  }

  @Test
  void aSocketFileNobodyListensOnExitsWith2AndOneLine() {
    Path missing = dir.resolve("nobody.sock");

    DemoRun run = DemoRun.ping("--redis", "unix://" + missing, "--duration", "500ms");

    assertEquals(2, run.code(), run.out() + run.err());
    assertEquals(1, run.err().strip().split("\n", -1).length, run.err());
    assertTrue(
        run.err().startsWith("error: --redis unix://" + missing + " does not answer: "), run.err());
    assertTrue(run.err().contains("--unixsocket"), run.err());
    assertFalse(run.err().contains("\tat "), run.err());
  }

  @Test
  void aRelativeOrTooLongPathExitsWith2AndSaysWhatIsAllowed() {
    DemoRun relative = DemoRun.ping("--redis", "unix://redis.sock");
    assertEquals(2, relative.code());
    assertTrue(relative.err().contains("unix:// takes an absolute path"), relative.err());

    DemoRun tooLong = DemoRun.ping("--redis", "unix:///" + "d".repeat(120) + "/redis.sock");
    assertEquals(2, tooLong.code());
    assertTrue(
        tooLong.err().contains("unix socket path must be at most 107 bytes, but"), tooLong.err());
    assertEquals(1, tooLong.err().strip().split("\n", -1).length, tooLong.err());
  }
}
