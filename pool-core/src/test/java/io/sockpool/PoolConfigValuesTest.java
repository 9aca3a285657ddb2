package io.sockpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every {@link PoolConfig} value set on the builder is the value the config reports. */
@Timeout(10)
class PoolConfigValuesTest {
  private static final Validator VALIDATOR = (connection, timeout) -> {};
  private static final ConnectionInitializer INITIALIZER = (connection, timeout) -> {};
  private static final AddressResolver RESOLVER = AddressResolver.system();
  private static final CircuitBreakerConfig BREAKER =
      CircuitBreakerConfig.custom().failureRateThreshold(25).build();
  private static final SocketOptions OPTIONS = SocketOptions.defaults();

  private static PoolConfig everythingSet() {
    return PoolConfig.builder()
        .poolName("values")
        .maxTotal(40)
        .maxPerEndpoint(10)
        .minIdlePerEndpoint(2)
        .maxWaitersPerEndpoint(7)
        .checkoutTimeout(Duration.ofMillis(1_100))
        .connectTimeout(Duration.ofMillis(1_200))
        .validationTimeout(Duration.ofMillis(1_300))
        .validationWindow(Duration.ofMillis(1_400))
        .fairnessWindow(Duration.ofMillis(1_500))
        .backgroundValidation(true)
        .idleTimeout(Duration.ofSeconds(16))
        .serverIdleTimeout(Duration.ofSeconds(17))
        .maxLifetime(Duration.ofSeconds(180))
        .maxLifetimeJitter(Duration.ofSeconds(19))
        .evictionInterval(Duration.ofMillis(2_000))
        .leakDetectionThreshold(Duration.ofMillis(2_100))
        .closeGracePeriod(Duration.ofMillis(2_200))
        .socketOptions(OPTIONS)
        .validator(VALIDATOR)
        .initializer(INITIALIZER)
        .circuitBreakerConfig(BREAKER)
        .jmxEnabled(true)
        .addressResolver(RESOLVER)
        .reresolveInterval(Duration.ofMillis(2_300))
        .build();
  }

  @Test
  void everyValueSetIsTheValueReported() {
    PoolConfig c = everythingSet();
    assertEquals("values", c.poolName());
    assertEquals(40, c.maxTotal());
    assertEquals(10, c.maxPerEndpoint());
    assertEquals(2, c.minIdlePerEndpoint());
    assertEquals(7, c.maxWaitersPerEndpoint());
    assertEquals(Duration.ofMillis(1_100), c.checkoutTimeout());
    assertEquals(Duration.ofMillis(1_200), c.connectTimeout());
    assertEquals(Duration.ofMillis(1_300), c.validationTimeout());
    assertEquals(Duration.ofMillis(1_400), c.validationWindow());
    assertEquals(Duration.ofMillis(1_500), c.fairnessWindow());
    assertTrue(c.backgroundValidation());
    assertEquals(Duration.ofSeconds(16), c.idleTimeout());
    assertEquals(Duration.ofSeconds(17), c.serverIdleTimeout().orElseThrow());
    assertEquals(Duration.ofSeconds(180), c.maxLifetime());
    assertEquals(Duration.ofSeconds(19), c.maxLifetimeJitter());
    assertEquals(Duration.ofMillis(2_000), c.evictionInterval());
    assertEquals(Duration.ofMillis(2_100), c.leakDetectionThreshold().orElseThrow());
    assertEquals(Duration.ofMillis(2_200), c.closeGracePeriod());
    assertSame(OPTIONS, c.socketOptions());
    assertSame(VALIDATOR, c.validator());
    assertSame(INITIALIZER, c.initializer());
    assertSame(BREAKER, c.circuitBreakerConfig());
    assertTrue(c.jmxEnabled());
    assertSame(RESOLVER, c.addressResolver());
    assertEquals(Duration.ofMillis(2_300), c.reresolveInterval());
  }

  @Test
  void toBuilderCarriesEveryValue() {
    PoolConfig c = everythingSet();
    assertEquals(c.toString(), c.toBuilder().build().toString());
    assertTrue(c.toString().contains("reresolveInterval=PT2.3S"), c.toString());
    String never = c.toBuilder().reresolveInterval(Duration.ZERO).build().toString();
    assertTrue(never.contains("reresolveInterval=never"), never);
  }

  @Test
  void theCrossChecksAcceptTheirBoundaryAndRejectOnePast() {
    assertEquals(5, PoolConfig.builder().maxTotal(5).maxPerEndpoint(5).build().maxPerEndpoint());
    rejects(b -> b.maxTotal(5).maxPerEndpoint(6), "maxPerEndpoint must be <= maxTotal (5)");
    assertEquals(
        4,
        PoolConfig.builder().maxPerEndpoint(4).minIdlePerEndpoint(4).build().minIdlePerEndpoint());
    rejects(
        b -> b.maxPerEndpoint(4).minIdlePerEndpoint(5),
        "minIdlePerEndpoint must be <= maxPerEndpoint");
    rejects(
        b -> b.maxLifetime(Duration.ofSeconds(10)).maxLifetimeJitter(Duration.ofSeconds(10)),
        "maxLifetimeJitter must be < maxLifetime");
    assertEquals(
        Duration.ofMillis(9_999),
        PoolConfig.builder()
            .maxLifetime(Duration.ofSeconds(10))
            .maxLifetimeJitter(Duration.ofMillis(9_999))
            .build()
            .maxLifetimeJitter());
  }

