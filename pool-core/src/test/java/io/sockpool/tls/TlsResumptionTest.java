package io.sockpool.tls;

import static io.sockpool.tls.TlsConnectionTest.endpoint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.TlsConfig;
import io.sockpool.TlsStats;
import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Session resumption: a pool keeps one SSLContext and creates engines with host and port, so after
 * the peer closed every connection the new ones resume their sessions. Prints the share of resumed
 * handshakes and the mean handshake time, full vs resumed, for TLS 1.2 and 1.3 (see docs/tls.md).
 */
@Timeout(120)
class TlsResumptionTest {
  private static final int N = 8;

  @TempDir static Path dir;
  static TestCertificates certs;

  @BeforeAll
  static void certificates() {
    certs = TestCertificates.generate(dir);
  }

  /** Opens N connections, uses each once (a TLS 1.3 ticket arrives after the handshake). */
  private static void openAndUse(SocketPool pool, Endpoint e) throws Exception {
    assertEquals(N, pool.warmUp(e, N));
    PooledConnection[] held = new PooledConnection[N];
    for (int i = 0; i < N; i++) {
      held[i] = pool.checkout(e);
      TlsConnectionTest.ping(held[i]);
    }
    for (PooledConnection c : held) {
      c.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void reconnectsAfterTheServerClosedEveryConnectionResume(String protocol) throws Exception {
    try (FakePeer peer = FakePeer.tls(certs.serverContext(certs.server(), false), false);
        SocketPool pool =
            SocketPool.create(
                PoolConfig.builder()
                    .maxPerEndpoint(N)
                    // all N handshakes at once, so the 'full' figure is of full handshakes
                    .maxConnectingPerEndpoint(N)
                    .tls(TlsConfig.builder().trustPem(certs.caPem()).protocols(protocol).build())
                    .checkoutTimeout(Duration.ofSeconds(20))
                    .connectTimeout(Duration.ofSeconds(20))
                    .build())) {
      Endpoint e = endpoint(peer);
      openAndUse(pool, e); // warms the JSSE code up
      pool.evict(e);
      pool.reloadTls(); // a fresh session cache: the next handshakes are full ones
      TlsStats cold = pool.tlsStats();
      openAndUse(pool, e);
      TlsStats full = pool.tlsStats();
      peer.closeAll(); // the "kill storm": every connection closed by the server
      assertTrue(peer.awaitOpenAtMost(0, Duration.ofSeconds(10)));
      pool.evict(e);
      openAndUse(pool, e);
      TlsStats after = pool.tlsStats();
      long resumed = after.resumedHandshakes() - full.resumedHandshakes();
      long handshakes = after.handshakes() - full.handshakes();
      System.out.printf(
          "%s: %d of %d reconnects resumed (by session age); mean handshake %.2f ms full,"
              + " %.2f ms on reconnect%n",
          protocol, resumed, handshakes, millis(full, cold), millis(after, full));
      assertEquals(N, handshakes);
      if (protocol.equals("TLSv1.2")) {
        assertEquals(N, resumed, "every TLS 1.2 reconnect resumes its session");
      }
    }
  }

  private static double millis(TlsStats now, TlsStats before) {
    return (now.handshakeTime().toNanos() - before.handshakeTime().toNanos())
        / 1e6
        / (now.handshakes() - before.handshakes());
  }

  @Test
  void aReloadStartsAFreshSessionCache() throws Exception {
    try (FakePeer peer = FakePeer.tls(certs.serverContext(certs.server(), false), false);
        SocketPool pool =
            SocketPool.create(
                PoolConfig.builder()
                    .maxPerEndpoint(N)
                    .tls(TlsConfig.builder().trustPem(certs.caPem()).protocols("TLSv1.2").build())
                    .checkoutTimeout(Duration.ofSeconds(20))
                    .build())) {
      Endpoint e = endpoint(peer);
      openAndUse(pool, e);
      pool.evict(e);
      pool.reloadTls();
      long before = pool.tlsStats().resumedHandshakes();
      assertEquals(1, pool.warmUp(e, 1));
      assertEquals(
          before,
          pool.tlsStats().resumedHandshakes(),
          "the first handshake after a reload is a full one: no session survives a reload");
    }
  }
}
