package io.sockpool.tls;

import static io.sockpool.tls.TlsConnectionTest.endpoint;
import static io.sockpool.tls.TlsConnectionTest.ping;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.sockpool.CheckoutException;
import io.sockpool.CheckoutTimeoutException;
import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.TlsConfig;
import io.sockpool.TlsVerification;
import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.Responder;
import io.sockpool.testkit.TestCertificates.Identity;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every way a TLS handshake fails, on real sockets: the checkout fails within its deadline with an
 * exception naming the endpoint and what failed, the circuit breaker counts the peer's faults (and
 * not a caller's short deadline), and no connection stays open at the peer.
 */
@Timeout(120)
class TlsHandshakeFailuresTest extends TlsPeerTest {
  private static final Duration DEADLINE = Duration.ofSeconds(8);

  private SocketPool pool(TlsConfig tls, Duration checkoutTimeout) {
    pool =
        SocketPool.create(
            PoolConfig.builder()
                .tls(tls)
                .maxPerEndpoint(1)
                .checkoutTimeout(checkoutTimeout)
                .connectTimeout(checkoutTimeout)
                .build());
    return pool;
  }

  private static TlsConfig trustingTheCa() {
    return TlsConfig.builder().trustPem(certs.caPem()).build();
  }

  private CheckoutException failsWith(TlsConfig tls, String... phrases) throws Exception {
    pool(tls, DEADLINE);
    Endpoint e = endpoint(peer);
    long start = System.nanoTime();
    CheckoutException failed = assertThrows(CheckoutException.class, () -> pool.checkout(e));
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(tookMs < DEADLINE.toMillis() + 2_000, "failed after " + tookMs + " ms");
    String message = failed.getMessage();
    assertTrue(message.contains(e.toString()), message);
    for (String phrase : phrases) {
      assertTrue(message.contains(phrase), "'" + phrase + "' missing from: " + message);
    }
    assertEquals(1, pool.tlsStats().failedHandshakes(), pool.tlsStats().toString());
    assertEquals(0, pool.tlsStats().handshakes());
    assertTrue(peer.awaitOpenAtMost(0, Duration.ofSeconds(10)), "left open: " + peer);
    return failed;
  }

  private void tlsPeer(Identity identity, boolean needClientAuth) throws Exception {
    peer = FakePeer.tls(certs.serverContext(identity, needClientAuth), needClientAuth);
  }

  @Test
  void aCertificateFromAnotherCaIsNotTrusted() throws Exception {
    tlsPeer(certs.untrustedServer(), false);
    CheckoutException e = failsWith(trustingTheCa(), "is not trusted", "PKIX");
    assertInstanceOf(SSLHandshakeException.class, e.getCause());
    CircuitBreaker b = pool.circuitBreakers().circuitBreaker(endpoint(peer).toString());
    assertEquals(1, b.getMetrics().getNumberOfFailedCalls(), "the peer's fault");
  }

  @Test
  void anExpiredCertificateIsRejected() throws Exception {
    tlsPeer(certs.expiredServer(), false);
    failsWith(trustingTheCa(), "has expired");
  }

  @Test
  void aCertificateNotYetValidIsRejected() throws Exception {
    tlsPeer(certs.notYetValidServer(), false);
    failsWith(trustingTheCa(), "is not yet valid");
  }

  @Test
  void aCertificateForAnotherHostIsRejectedUnderFullVerification() throws Exception {
    tlsPeer(certs.wrongHostServer(), false);
    failsWith(trustingTheCa(), "does not match the subject alternative names");
  }

  @Test
  void caOnlyVerificationAcceptsACertificateForAnotherHost() throws Exception {
    tlsPeer(certs.wrongHostServer(), false);
    pool(
        TlsConfig.builder().trustPem(certs.caPem()).verification(TlsVerification.CA_ONLY).build(),
        DEADLINE);
    try (PooledConnection c = pool.checkout(endpoint(peer))) {
      assertEquals("+PONG\r\n", ping(c));
    }
  }