  @Test
  void theSmallestAllowedValuesAreAccepted() {
    PoolConfig c =
        PoolConfig.builder()
            .maxTotal(1)
            .maxPerEndpoint(1)
            .minIdlePerEndpoint(0)
            .maxWaitersPerEndpoint(0)
            .evictionInterval(Duration.ofMillis(10))
            .build();
    assertEquals(1, c.maxTotal());
    assertEquals(0, c.maxWaitersPerEndpoint());
    assertEquals(Duration.ofMillis(10), c.evictionInterval());
    rejects(b -> b.evictionInterval(Duration.ofMillis(9)), "evictionInterval must be >= 10 ms");
    rejects(b -> b.maxTotal(0), "maxTotal must be >= 1, but was 0");
  }

  @Test
  void endpointAccessorsAndTheEdgesOfPortAndParse() {
    assertEquals("host.example", Endpoint.of("Host.Example", 1).host());
    assertEquals(1, Endpoint.of("h", 1).port());
    assertEquals(65535, Endpoint.of("h", 65535).port());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("host:"));
    // names the input as given (not a NumberFormatException's "For input string")
    assertTrue(e.getMessage().contains("'host:'"), e.getMessage());
    assertEquals(Endpoint.of("h", 9), Endpoint.parse("h:9"));
  }

  @Test
  void tlsTheAsyncExecutorAndHappyEyeballsAreReportedAndCarriedOver() {
    Executor executor = Runnable::run;
    TlsConfig tls = TlsConfig.builder().build();
    TlsConfig own = TlsConfig.builder().protocols("TLSv1.3").build();
    Endpoint a = Endpoint.of("a.example", 6379);
    Endpoint b = Endpoint.of("b.example", 6379);
    Endpoint c = Endpoint.of("c.example", 6379);
    PoolConfig config =
        PoolConfig.builder()
            .maxConnectingPerEndpoint(3)
            .asyncExecutor(executor)
            .tls(tls)
            .tls(a, own)
            .plaintext(b)
            .happyEyeballsDelay(Duration.ZERO)
            .build();
    assertEquals(3, config.maxConnectingPerEndpoint());
    assertSame(executor, config.asyncExecutor().orElseThrow());
    assertSame(tls, config.tls().orElseThrow());
    assertEquals(Map.of(a, Optional.of(own), b, Optional.empty()), config.tlsOverrides());
    assertSame(own, config.tlsFor(a).orElseThrow());
    assertTrue(config.tlsFor(b).isEmpty(), "plaintext override");
    assertSame(tls, config.tlsFor(c).orElseThrow(), "no override: the pool's TLS");
    assertEquals(config.tlsOverrides(), config.toBuilder().build().tlsOverrides());
    String s = config.toString();
    assertTrue(s.contains("happyEyeballsDelay=off"), s);
    assertTrue(s.contains(", tls=" + tls), s);
    assertTrue(s.contains(", tlsOverrides=["), s);
  }

  @Test
  void byDefaultThereIsNoTlsNoOwnExecutorNoJmxAndHappyEyeballsAfter250Ms() {
    PoolConfig config = PoolConfig.builder().build();
    assertFalse(config.jmxEnabled());
    assertTrue(config.asyncExecutor().isEmpty());
    assertTrue(config.tls().isEmpty());
    assertTrue(config.tlsOverrides().isEmpty());
    assertTrue(config.tlsFor(Endpoint.of("h", 1)).isEmpty());
    String s = config.toString();
    assertTrue(s.contains("happyEyeballsDelay=PT0.25S"), s);
    assertFalse(s.contains("tls="), s);
    assertFalse(s.contains("tlsOverrides="), s);
  }

  @Test
  void onlyAConnectTimeoutLongerThanTheCheckoutTimeoutIsWarnedAbout() {
    try (LogCapture log = LogCapture.start()) {
      PoolConfig.builder()
          .poolName("equal-timeouts")
          .checkoutTimeout(Duration.ofSeconds(2))
          .connectTimeout(Duration.ofSeconds(2))
          .build();
      PoolConfig.builder()
          .poolName("longer-connect")
          .checkoutTimeout(Duration.ofSeconds(2))
          .connectTimeout(Duration.ofMillis(2_001))
          .build();
      assertEquals(List.of(), log.messages(LogCapture.WARN, "'equal-timeouts'"));
      assertEquals(1, log.messages(LogCapture.WARN, "'longer-connect'").size());
    }
  }

  private static void rejects(Consumer<PoolConfig.Builder> settings, String messagePart) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> {
              PoolConfig.Builder b = PoolConfig.builder();
              settings.accept(b);
              b.build();
            });
    assertTrue(e.getMessage().contains(messagePart), e.getMessage());
  }
}
