package io.sockpool.tls;

import static io.sockpool.tls.TlsConnectionTest.ping;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import io.sockpool.CheckoutTimeoutException;
import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.TlsConfig;
import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.TestCertificates;
import io.sockpool.testkit.ToxiproxyExtension;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults on TLS connections through the Toxiproxy-compatible proxy, which forwards the encrypted
 * bytes unchanged: toxics apply to the handshake and to exchanges alike.
 */
@Timeout(120)
class TlsFaultsTest {
  @RegisterExtension static final ToxiproxyExtension TOXIPROXY = new ToxiproxyExtension();
  private static final AtomicInteger NAMES = new AtomicInteger();

  @TempDir static Path dir;
  static TestCertificates certs;

  private FakePeer upstream;
  private Proxy proxy;
  private SocketPool pool;

  @BeforeAll
  static void certificates() {
    certs = TestCertificates.generate(dir);
  }

  @BeforeEach
  void start() throws IOException {
    upstream = FakePeer.tls(certs.serverContext(certs.server(), false), false);
    ToxiproxyClient client = TOXIPROXY.client();
    proxy =
        client.createProxy(
            "tls-" + NAMES.incrementAndGet(), TOXIPROXY.listenAddress(), upstream.hostAndPort());
  }

  @AfterEach
  void stop() throws IOException {
    if (pool != null) {
      pool.close();
    }
    proxy.delete();
    upstream.close();
  }

  private Endpoint endpoint() {
    String listen = proxy.getListen();
    return Endpoint.of(
        TOXIPROXY.host(), Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1)));
  }

  private SocketPool pool(Duration connectTimeout) {
    pool =
        SocketPool.create(
            PoolConfig.builder()
                .maxPerEndpoint(2)
                .tls(TlsConfig.builder().trustPem(certs.caPem()).build())
                .checkoutTimeout(Duration.ofSeconds(10))
                .connectTimeout(connectTimeout)
                .build());
    return pool;
  }

  @Test
  void aHandshakeAndExchangesSlicedIntoThreeBytePiecesWork() throws Exception {
    proxy.toxics().slicer("pieces-down", ToxicDirection.DOWNSTREAM, 3, 200);
    proxy.toxics().slicer("pieces-up", ToxicDirection.UPSTREAM, 3, 200);
    pool(Duration.ofSeconds(10));
    for (int i = 0; i < 5; i++) {
      try (PooledConnection c = pool.checkout(endpoint())) {
        assertEquals("+PONG\r\n", ping(c));
      }
    }
    assertEquals(1, pool.tlsStats().handshakes());
  }

  @Test
  void aServerHelloDelayedPastTheConnectTimeoutFailsNamingTheHandshake() throws Exception {
    proxy.toxics().latency("slow", ToxicDirection.DOWNSTREAM, 4_000);
    pool(Duration.ofMillis(1_000));
    Endpoint e = endpoint();
    CheckoutTimeoutException t =
        assertThrows(CheckoutTimeoutException.class, () -> pool.checkout(e));
    assertTrue(t.getMessage().contains("TLS handshake did not finish within"), t.getMessage());
    assertEquals(
        1,
        pool.circuitBreakers().circuitBreaker(e.toString()).getMetrics().getNumberOfFailedCalls());
  }

  @Test
  void aResetMidUseFailsTheExchangeAndTheNextCheckoutReconnects() throws Exception {
    pool(Duration.ofSeconds(10));
    Endpoint e = endpoint();
    try (PooledConnection c = pool.checkout(e)) {
      assertEquals("+PONG\r\n", ping(c));
      var reset = proxy.toxics().resetPeer("reset", ToxicDirection.DOWNSTREAM, 0);
      assertThrows(IOException.class, () -> ping(c));
      reset.remove();
    }
    try (PooledConnection c = pool.checkout(e)) {
      assertEquals("+PONG\r\n", ping(c));
    }
    assertEquals(2, pool.tlsStats().handshakes());
  }
}
