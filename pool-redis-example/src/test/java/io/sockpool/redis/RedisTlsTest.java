package io.sockpool.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.Endpoint;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TLS to a real redis-server ({@code --tls-port}, certificates generated here): what works, and
 * each failure worded as users search for it, within the timeout.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisTlsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static ThrowawayCertificates certs;
  private static ThrowawayCertificates otherCa;
  private static EmbeddedRedis tls;
  private static EmbeddedRedis mutual;
  private static EmbeddedRedis plain;

  @BeforeAll
  static void start() throws IOException {
    certs = ThrowawayCertificates.create(List.of("localhost", "127.0.0.1"));
    otherCa = ThrowawayCertificates.create(List.of("localhost", "127.0.0.1"));
    tls = EmbeddedRedis.startTls(certs, false, List.of());
    mutual = EmbeddedRedis.startTls(certs, true, List.of());
    plain = EmbeddedRedis.start(List.of());
  }

  @AfterAll
  static void stop() throws IOException {
    for (EmbeddedRedis r : new EmbeddedRedis[] {tls, mutual, plain}) {
      if (r != null) {
        r.close();
      }
    }
    certs.close();
    otherCa.close();
  }

  private static RedisTls trusting(ThrowawayCertificates ca) {
    return RedisTls.fromPem(
        Optional.of(ca.caCert()), Optional.empty(), Optional.empty(), Optional.empty(), false);
  }

  private static RespValue ping(Endpoint endpoint, RedisTls settings) throws IOException {
    try (DirectRedisConnection c = DirectRedisConnection.open(endpoint, TIMEOUT, settings)) {
      return c.call("PING");
    }
  }

  @Test
  void pingOverTlsWithTheServersCaAnswersPong() throws IOException {
    assertEquals(new RespValue.SimpleString("PONG"), ping(tls.endpoint(), trusting(certs)));
    Endpoint byName = Endpoint.of("localhost", tls.endpoint().port());
    assertEquals(new RespValue.SimpleString("PONG"), ping(byName, trusting(certs)));
  }

  @Test
  void certificateSignedByAnotherCaIsNotTrustedPkixPath() {
    IOException e = assertThrows(IOException.class, () -> ping(tls.endpoint(), trusting(otherCa)));
    assertTrue(
        e.getMessage()
            .startsWith(
                "TLS handshake with "
                    + tls.endpoint()
                    + " failed: the certificate of "
                    + tls.endpoint()
                    + " is not trusted (PKIX path building failed"),
        e.getMessage());
    assertTrue(e.getMessage().contains("--cacert FILE"), e.getMessage());
  }

  @Test
  void insecureAcceptsACertificateFromAnUnknownCa() throws IOException {
    RedisTls insecure =
        RedisTls.fromPem(
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), true);
    assertEquals(new RespValue.SimpleString("PONG"), ping(tls.endpoint(), insecure));
  }

  @Test
  void hostNameThatTheCertificateDoesNotListIsAMismatch() throws IOException {
    try (ThrowawayCertificates onlyName = ThrowawayCertificates.create(List.of("redis.internal"));
        EmbeddedRedis server = EmbeddedRedis.startTls(onlyName, false, List.of())) {
      IOException e =
          assertThrows(IOException.class, () -> ping(server.endpoint(), trusting(onlyName)));
      assertTrue(
          e.getMessage()
              .contains(
                  "the host name of "
                      + server.endpoint()
                      + " does not match the certificate's subject alternative names"),
          e.getMessage());
      // --sni names the host the certificate lists: verified against it, and it works
      RedisTls sni =
          RedisTls.fromPem(
              Optional.of(onlyName.caCert()),
              Optional.empty(),
              Optional.empty(),
              Optional.of("redis.internal"),
              false);
      assertEquals(new RespValue.SimpleString("PONG"), ping(server.endpoint(), sni));
    }
  }

  @Test
  void expiredServerCertificateSaysSo() throws IOException {
    Instant now = Instant.now();
    try (ThrowawayCertificates old =
            ThrowawayCertificates.create(
                List.of("127.0.0.1"),
                now.minus(Duration.ofDays(3)),
                now.minus(Duration.ofDays(2)));
        EmbeddedRedis server = EmbeddedRedis.startTls(old, false, List.of())) {
      IOException e = assertThrows(IOException.class, () -> ping(server.endpoint(), trusting(old)));
      assertTrue(
          e.getMessage().contains("the certificate of " + server.endpoint() + " has expired"),
          e.getMessage());
    }
  }

  @Test
  void tlsToAPlaintextPortSaysItMayBeAPlaintextPort() {
    // redis-server reads the ClientHello as an inline command: it answers an error if the
    // random bytes hold a newline, else it waits silently for the rest
    IOException e = assertThrows(IOException.class, () -> ping(plain.endpoint(), trusting(certs)));
    assertTrue(e.getMessage().contains(plain.endpoint() + " "), e.getMessage());
    assertTrue(e.getMessage().contains("(a plaintext port?"), e.getMessage());
  }

  @Test
  void plaintextToATlsPortHintsAtTls() {
    IOException e = assertThrows(IOException.class, () -> ping(tls.endpoint(), null));
    assertTrue(
        e.getMessage().contains("(a TLS port? then use rediss://host:port or --tls)"),
        e.getMessage());
  }

  @Test
  void mutualTlsServerWithoutAClientCertificateSaysOneIsRequired() {
    IOException e = assertThrows(IOException.class, () -> ping(mutual.endpoint(), trusting(certs)));
    assertTrue(
        e.getMessage()
            .contains(
                mutual.endpoint()
                    + " requires a client certificate (mutual TLS, tls-auth-clients yes): pass"
                    + " --cert FILE --key FILE"),
        e.getMessage());
  }

  @Test
  void mutualTlsWithTheClientCertificateAnswersPong() throws IOException {
    RedisTls withCert =
        RedisTls.fromPem(
            Optional.of(certs.caCert()),
            Optional.of(certs.clientCert()),
            Optional.of(certs.clientKey()),
            Optional.empty(),
            false);
    assertEquals(new RespValue.SimpleString("PONG"), ping(mutual.endpoint(), withCert));
  }

  @Test
  void keyThatDoesNotMatchItsCertificateIsRefusedNamingBothFiles() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                RedisTls.fromPem(
                    Optional.of(certs.caCert()),
                    Optional.of(certs.clientCert()),
                    Optional.of(otherCa.clientKey()),
                    Optional.empty(),
                    false));
    assertEquals(
        "the private key in "
            + otherCa.clientKey()
            + " does not match the client certificate in "
            + certs.clientCert(),
        e.getMessage());
  }

  @Test
  void fileThatIsNotPemIsRefusedWithoutShowingItsContent() {
    IllegalArgumentException cert =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                RedisTls.fromPem(
                    Optional.of(certs.clientKey()),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    false));
    assertTrue(
        cert.getMessage().startsWith("CA certificate " + certs.clientKey() + " holds no"),
        cert.getMessage());
    IllegalArgumentException key =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                RedisTls.fromPem(
                    Optional.of(certs.caCert()),
                    Optional.of(certs.clientCert()),
                    Optional.of(certs.clientCert()),
                    Optional.empty(),
                    false));
    assertEquals(
        "client key "
            + certs.clientCert()
            + " holds no PEM private key; allowed: unencrypted PKCS#8 (BEGIN PRIVATE KEY), PKCS#1"
            + " RSA (BEGIN RSA PRIVATE KEY) or SEC1 EC (BEGIN EC PRIVATE KEY)",
        key.getMessage());
  }
}
