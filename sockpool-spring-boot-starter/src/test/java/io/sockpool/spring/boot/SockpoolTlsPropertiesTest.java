package io.sockpool.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.TlsConfig;
import io.sockpool.TlsVerification;
import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.ProcessResources;
import io.sockpool.testkit.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The {@code sockpool.tls.*}, connect-limit and happy-eyeballs properties, bound and rejected. */
@Timeout(60)
class SockpoolTlsPropertiesTest {
  @TempDir static Path dir;
  private static TestCertificates certs;
  private static FakePeer mutualTlsPeer;

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(SockpoolAutoConfiguration.class));

  @BeforeAll
  static void generateCertificatesAndStartPeer() throws Exception {
    certs = TestCertificates.generate(dir);
    mutualTlsPeer = FakePeer.tls(certs.serverContext(certs.server(), true), true);
  }

  @AfterAll
  static void stopPeer() {
    mutualTlsPeer.close();
  }

  @Test
  void everyTlsPropertyBindsIntoThePoolsConfig() {
    runner
        .withPropertyValues(
            "sockpool.tls.trust-pem=" + certs.caPem(),
            "sockpool.tls.client-certificate=" + certs.client().certPem(),
            "sockpool.tls.client-key=" + certs.client().keyPem(),
            "sockpool.tls.sni-name=db.internal",
            "sockpool.tls.verification=ca-only",
            "sockpool.tls.protocols=TLSv1.3,TLSv1.2",
            "sockpool.tls.cipher-suites=TLS_AES_128_GCM_SHA256",
            "sockpool.max-connecting-per-endpoint=2",
            "sockpool.happy-eyeballs-delay=100ms")
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              PoolConfig c = ctx.getBean(SocketPool.class).config();
              assertThat(c.maxConnectingPerEndpoint()).isEqualTo(2);
              assertThat(c.happyEyeballsDelay()).isEqualTo(Duration.ofMillis(100));
              assertThat(c.tls()).isPresent();
              TlsConfig tls = c.tls().orElseThrow();
              assertThat(tls.verification()).isEqualTo(TlsVerification.CA_ONLY);
              assertThat(tls.sniName()).contains("db.internal");
              assertThat(tls.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
              assertThat(tls.cipherSuites()).containsExactly("TLS_AES_128_GCM_SHA256");
              assertThat(tls.hasClientCertificate()).isTrue();
              assertThat(tls.toString()).contains(certs.caPem().toString());
            });
  }

  @Test
  void aPoolConfiguredByPropertiesHandshakesMutualTlsWithTheGivenCa() {
    String endpoint = "localhost:" + mutualTlsPeer.port();
    runner
        .withPropertyValues(
            "sockpool.pools.secure.endpoints=" + endpoint,
            // the first TLS handshake in a JVM loads and compiles JSSE: 0.4-0.5 s on a quiet
            // machine, 0.85 s was not enough at load average 24 (the default 2 s checkout gave
            // the connect 853 ms); this test is about the properties, not the handshake's speed
            "sockpool.pools.secure.checkout-timeout=30s",
            "sockpool.pools.secure.connect-timeout=30s",
            "sockpool.pools.secure.tls.trust-pem=" + certs.caPem(),
            "sockpool.pools.secure.tls.client-certificate=" + certs.client().certPem(),
            "sockpool.pools.secure.tls.client-key=" + certs.client().keyPem())
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              SocketPool pool = ctx.getBean(SocketPools.class).pool("secure");
              assertThat(pool.config().tls().orElseThrow().verification())
                  .isEqualTo(TlsVerification.FULL);
              int before = mutualTlsPeer.handshakes();
              try (PooledConnection c = pool.checkout(Endpoint.parse(endpoint))) {
                assertThat(c).isNotNull();
              }
              // the peer counts a handshake from its listener thread, a moment after the client
              assertThat(
                      ProcessResources.awaitTrue(
                          () -> mutualTlsPeer.handshakes() > before, Duration.ofSeconds(20)))
                  .as("the peer saw a completed mutual TLS handshake")
                  .isTrue();
            });
  }

  @Test
  void plaintextEndpointsAreSpokenToWithoutTlsWhileTheOthersUseIt() throws Exception {
    try (FakePeer plain = new FakePeer()) {
      Endpoint sidecar = Endpoint.parse(plain.hostAndPort());
      runner
          .withPropertyValues(
              "sockpool.tls.trust-pem=" + certs.caPem(),
              "sockpool.tls.plaintext-endpoints=" + plain.hostAndPort())
          .run(
              ctx -> {
                SocketPool pool = ctx.getBean(SocketPool.class);
                assertThat(pool.config().tlsFor(sidecar)).isEmpty();
                assertThat(pool.config().tlsFor(Endpoint.parse("db:6379"))).isPresent();
                // a TLS handshake against this plaintext peer would fail the checkout
                try (PooledConnection c = pool.checkout(sidecar)) {
                  assertThat(c).isNotNull();
                }
              });
    }
    runner
        .withPropertyValues("sockpool.tls.plaintext-endpoints=db:6379")
        .run(ctx -> assertThat(ctx.getBean(SocketPool.class).config().tls()).isEmpty());
    runner
        .withPropertyValues(
            "sockpool.tls.enabled=true", "sockpool.tls.plaintext-endpoints=no-port-here")
        .run(
            ctx ->
                assertThat(analysis(ctx.getStartupFailure()).getDescription())
                    .contains("sockpool.tls.plaintext-endpoints")
                    .contains("host:port"));
  }

  @Test
  void tlsIsOnWhenEnabledAloneAndOffWhenDisabledOrUnset() {
    runner.run(ctx -> assertThat(ctx.getBean(SocketPool.class).config().tls()).isEmpty());
    runner
        .withPropertyValues("sockpool.tls.enabled=true")
        .run(
            ctx ->
                assertThat(ctx.getBean(SocketPool.class).config().tls().orElseThrow().toString())
                    .contains("verification=FULL"));
    runner
        .withPropertyValues("sockpool.tls.enabled=false", "sockpool.tls.trust-pem=/nowhere.pem")
        .run(ctx -> assertThat(ctx.getBean(SocketPool.class).config().tls()).isEmpty());
  }

  @Test
  void aMissingPemFileFailsStartupNamingThePropertyAsWritten() {
    Path missing = dir.resolve("no-such-ca.pem");
    runner
        .withPropertyValues("sockpool.tls.trust-pem=" + missing)
        .run(
            ctx -> {
              FailureAnalysis a = analysis(ctx.getStartupFailure());
              assertThat(a.getDescription())
                  .contains("sockpool.tls.trust-pem")
                  .contains(missing.toString())
                  .contains("readable PEM file");
              assertThat(a.getAction()).contains("sockpool.tls.trust-pem");
            });
    runner
        .withPropertyValues(
            "sockpool.pools.rpc.tls.client-certificate=" + certs.client().certPem(),
            "sockpool.pools.rpc.tls.client-key=" + missing)
        .run(
            ctx ->
                assertThat(analysis(ctx.getStartupFailure()).getAction())
                    .contains("sockpool.pools.rpc.tls.client-key"));
  }

  @Test
  void badTlsValuesFailStartupNamingThePropertyAndWhatIsAllowed() {
    runner
        .withPropertyValues("sockpool.tls.verification=sometimes")
        .run(
            ctx ->
                assertThat(analysis(ctx.getStartupFailure()).getDescription())
                    .contains("sockpool.tls.verification must be one of [FULL, CA_ONLY, INSECURE]")
                    .contains("'sometimes'"));
    runner
        .withPropertyValues("sockpool.tls.client-certificate=" + certs.client().certPem())
        .run(
            ctx ->
                assertThat(analysis(ctx.getStartupFailure()).getDescription())
                    .contains("sockpool.tls.client-certificate and sockpool.tls.client-key"));
    runner
        .withPropertyValues("sockpool.tls.protocols=TLSv9")
        .run(
            ctx -> {
              FailureAnalysis a = analysis(ctx.getStartupFailure());
              assertThat(a.getDescription())
                  .contains("sockpool.tls.protocols: protocol 'TLSv9' is not supported");
              assertThat(a.getAction()).contains("sockpool.tls.protocols");
            });
    runner
        .withPropertyValues(
            "sockpool.tls.verification=INSECURE", "sockpool.tls.trust-pem=" + certs.caPem())
        .run(
            ctx ->
                assertThat(analysis(ctx.getStartupFailure()).getDescription())
                    .contains("sockpool.tls.verification=INSECURE trusts any certificate"));
    runner
        .withPropertyValues("sockpool.tls.sni-name=not a host")
        .run(
            ctx ->
                assertThat(analysis(ctx.getStartupFailure()).getAction())
                    .contains("sockpool.tls.sni-name"));
  }

  @Test
  void badConnectLimitOrHappyEyeballsDelayFailsStartupNamingTheProperty() {
    runner
        .withPropertyValues("sockpool.max-connecting-per-endpoint=0")
        .run(
            ctx ->
                assertThat(analysis(ctx.getStartupFailure()).getDescription())
                    .contains("sockpool.max-connecting-per-endpoint")
                    .doesNotContain("maxConnectingPerEndpoint"));
    runner
        .withPropertyValues("sockpool.pools.cache.happy-eyeballs-delay=-1s")
        .run(
            ctx ->
                assertThat(analysis(ctx.getStartupFailure()).getDescription())
                    .contains("sockpool.pools.cache.happy-eyeballs-delay")
                    .doesNotContain("happyEyeballsDelay"));
  }

  private static FailureAnalysis analysis(Throwable startupFailure) {
    assertThat(startupFailure).as("startup should have failed").isNotNull();
    FailureAnalysis a = new SockpoolFailureAnalyzer().analyze(startupFailure);
    assertThat(a).as("analysis of %s", startupFailure).isNotNull();
    return a;
  }
}
