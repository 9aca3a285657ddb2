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
 * the peer closed every connection the new ones resume their sessions. Resumed handshakes are
 * counted twice: by the pool ({@code tlsStats().resumedHandshakes()}, by session age) and by the
 * client's trust manager ({@link CountingTrust}: a resumed handshake verifies no certificate), and
 * the two must agree. Prints the counts and the mean handshake times (see docs/tls.md).
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

  /** Opens N connections at once, uses each once (a TLS 1.3 ticket arrives after the handshake). */
  private static void openAndUse(SocketPool pool, Endpoint e) throws Exception {
    assertEquals(N, pool.warmUp(e, N));
    openOneAtATime(pool, e); // served by the N idle ones
  }

  /**
   * Checks out N connections and holds them: with none idle, opens them one after the other, each
   * used (its TLS 1.3 ticket read) before the next.
   */
  private static void openOneAtATime(SocketPool pool, Endpoint e) throws Exception {
    PooledConnection[] held = new PooledConnection[N];
    for (int i = 0; i < N; i++) {
      held[i] = pool.checkout(e);
      TlsConnectionTest.ping(held[i]);
    }
    for (PooledConnection c : held) {
      c.close();
    }
  }

  /** The server closes every connection (the "kill storm"); the pool drops them. */
  private static void killAll(FakePeer peer, SocketPool pool, Endpoint e)
      throws InterruptedException {
    peer.closeAll();
    assertTrue(peer.awaitOpenAtMost(0, Duration.ofSeconds(10)));
    pool.evict(e);
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void reconnectsAfterTheServerClosedEveryConnectionResume(String protocol) throws Exception {
    CountingTrust trust = new CountingTrust(certs);
    try (FakePeer peer = FakePeer.tls(certs.serverContext(certs.server(), false), false);
        SocketPool pool =
            SocketPool.create(
                PoolConfig.builder()
                    .maxPerEndpoint(N)
                    // all N handshakes at once, so the 'full' figure is of full handshakes
                    .maxConnectingPerEndpoint(N)
                    .tls(
                        TlsConfig.builder()
                            .sslContext(trust.contexts())
                            .protocols(protocol)
                            .build())
                    .checkoutTimeout(Duration.ofSeconds(20))
                    .connectTimeout(Duration.ofSeconds(20))
                    .build())) {
      Endpoint e = endpoint(peer);
      openAndUse(pool, e); // warms the JSSE code up
      pool.evict(e);
      pool.reloadTls(); // a fresh session cache: the next handshakes are full ones
      TlsStats cold = pool.tlsStats();
      long verified = trust.verified();
      openAndUse(pool, e);
      TlsStats full = pool.tlsStats();
      assertEquals(N, trust.verified() - verified, "after a reload every handshake is a full one");
      assertEquals(0, full.resumedHandshakes() - cold.resumedHandshakes());

      killAll(peer, pool, e);
      verified = trust.verified();
      openOneAtATime(pool, e);
      TlsStats sequential = pool.tlsStats();
      long sequentialResumed = N - (trust.verified() - verified);
      assertEquals(
          sequentialResumed,
          sequential.resumedHandshakes() - full.resumedHandshakes(),
          "tlsStats counts exactly the handshakes that verified no certificate");
      // TLS 1.3: each reconnect spends the ticket the previous connection read; the first may
      // find none when the JDK dropped the last session as its connection was closed by the
      // server (seen once in 4 runs on Java 17: 7 of 8)
      assertTrue(
          sequentialResumed >= (protocol.equals("TLSv1.2") ? N : N - 1),
          "reconnects one at a time resume: " + sequentialResumed + " of " + N);

      killAll(peer, pool, e);
      verified = trust.verified();
      openAndUse(pool, e);
      TlsStats storm = pool.tlsStats();
      long handshakes = storm.handshakes() - sequential.handshakes();
      long resumed = handshakes - (trust.verified() - verified);
      System.out.printf(
          "%s (Java %s): %d of %d reconnects at once resumed, %d of %d one at a time; mean"
              + " handshake %.2f ms full, %.2f ms resumed%n",
          protocol,
          Runtime.version().feature(),
          resumed,
          handshakes,
          sequentialResumed,
          N,
          millis(full, cold),
          millis(sequential, full));
      assertEquals(N, handshakes);
      assertEquals(
          resumed,
          storm.resumedHandshakes() - sequential.resumedHandshakes(),
          "tlsStats counts exactly the handshakes that verified no certificate");
      if (protocol.equals("TLSv1.2")) {
        assertEquals(N, resumed, "every TLS 1.2 reconnect resumes its session");
      } else {
        // the TLS 1.3 client spends a single-use ticket per resumption: Java 17 keeps one per host
        // and port, so of N reconnects at once one resumes (Java 25: 7 or 8 of 8 seen)
        assertTrue(resumed >= 1, "at least one TLS 1.3 reconnect resumes: " + resumed);
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
                    // a full handshake on a loaded machine can outlast the default connect timeout
                    .connectTimeout(Duration.ofSeconds(20))
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
