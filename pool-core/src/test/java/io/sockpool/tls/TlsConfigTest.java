package io.sockpool.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.TlsConfig;
import io.sockpool.TlsVerification;
import io.sockpool.testkit.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Bad TLS settings fail at build, with a message naming the file or value and what is allowed. */
class TlsConfigTest {
  @TempDir static Path dir;
  static TestCertificates certs;

  @BeforeAll
  static void certificates() {
    certs = TestCertificates.generate(dir);
  }

  private static String fails(Executable build) {
    return assertThrows(IllegalArgumentException.class, build).getMessage();
  }

  @Test
  void aMissingTrustFileIsNamed() {
    Path missing = dir.resolve("no-such-ca.pem");
    String m = fails(() -> TlsConfig.builder().trustPem(missing).build());
    assertTrue(m.contains(missing.toString()) && m.contains("does not exist"), m);
  }

  @Test
  void aTrustFileWithoutCertificatesIsNamed() throws Exception {
    Path junk = Files.writeString(dir.resolve("junk.pem"), "hello");
    String m = fails(() -> TlsConfig.builder().trustPem(junk).build());
    assertTrue(m.contains(junk.toString()), m);
  }

  @Test
  void aKeyThatDoesNotMatchItsCertificateNamesBothFiles() {
    String m =
        fails(
            () ->
                TlsConfig.builder()
                    .clientCertificate(certs.client().certPem(), certs.server().keyPem())
                    .build());
    assertTrue(m.contains("does not match"), m);
    assertTrue(m.contains(certs.server().keyPem().toString()), m);
    assertTrue(m.contains(certs.client().certPem().toString()), m);
  }

  @Test
  void anUnknownProtocolListsTheSupportedOnes() {
    String m = fails(() -> TlsConfig.builder().protocols("TLSv9").build());
    assertTrue(m.contains("'TLSv9'") && m.contains("TLSv1.3"), m);
  }

  @Test
  void contradictorySettingsAreRefused() {
    assertTrue(
        fails(
                () ->
                    TlsConfig.builder()
                        .trustPem(certs.caPem())
                        .verification(TlsVerification.INSECURE)
                        .build())
            .contains("CA_ONLY"));
    assertTrue(
        fails(() -> TlsConfig.builder().sniName("not a host!").build()).contains("not a host!"));
  }

  @Test
  void theKeyStorePasswordNeverAppears() throws Exception {
    char[] password = TestCertificates.PASSWORD.toCharArray();
    TlsConfig tls =
        TlsConfig.builder()
            .trustPem(certs.caPem())
            .clientKeyStore(certs.client().keyStore(), password)
            .build();
    assertFalse(tls.toString().contains(TestCertificates.PASSWORD), tls.toString());
    assertTrue(tls.hasClientCertificate());
    PoolConfig config = PoolConfig.builder().tls(tls).build();
    assertFalse(config.toString().contains(TestCertificates.PASSWORD), config.toString());
  }

  @Test
  void perEndpointOverridesWin() {
    TlsConfig all = TlsConfig.builder().trustPem(certs.caPem()).build();
    TlsConfig other = TlsConfig.builder().verification(TlsVerification.INSECURE).build();
    Endpoint a = Endpoint.of("a.internal", 6380);
    Endpoint b = Endpoint.of("b.internal", 6380);
    Endpoint c = Endpoint.of("c.internal", 6379);
    PoolConfig config = PoolConfig.builder().tls(all).tls(b, other).plaintext(c).build();
    assertEquals(Optional.of(all), config.tlsFor(a));
    assertEquals(Optional.of(other), config.tlsFor(b));
    assertEquals(Optional.empty(), config.tlsFor(c));
    assertEquals(Optional.of(other), config.toBuilder().build().tlsFor(b));
  }
}
