package io.sockpool;

import static io.sockpool.TestSupport.endpoint;
import static io.sockpool.TestSupport.ping;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.sockpool.testkit.FakePeer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class CircuitBreakerTest {

  private static PoolConfig config(Duration openFor) {
    return PoolConfig.builder()
        .circuitBreakerConfig(
            CircuitBreakerConfig.custom()
                .slidingWindowSize(4)
                .minimumNumberOfCalls(2)
                .failureRateThreshold(50)
                .waitDurationInOpenState(openFor)
                .permittedNumberOfCallsInHalfOpenState(1)
                .build())
        .build();
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void checkoutFailsFastOnceTheBreakerOfADeadEndpointIsOpen() throws Exception {
    Endpoint dead = Endpoint.of("127.0.0.1", freePort());
    try (SocketPool pool = SocketPool.create(config(Duration.ofSeconds(30)))) {
      for (int i = 0; i < 2; i++) {
        assertThrows(CheckoutException.class, () -> pool.checkout(dead));
      }
      CircuitBreaker breaker = pool.circuitBreakers().circuitBreaker(dead.toString());
      assertEquals(CircuitBreaker.State.OPEN, breaker.getState());
      long start = System.nanoTime();
      EndpointUnavailableException e =
          assertThrows(
              EndpointUnavailableException.class,
              () -> pool.checkout(dead, Duration.ofSeconds(20)));
      long micros = (System.nanoTime() - start) / 1000;
      // fails at once: no connect, no wait for the 20 s deadline (half of it is room for a busy
      // machine; an open breaker costs microseconds on a quiet one)
      assertTrue(micros < 10_000_000, "open breaker must fail at once, took " + micros + " us");
      assertTrue(
          e.getMessage().contains("endpoint unavailable")
              && e.getMessage().contains(dead.toString()),
          e.getMessage());
      assertTrue(
          e.retryAfter().isAfter(Instant.now().plusSeconds(20)),
          "next probe in ~30 s: " + e.retryAfter());
      assertTrue(
          e.getCause() instanceof java.net.ConnectException,
          "last failure as cause: " + e.getCause());
      assertEquals(1, pool.stats(dead).rejected());
    }
  }

  @Test
  void oneDeadEndpointDoesNotSlowDownAnother() throws Exception {
    Endpoint dead = Endpoint.of("127.0.0.1", freePort());
    try (FakePeer peer = new FakePeer();
        SocketPool pool = SocketPool.create(config(Duration.ofSeconds(30)))) {
      for (int i = 0; i < 3; i++) {
        assertThrows(CheckoutException.class, () -> pool.checkout(dead));
      }
      try (PooledConnection c = pool.checkout(endpoint(peer), Duration.ofMillis(500))) {
        ping(c);
      }
      assertEquals(
          CircuitBreaker.State.CLOSED,
          pool.circuitBreakers().circuitBreaker(endpoint(peer).toString()).getState());
    }
  }

  @Test
  void poolRecoversByItselfWhenThePeerComesBack() throws Exception {
    int port = freePort();
    Endpoint e = Endpoint.of("127.0.0.1", port);
    try (SocketPool pool = SocketPool.create(config(Duration.ofMillis(200)))) {
      for (int i = 0; i < 2; i++) {
        assertThrows(CheckoutException.class, () -> pool.checkout(e));
      }
      assertThrows(EndpointUnavailableException.class, () -> pool.checkout(e));
      try (ServerSocket back = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
        Thread.sleep(250); // the breaker's wait duration
        try (PooledConnection c = pool.checkout(e)) {
          assertTrue(c.channel().isConnected(), "half-open probe connects");
        }
        assertEquals(
            CircuitBreaker.State.CLOSED,
            pool.circuitBreakers().circuitBreaker(e.toString()).getState());
      }
    }
  }

  @Test
  void exhaustionAloneNeverOpensTheBreaker() throws Exception {
    try (FakePeer peer = new FakePeer();
        SocketPool pool =
            SocketPool.create(
                config(Duration.ofSeconds(30)).toBuilder().maxPerEndpoint(1).build())) {
      PooledConnection held = pool.checkout(endpoint(peer));
      for (int i = 0; i < 4; i++) {
        assertThrows(
            CheckoutTimeoutException.class,
            () -> pool.checkout(endpoint(peer), Duration.ofMillis(20)));
      }
      assertEquals(
          CircuitBreaker.State.CLOSED,
          pool.circuitBreakers().circuitBreaker(endpoint(peer).toString()).getState());
      held.close();
    }
  }
}
