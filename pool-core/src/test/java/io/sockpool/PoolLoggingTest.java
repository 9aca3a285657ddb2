package io.sockpool;

import static io.sockpool.TestSupport.ascii;
import static io.sockpool.TestSupport.endpoint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.sockpool.testkit.FakePeer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a user must hear of reaches the log once, at WARN or INFO, with the endpoint and the cause:
 * connections destroyed because the holder left the exchange undeclared or bytes unread (counted
 * every time, logged once a minute per endpoint), breaker transitions, and warm-ups that fell
 * short.
 */
@Timeout(30)
class PoolLoggingTest {
  private static final Duration IO = Duration.ofSeconds(2);

  private LogCapture log;

  @BeforeEach
  void capture() {
    log = LogCapture.start();
  }

  @AfterEach
  void release() {
    log.close();
  }

  @Test
  void aForgottenExchangeCompleteIsWarnedOnceAndCountedEveryTime() throws Exception {
    try (FakePeer peer = new FakePeer();
        SocketPool pool = SocketPool.create(PoolConfig.builder().maxPerEndpoint(1).build())) {
      for (int i = 0; i < 4; i++) {
        try (PooledConnection c = pool.checkout(endpoint(peer))) {
          c.write(ByteBuffer.wrap(ascii("PING\r\n")), IO);
          c.readFully(ByteBuffer.allocate(7), IO); // read, but never declared complete
        }
      }
      assertEquals(4, pool.stats(endpoint(peer)).destroyed(DestroyReason.INCOMPLETE_EXCHANGE));
      List<String> warned = log.messages(LogCapture.WARN, endpoint(peer).toString());
      assertEquals(1, warned.size(), warned.toString());
      String w = warned.get(0);
      assertTrue(
          w.contains("INCOMPLETE_EXCHANGE")
              && w.contains("exchangeComplete()")
              && w.contains("execute")
              && w.contains("destroyed(INCOMPLETE_EXCHANGE)"),
          w);
    }
  }

  @Test
  void aReplyLeftUnreadIsWarnedOnceAndCountedEveryTime() throws Exception {
    try (FakePeer peer = new FakePeer();
        SocketPool pool = SocketPool.create(PoolConfig.builder().maxPerEndpoint(1).build())) {
      for (int i = 0; i < 3; i++) {
        try (PooledConnection c = pool.checkout(endpoint(peer))) {
          c.write(ByteBuffer.wrap(ascii("PING\r\n")), IO);
          c.readFully(ByteBuffer.allocate(3), IO); // "+PO": "NG\r\n" stays unread
          c.exchangeComplete();
        }
      }
      assertEquals(3, pool.stats(endpoint(peer)).destroyed(DestroyReason.DIRTY));
      List<String> warned = log.messages(LogCapture.WARN, endpoint(peer).toString());
      assertEquals(1, warned.size(), warned.toString());
      assertTrue(warned.get(0).contains("DIRTY"), warned.get(0));
    }
  }

  @Test
  void theBreakerOpeningIsWarnedWithItsCauseAndItsRecoveryIsLoggedAtInfo() throws Exception {
    int port = FakePeer.closedPort();
    Endpoint e = Endpoint.of("127.0.0.1", port);
    PoolConfig config =
        PoolConfig.builder()
            .circuitBreakerConfig(
                CircuitBreakerConfig.custom()
                    .slidingWindowSize(4)
                    .minimumNumberOfCalls(2)
                    .waitDurationInOpenState(Duration.ofMillis(100))
                    .permittedNumberOfCallsInHalfOpenState(1)
                    .build())
            .build();
    try (SocketPool pool = SocketPool.create(config)) {
      for (int i = 0; i < 2; i++) {
        try {
          pool.checkout(e).close();
        } catch (CheckoutException refused) {
          // counted on the breaker
        }
      }
      List<String> opened = log.messages(LogCapture.WARN, e.toString());
      assertEquals(1, opened.size(), opened.toString());
      assertTrue(
          opened.get(0).contains("OPEN") && opened.get(0).contains("ConnectException"),
          opened.get(0));
      try (ServerSocket back = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
        long end = System.nanoTime() + 5_000_000_000L;
        while (true) { // the breaker lets a probe through once its wait is over
          try (PooledConnection c = pool.checkout(e)) {
            break;
          } catch (EndpointUnavailableException stillOpen) {
            assertTrue(System.nanoTime() < end, "no probe let through in 5 s");
            Thread.sleep(10);
          }
        }
      }
      List<String> info = log.messages(LogCapture.INFO, e.toString());
      assertTrue(
          info.size() == 2 && info.get(0).contains("HALF_OPEN") && info.get(1).contains("CLOSED"),
          info.toString());
    }
  }

  @Test
  void aWarmUpThatOpensNothingIsWarnedWithTheCause() throws Exception {
    Endpoint e = Endpoint.of("127.0.0.1", FakePeer.closedPort());
    try (SocketPool pool = SocketPool.create(PoolConfig.builder().build())) {
      assertEquals(0, pool.warmUp(e, 2));
      List<String> warned = log.messages(LogCapture.WARN, e.toString());
      assertTrue(
          warned.stream().anyMatch(w -> w.contains("warm-up") && w.contains("0 of 2")),
          warned.toString());
      assertTrue(
          warned.stream().anyMatch(w -> w.contains("Connection refused")), warned.toString());
    }
  }
}
