package io.sockpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

@Timeout(10)
class EndpointAndConfigTest {

  private static void rejects(String expectedMessagePart, Executable e) {
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
    assertTrue(
        ex.getMessage().contains(expectedMessagePart),
        "message '" + ex.getMessage() + "' should contain '" + expectedMessagePart + "'");
  }

  @Test
  void endpointRejectsBadPortsAndBlankHosts() {
    rejects("port must be in 1..65535, but was 0", () -> Endpoint.of("localhost", 0));
    rejects("port must be in 1..65535, but was 65536", () -> Endpoint.of("localhost", 65536));
    rejects("host must not be blank, but was ' '", () -> Endpoint.of(" ", 80));
    rejects("host must not be blank, but was null", () -> Endpoint.of(null, 80));
    rejects("but was 'localhost' (no port)", () -> Endpoint.parse("localhost"));
    rejects("port must be a number in 1..65535, but was 'x'", () -> Endpoint.parse("h:x"));
  }

  @Test
  void aConnectTimeoutLongerThanTheCheckoutTimeoutIsLoggedOnceAtWarnWithBothValues() {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      PoolConfig slow =
          PoolConfig.builder()
              .poolName("slow-connect")
              .checkoutTimeout(Duration.ofMillis(300))
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      slow.toBuilder().build(); // the same config again: already reported
      PoolConfig.builder()
          .poolName("default-connect")
          .checkoutTimeout(Duration.ofMillis(300))
          .build();
    } finally {
      System.setErr(original);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertEquals(1, log.split("is longer than checkoutTimeout", -1).length - 1, log);
    assertTrue(log.contains("WARN"), log);
    assertTrue(
        log.contains(
            "connectTimeout (PT5S) is longer than checkoutTimeout (PT0.3S) of pool 'slow-connect'"),
        log);
  }

  @Test
  void endpointsCompareByHostIgnoringCaseAndPort() {
    assertEquals(Endpoint.of("LocalHost", 6379), Endpoint.parse("localhost:6379"));
    assertEquals(Endpoint.of("::1", 6379), Endpoint.parse("[::1]:6379"));
    assertEquals("[::1]:6379", Endpoint.of("::1", 6379).toString());
    assertEquals("localhost:6379", Endpoint.of("localhost", 6379).toString());
  }

  @Test
  void endpointsDifferingInHostOrPortAreDifferentKeys() {
    Endpoint a = Endpoint.of("a.example", 6379);
    assertNotEquals(a, Endpoint.of("b.example", 6379));
    assertNotEquals(a, Endpoint.of("a.example", 6380));
    assertNotEquals(a, "a.example:6379");
    assertNotEquals(a, null);
    assertEquals(a, a);
    assertEquals(a.hashCode(), Endpoint.of("A.EXAMPLE", 6379).hashCode());
    java.util.Set<Integer> hashes = new java.util.HashSet<>();
    for (int port = 1; port <= 100; port++) {
      hashes.add(Endpoint.of("a.example", port).hashCode());
      hashes.add(Endpoint.of("host-" + port, 6379).hashCode());
    }
    assertEquals(200, hashes.size(), "hash codes spread over host and port");
    java.util.Map<Endpoint, String> byEndpoint = new java.util.HashMap<>();
    byEndpoint.put(a, "a");
    byEndpoint.put(Endpoint.of("b.example", 6379), "b");
    assertEquals("a", byEndpoint.get(Endpoint.parse("a.example:6379")));
    assertEquals(2, byEndpoint.size());
  }

  @Test
  void backgroundValidationIsOffUnlessTurnedOnAndSurvivesToBuilder() {
    assertFalse(PoolConfig.builder().build().backgroundValidation());
    PoolConfig on = PoolConfig.builder().backgroundValidation(true).build();
    assertTrue(on.backgroundValidation());
    assertTrue(on.toBuilder().build().backgroundValidation());
    assertFalse(on.toBuilder().backgroundValidation(false).build().backgroundValidation());
    assertTrue(on.toString().contains("backgroundValidation=true"), on.toString());
  }

  @Test
  void endpointResolvesOnEveryCall() {
    Endpoint e = Endpoint.of("127.0.0.1", 80);
    assertTrue(e.resolve() != e.resolve(), "a fresh address per connect");
    assertTrue(Endpoint.of("no-such-host.invalid", 80).resolve().isUnresolved());
  }