  @Test
  void insecureVerificationAcceptsAnUntrustedCertificate() throws Exception {
    tlsPeer(certs.untrustedServer(), false);
    pool(TlsConfig.builder().verification(TlsVerification.INSECURE).build(), DEADLINE);
    try (PooledConnection c = pool.checkout(endpoint(peer))) {
      assertEquals("+PONG\r\n", ping(c));
    }
  }

  @Test
  void aPlaintextPortAnsweringTheClientHelloIsNotTls() throws Exception {
    peer = new FakePeer(() -> Responder.always("-ERR unknown command\r\n"));
    failsWith(trustingTheCa(), "does not speak TLS");
  }

  @Test
  void mutualTlsWithoutAClientCertificateSaysTheServerRequiresOneAtTheHandshakeOnTls12()
      throws Exception {
    tlsPeer(certs.server(), true);
    failsWith(
        TlsConfig.builder().trustPem(certs.caPem()).protocols("TLSv1.2").build(),
        "requires a client certificate");
  }

  /** TLS 1.3: the server rejects the certificate after the client finished its handshake. */
  @Test
  void mutualTlsWithoutAClientCertificateSaysTheServerRequiresOneAtTheFirstReadOnTls13()
      throws Exception {
    tlsPeer(certs.server(), true);
    pool(TlsConfig.builder().trustPem(certs.caPem()).protocols("TLSv1.3").build(), DEADLINE);
    try (PooledConnection c = pool.checkout(endpoint(peer))) {
      SSLHandshakeException e = assertThrows(SSLHandshakeException.class, () -> ping(c));
      assertTrue(e.getMessage().contains("requires a client certificate"), e.getMessage());
      assertTrue(e.getMessage().contains(endpoint(peer).toString()), e.getMessage());
    }
  }

  @Test
  void mutualTlsWithAClientCertificateWorks() throws Exception {
    tlsPeer(certs.server(), true);
    pool(
        TlsConfig.builder()
            .trustPem(certs.caPem())
            .clientCertificate(certs.client().certPem(), certs.client().keyPem())
            .build(),
        DEADLINE);
    try (PooledConnection c = pool.checkout(endpoint(peer))) {
      assertEquals("+PONG\r\n", ping(c));
    }
    // the server's handshake listener runs on a thread of its own: wait for it, bounded
    TlsPromisesTest.waitUntil(() -> peer.handshakes() == 1);
  }

  @Test
  void aPeerThatNeverAnswersTheClientHelloTimesOutNamingTheStep() throws Exception {
    peer = FakePeer.silent();
    pool =
        SocketPool.create(
            PoolConfig.builder()
                .tls(trustingTheCa())
                .checkoutTimeout(Duration.ofSeconds(8))
                .connectTimeout(Duration.ofMillis(1500))
                .build());
    Endpoint e = endpoint(peer);
    CheckoutTimeoutException t =
        assertThrows(CheckoutTimeoutException.class, () -> pool.checkout(e));
    assertTrue(t.getMessage().contains("TLS handshake did not finish within"), t.getMessage());
    assertTrue(t.getMessage().contains("ms (waiting for ServerHello)"), t.getMessage());
    assertTrue(t.getMessage().contains("waiting for ServerHello"), t.getMessage());
    assertTrue(t.getMessage().contains(e.toString()), t.getMessage());
    CircuitBreaker b = pool.circuitBreakers().circuitBreaker(e.toString());
    assertEquals(1, b.getMetrics().getNumberOfFailedCalls(), "a stalled handshake: the peer's");
    assertTrue(peer.awaitOpenAtMost(0, Duration.ofSeconds(10)), "left open: " + peer);
  }

  @Test
  void aCallersShortDeadlineDuringTheHandshakeIsNotThePeersFault() throws Exception {
    peer = FakePeer.silent();
    pool(trustingTheCa(), Duration.ofSeconds(10));
    Endpoint e = endpoint(peer);
    assertThrows(CheckoutTimeoutException.class, () -> pool.checkout(e, Duration.ofMillis(300)));
    CircuitBreaker b = pool.circuitBreakers().circuitBreaker(e.toString());
    assertEquals(0, b.getMetrics().getNumberOfFailedCalls(), "the caller's deadline, not the peer");
  }
}
