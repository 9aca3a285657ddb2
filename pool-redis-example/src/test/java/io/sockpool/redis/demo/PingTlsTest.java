package io.sockpool.redis.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.sockpool.redis.EmbeddedRedis;
import io.sockpool.redis.ThrowawayCertificates;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code ping} over TLS, in-process, against real redis-servers with TLS ports. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PingTlsTest {
  private static final Pattern TLS_LINE =
      Pattern.compile("tls +(\\d+) handshakes in the pool .*during the measured run: (\\d+)");
  private static ThrowawayCertificates certs;
  private static EmbeddedRedis mutual;

  @BeforeAll
  static void start() throws IOException {
    certs = ThrowawayCertificates.create(List.of("localhost", "127.0.0.1"));
    mutual = EmbeddedRedis.startTls(certs, true, List.of());
  }

  @AfterAll
  static void stop() throws IOException {
    if (mutual != null) {
      mutual.close();
    }
    certs.close();
  }

  @Test
  void tlsWithoutRedisStartsAnEmbeddedTlsServerAndKillsAreAbsorbedWithZeroErrors() {
    // kills far apart compared with a handshake: at load average 30 a handshake took ~300 ms, and
    // a kill every 300 ms killed reconnects mid-handshake, which the pool rightly counts against
    // the server's breaker (seen: the breaker opened, 1368 errors)
    DemoRun run =
        DemoRun.ping("--tls", "--threads", "4", "--duration", "3s", "--kill-every", "1s", "--json");

    assertEquals(0, run.code(), run.out() + run.err());
    assertTrue(
        run.out().contains("started an embedded redis-server with TLS on 127.0.0.1:"), run.out());
    JsonObject json = run.json();
    assertEquals(0, json.get("errors").getAsLong(), run.out());
    assertTrue(json.get("ops").getAsLong() > 0, run.out());
    assertTrue(json.get("killedConnections").getAsLong() > 0, run.out());
    // every kill costs one reconnect, and so one handshake: more than the 4 pre-connected ones
    Matcher tls = TLS_LINE.matcher(run.out());
    assertTrue(tls.find(), run.out());
    assertTrue(Long.parseLong(tls.group(1)) > 4, run.out());
    JsonObject t = json.getAsJsonObject("tls");
    assertEquals(Long.parseLong(tls.group(1)), t.get("handshakes").getAsLong(), run.out());
    assertEquals(Long.parseLong(tls.group(2)), t.get("handshakesDuringRun").getAsLong());
    assertTrue(t.get("handshakesDuringRun").getAsLong() > 0, "each kill costs a handshake");
    assertEquals(0, t.get("failedHandshakes").getAsLong(), run.out());
  }

  @Test
  void steadyStateOverTlsDoesNoHandshakeOnTheRequestPath() {
    DemoRun run = DemoRun.ping("--tls", "--threads", "2", "--duration", "1s", "--json");

    assertEquals(0, run.code(), run.out() + run.err());
    Matcher tls = TLS_LINE.matcher(run.out());
    assertTrue(tls.find(), run.out());
    assertEquals("2", tls.group(1), run.out());
    assertEquals("0", tls.group(2), run.out());
    JsonObject json = run.json();
    assertTrue(json.get("ops").getAsLong() > 0, "the existing fields stay: " + json);
    JsonObject t = json.getAsJsonObject("tls");
    assertEquals(2, t.get("handshakes").getAsLong(), json.toString());
    assertEquals(0, t.get("handshakesDuringRun").getAsLong(), "steady state: " + json);
    assertEquals(0, t.get("failedHandshakes").getAsLong(), json.toString());
    assertTrue(t.get("resumedHandshakes").getAsLong() <= 2, json.toString());
    assertTrue(t.get("meanHandshakeMicros").getAsLong() > 0, json.toString());
  }

  @Test
  void mutualTlsWithCertAndKeyRuns() {
    DemoRun run =
        DemoRun.ping(
            "--redis",
            "rediss://localhost:" + mutual.endpoint().port(),
            "--cacert",
            certs.caCert().toString(),
            "--cert",
            certs.clientCert().toString(),
            "--key",
            certs.clientKey().toString(),
            "--threads",
            "2",
            "--duration",
            "500ms");
    assertEquals(0, run.code(), run.out() + run.err());
  }

  @Test
  void failuresExitWith2AndOneLineInTheWordsUsersSearchFor() throws IOException {
    String server = "rediss://127.0.0.1:" + mutual.endpoint().port();
    DemoRun untrusted = DemoRun.ping("--redis", server, "--duration", "500ms");
    assertEquals(2, untrusted.code());
    assertEquals(1, untrusted.err().strip().split("\n", -1).length, untrusted.err());
    assertTrue(
        untrusted
            .err()
            .contains(
                "the certificate of 127.0.0.1:"
                    + mutual.endpoint().port()
                    + " is not trusted (PKIX path building failed"),
        untrusted.err());

    DemoRun noClientCert =
        DemoRun.ping(
            "--redis", server, "--cacert", certs.caCert().toString(), "--duration", "500ms");
    assertEquals(2, noClientCert.code());
    assertEquals(1, noClientCert.err().strip().split("\n", -1).length, noClientCert.err());
    assertTrue(
        noClientCert
            .err()
            .contains(
                "requires a client certificate (mutual TLS, tls-auth-clients yes): pass --cert"
                    + " FILE --key FILE"),
        noClientCert.err());

    DemoRun missingKey =
        DemoRun.ping(
            "--redis",
            server,
            "--cert",
            certs.clientCert().toString(),
            "--key",
            certs.directory().resolve("nope.key").toString());
    assertEquals(2, missingKey.code());
    assertEquals(
        "ping: --key "
            + certs.directory().resolve("nope.key")
            + ": no such file (see ping --help)\n",
        missingKey.err());
  }
}