  @Test
  void configRejectsEachInvalidValueNamingFieldValueAndAllowedRange() {
    rejects("maxTotal must be >= 1, but was 0", () -> PoolConfig.builder().maxTotal(0));
    rejects(
        "maxPerEndpoint must be >= 1, but was -1", () -> PoolConfig.builder().maxPerEndpoint(-1));
    rejects(
        "minIdlePerEndpoint must be >= 0, but was -2",
        () -> PoolConfig.builder().minIdlePerEndpoint(-2));
    rejects(
        "maxWaitersPerEndpoint must be >= 0, but was -1",
        () -> PoolConfig.builder().maxWaitersPerEndpoint(-1));
    rejects(
        "checkoutTimeout must be > 0, but was PT0S",
        () -> PoolConfig.builder().checkoutTimeout(Duration.ZERO));
    rejects(
        "connectTimeout must be > 0, but was PT-1S",
        () -> PoolConfig.builder().connectTimeout(Duration.ofSeconds(-1)));
    rejects(
        "validationTimeout must be > 0",
        () -> PoolConfig.builder().validationTimeout(Duration.ZERO));
    rejects(
        "validationWindow must be >= 0",
        () -> PoolConfig.builder().validationWindow(Duration.ofMillis(-1)));
    rejects("idleTimeout must be > 0", () -> PoolConfig.builder().idleTimeout(Duration.ZERO));
    rejects(
        "evictionInterval must be >= 10 ms, but was PT0.001S",
        () -> PoolConfig.builder().evictionInterval(Duration.ofMillis(1)));
    rejects(
        "maxPerEndpoint must be <= maxTotal (4), but was 8",
        () -> PoolConfig.builder().maxTotal(4).maxPerEndpoint(8).build());
    rejects(
        "minIdlePerEndpoint must be <= maxPerEndpoint (2), but was 3",
        () -> PoolConfig.builder().maxPerEndpoint(2).minIdlePerEndpoint(3).build());
    rejects(
        "maxLifetimeJitter must be < maxLifetime (PT1M), but was PT1M",
        () ->
            PoolConfig.builder()
                .maxLifetime(Duration.ofMinutes(1))
                .maxLifetimeJitter(Duration.ofMinutes(1))
                .build());
    rejects(
        "keepAliveCount must be in 1..127, but was 0",
        () -> SocketOptions.builder().keepAliveCount(0));
    rejects(
        "keepAliveIdle must be whole seconds in 1 s..32767 s, but was PT0.5S",
        () -> SocketOptions.builder().keepAliveIdle(Duration.ofMillis(500)));
    rejects(
        "sendBufferSize must be >= 1 byte, but was 0",
        () -> SocketOptions.builder().sendBufferSize(0));
  }

  @Test
  void idleTimeoutAtOrAboveServerIdleTimeoutIsRejected() {
    rejects(
        "idleTimeout must be < serverIdleTimeout (PT2S), but was PT2S",
        () ->
            PoolConfig.builder()
                .serverIdleTimeout(Duration.ofSeconds(2))
                .idleTimeout(Duration.ofSeconds(2))
                .build());
    PoolConfig ok =
        PoolConfig.builder()
            .serverIdleTimeout(Duration.ofSeconds(2))
            .idleTimeout(Duration.ofMillis(1500))
            .build();
    assertEquals(Duration.ofSeconds(2), ok.serverIdleTimeout().orElseThrow());
  }

  @Test
  void toStringShowsEffectiveConfig() {
    String s =
        PoolConfig.builder()
            .poolName("orders")
            .maxTotal(20)
            .maxPerEndpoint(5)
            .leakDetectionThreshold(Duration.ofSeconds(3))
            .build()
            .toString();
    for (String part :
        new String[] {
          "poolName=orders",
          "maxTotal=20",
          "maxPerEndpoint=5",
          "checkoutTimeout=PT2S",
          "validationWindow=PT0.5S",
          "serverIdleTimeout=unknown",
          "leakDetectionThreshold=PT3S",
          "tcpNoDelay=true",
          "keepAliveIdle=PT1M",
          "failureRateThreshold=50.0"
        }) {
      assertTrue(s.contains(part), s + " should contain " + part);
    }
  }
}
