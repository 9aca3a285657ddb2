package io.sockpool;

import static io.sockpool.TestSupport.PING;
import static io.sockpool.TestSupport.ascii;
import static io.sockpool.TestSupport.endpoint;
import static io.sockpool.TestSupport.ping;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.FakePeerExtension;
import io.sockpool.testkit.ProcessResources;
import io.sockpool.testkit.Responder;
import io.sockpool.testkit.Slack;
import java.io.IOException;
import java.net.ProtocolException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(20)
@ExtendWith(FakePeerExtension.class)
class ValidationTest {
  private FakePeer peer;

  @Test
  void connectionsThePeerClosedWhileIdleAreNeverHandedOut() throws Exception {
    // warm-up connections nobody has used yet are always probed on borrow (as are connections
    // idle past the validation window; within it, see idleWithinTheWindowIsNotProbed...)
    PoolConfig config = PoolConfig.builder().maxPerEndpoint(4).validator(Validator.NONE).build();
    try (SocketPool pool = SocketPool.create(config)) {
      assertEquals(4, pool.warmUp(endpoint(peer), 4));
      waitUntil(() -> peer.open() == 4);
      peer.closeAll();
      waitUntil(() -> peer.open() == 0);
      Thread.sleep(20); // let the FINs reach our sockets
      for (int i = 0; i < 4; i++) {
        try (PooledConnection c = pool.checkout(endpoint(peer))) {
          ping(c); // a dead connection would fail here
        }
      }
      EndpointStats s = pool.stats(endpoint(peer));
      assertEquals(4, s.destroyed(DestroyReason.VALIDATION), s.toString());
      assertEquals(0, s.timeouts());
    }
  }

  @Test
  void aUsedConnectionIdlePastTheWindowIsProbedAndNeverHandedOutClosed() throws Exception {
    try (SocketPool pool = oneConnection(Duration.ofMillis(50))) {
      usedOnceThenClosedByThePeer(pool);
      Thread.sleep(50); // and the window has passed
      try (PooledConnection c = pool.checkout(endpoint(peer))) {
        ping(c); // a new connection: the closed one was probed and destroyed
      }
      EndpointStats s = pool.stats(endpoint(peer));
      assertEquals(1, s.destroyed(DestroyReason.VALIDATION), s.toString());
      assertEquals(2, s.created(), s.toString());
    }
  }

  @Test
  void idleWithinTheWindowIsNotProbedAndACloseFailsTheExchangeRetryably() throws Exception {
    try (SocketPool pool = oneConnection(Duration.ofSeconds(30))) {
      usedOnceThenClosedByThePeer(pool);
      try (PooledConnection c = pool.checkout(endpoint(peer))) {
        assertThrows(java.io.IOException.class, () -> ping(c)); // handed out: no probe
        assertTrue(io.sockpool.internal.KeyedChannelPool.diedBeforeReply(c), "retryable");
      }
      assertEquals(
          "pong",
          pool.executeIdempotent(
              endpoint(peer),
              c -> {
                ping(c);
                return "pong";
              }));
      EndpointStats s = pool.stats(endpoint(peer));
      assertEquals(1, s.destroyed(DestroyReason.BROKEN), s.toString());
      assertEquals(0, s.destroyed(DestroyReason.VALIDATION), s.toString());
    }
  }

  private static SocketPool oneConnection(Duration validationWindow) {
    return SocketPool.create(
        PoolConfig.builder()
            .maxPerEndpoint(1)
            .validator(Validator.NONE)
            .validationWindow(validationWindow)
            .build());
  }

  /** One exchange, the connection back in the pool, then the peer closes it; the FIN is here. */
  private void usedOnceThenClosedByThePeer(SocketPool pool) throws Exception {
    try (PooledConnection c = pool.checkout(endpoint(peer))) {
      ping(c);
    }
    peer.closeAll();
    waitUntil(() -> peer.open() == 0);
    Thread.sleep(20); // the FIN is in our socket now
  }

  @Test
  void roundTripRunsOnlyAfterTheIdleWindow() throws Exception {
    PoolConfig lazy =
        PoolConfig.builder().validator(PING).validationWindow(Duration.ofSeconds(30)).build();
    try (SocketPool pool = SocketPool.create(lazy)) {
      for (int i = 0; i < 3; i++) {
        pool.checkout(endpoint(peer)).close();
      }
      assertEquals(0, peer.requests(), "used a moment ago: no round trip");
    }
    PoolConfig eager = PoolConfig.builder().validator(PING).validationWindow(Duration.ZERO).build();
    try (SocketPool pool = SocketPool.create(eager)) {
      // window ZERO: any time since the last use (nanoTime always moves on) calls for a PING
      pool.checkout(endpoint(peer)).close(); // new connection: no validation needed
      pool.checkout(endpoint(peer)).close();
      pool.checkout(endpoint(peer)).close();
      assertEquals(2, peer.requests(), "validated on each reuse");
    }
  }

  @Test
  void stalledPeerFailsValidationAndTheCheckoutKeepsItsDeadline() throws Exception {
    PoolConfig config =
        PoolConfig.builder()
            .validator(PING)
            .validationWindow(Duration.ZERO)
            .validationTimeout(Duration.ofMillis(200))
            .maxPerEndpoint(1)
            .build();
    try (SocketPool pool = SocketPool.create(config)) {
      pool.checkout(endpoint(peer)).close();
      peer.stall(true);
      long start = System.nanoTime();
      // room for both 200 ms validations even when a busy machine runs this thread late
      Duration deadline = Duration.ofMillis(400).plus(Slack.SCHEDULING);
      CheckoutException e =
          assertThrows(CheckoutException.class, () -> pool.checkout(endpoint(peer), deadline));
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertTrue(tookMs < Slack.upToMillis(deadline), "took " + tookMs + " ms");
      assertTrue(String.valueOf(e.getCause()).contains("timed out"), String.valueOf(e.getCause()));
      // the idle connection failed, then a new one failed too: no more connects in this checkout
      assertEquals(2, pool.stats(endpoint(peer)).destroyed(DestroyReason.VALIDATION));
      assertEquals(2, peer.accepted());
    }
  }

  @Test
  void expectBytesValidatorAcceptsAReplyInPieces() throws Exception {
    try (FakePeer p = piecewisePeer("+PONG\r\n");
        SocketPool pool = SocketPool.create(PoolConfig.builder().build())) {
      Endpoint e = Endpoint.of(p.host(), p.port());
      try (PooledConnection c = pool.checkout(e)) {
        assertDoesNotThrow(() -> PING.validate(c, Duration.ofSeconds(2)));
      }
      EndpointStats s = pool.stats(e);
      assertEquals(1, s.idle(), "the whole reply was read: the connection is reusable, " + s);
      assertEquals(0, s.destroyed(DestroyReason.DIRTY), s.toString());
      assertEquals(1, p.requests(), "one PING");
    }
  }

  @Test
  void expectBytesValidatorRejectsAWrongReplyShowingTheBytes() throws Exception {
    try (FakePeer p = new FakePeer(() -> Responder.always("-NOAUTH Authentication required.\r\n"));
        SocketPool pool = SocketPool.create(PoolConfig.builder().build())) {
      try (PooledConnection c = pool.checkout(Endpoint.of(p.host(), p.port()))) {
        ProtocolException e =
            assertThrows(ProtocolException.class, () -> PING.validate(c, Duration.ofSeconds(2)));
        assertEquals("validation expected '+PONG\\r\\n' but got '-NOAUTH'", e.getMessage());
        c.invalidate();
      }
    }
    assertThrows(IllegalArgumentException.class, () -> Validator.expect(new byte[0], ascii("x")));
  }

  static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
    assertTrue(
        ProcessResources.awaitTrue(condition, Duration.ofSeconds(5)), "condition not met in 5 s");
  }

  /** A peer that answers each request with the reply in pieces of up to 2 bytes, 20 ms apart. */
  static FakePeer piecewisePeer(String reply) throws IOException {
    FakePeer p = new FakePeer(() -> Responder.always(reply));
    p.answerInPieces(2, Duration.ofMillis(20));
    return p;
  }
}
