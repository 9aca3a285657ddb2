package io.sockpool;

import static io.sockpool.TestSupport.ascii;
import static io.sockpool.TestSupport.endpoint;
import static io.sockpool.TestSupport.ping;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.testkit.FakePeer;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class ReturnPathTest {
  private FakePeer peer;
  private SocketPool pool;

  @BeforeEach
  void start() throws Exception {
    peer = new FakePeer();
    pool = SocketPool.create(PoolConfig.builder().maxPerEndpoint(2).build());
  }

  @AfterEach
  void stop() throws Exception {
    pool.close();
    peer.close();
  }

  @Test
  void connectionReturnedWithAnUnreadReplyIsDestroyed() throws Exception {
    PooledConnection c = pool.checkout(endpoint(peer));
    c.write(ByteBuffer.wrap(ascii("PING\r\n")), Duration.ofSeconds(1));
    ValidationTest.waitUntil(() -> peer.requests() == 1);
    Thread.sleep(20); // the +PONG is in our receive buffer now
    c.close();
    EndpointStats s = pool.stats(endpoint(peer));
    assertEquals(1, s.destroyed(DestroyReason.INCOMPLETE_EXCHANGE));
    assertEquals(0, s.idle());
    try (PooledConnection next = pool.checkout(endpoint(peer))) {
      ping(next); // would read the stale +PONG first, then fail on the next exchange
      ping(next);
    }
    assertEquals(2, peer.accepted());
  }

  @Test
  void connectionWhoseHolderTimedOutMidExchangeIsDestroyedAndTheLateReplyReachesNobody()
      throws Exception {
    peer.stall(true);
    PooledConnection c = pool.checkout(endpoint(peer));
    c.write(ByteBuffer.wrap(ascii("PING\r\n")), Duration.ofSeconds(1));
    assertThrows(
        SocketTimeoutException.class,
        () -> c.readFully(ByteBuffer.allocate(7), Duration.ofMillis(100)));
    c.close();
    assertEquals(1, pool.stats(endpoint(peer)).destroyed(DestroyReason.BROKEN));
    peer.stall(false);
    try (PooledConnection next = pool.checkout(endpoint(peer))) {
      ping(next);
    }
    assertEquals(2, peer.accepted());
  }

  @Test
  void closingTwiceIsHarmlessAndUseAfterReturnFailsLoudly() throws Exception {
    PooledConnection c = pool.checkout(endpoint(peer));
    c.close();
    c.close();
    c.invalidate();
    EndpointStats s = pool.stats(endpoint(peer));
    assertEquals(1, s.idle());
    assertEquals(0, s.active());
    assertEquals(0, s.destroyedTotal());
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> c.write(ByteBuffer.wrap(ascii("PING\r\n")), Duration.ofSeconds(1)));
    assertTrue(e.getMessage().contains("already returned to pool"), e.getMessage());
    assertThrows(IllegalStateException.class, c::channel);
    try (PooledConnection again = pool.checkout(endpoint(peer))) {
      ping(again);
    }
  }

  @Test
  void releasingIntoAnotherPoolFailsAndLeavesBothPoolsConsistent() throws Exception {
    try (SocketPool other = SocketPool.create(PoolConfig.builder().poolName("other").build())) {
      PooledConnection c = pool.checkout(endpoint(peer));
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> other.release(c));
      assertTrue(e.getMessage().contains("does not belong to pool 'other'"), e.getMessage());
      assertEquals(1, pool.stats(endpoint(peer)).active());
      assertEquals(0, other.stats().total().active() + other.stats().total().idle());
      ping(c);
      pool.release(c);
      assertEquals(1, pool.stats(endpoint(peer)).idle());
    }
  }

  @Test
  void executeReturnsOnSuccessAndDestroysOnFailure() throws Exception {
    assertEquals(
        "ok",
        pool.execute(
            endpoint(peer),
            c -> {
              ping(c);
              return "ok";
            }));
    assertEquals(1, pool.stats(endpoint(peer)).idle());
    assertThrows(
        java.io.IOException.class,
        () ->
            pool.execute(
                endpoint(peer),
                c -> {
                  throw new java.io.IOException("boom");
                }));
    assertEquals(1, pool.stats(endpoint(peer)).destroyed(DestroyReason.BROKEN));
  }

  @Test
  void idempotentOperationIsRetriedOnceWhenTheConnectionWasKilledWhileIdle() throws Exception {
    pool.warmUp(endpoint(peer), 1);
    pool.checkout(endpoint(peer)).close();
    ValidationTest.waitUntil(() -> peer.open() == 1);
    // kill the connection so that the probe cannot see it yet: the reset arrives after checkout
    int[] attempts = {0};
    String result =
        pool.executeIdempotent(
            endpoint(peer),
            c -> {
              attempts[0]++;
              if (attempts[0] == 1) {
                peer.resetAll();
                try {
                  ValidationTest.waitUntil(() -> peer.open() == 0);
                  Thread.sleep(20);
                } catch (InterruptedException e) {
                  throw new java.io.InterruptedIOException();
                }
              }
              ping(c);
              return "pong";
            });
    assertEquals("pong", result);
    assertEquals(2, attempts[0]);
  }

  @Test
  void idempotentOperationRunsAgainAsLongAsEachConnectionDiesBeforeAnyReply() throws Exception {
    // the first two connections are closed by the peer as their request arrives (a server that
    // dropped every client at once); the third answers
    java.util.concurrent.atomic.AtomicInteger accepted =
        new java.util.concurrent.atomic.AtomicInteger();
    try (FakePeer dropping =
        new FakePeer(
            () -> {
              boolean drop = accepted.incrementAndGet() <= 2;
              return (data, length) -> {
                if (drop) {
                  throw new java.io.IOException("dropped as the request arrived");
                }
                return java.util.List.of(
                    "+PONG\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
              };
            })) {
      int[] attempts = {0};
      String result =
          pool.executeIdempotent(
              endpoint(dropping),
              c -> {
                attempts[0]++;
                ping(c);
                return "pong";
              });
      assertEquals("pong", result);
      assertEquals(3, attempts[0], "two connections died before any reply, the third answered");
      assertEquals(2, pool.stats(endpoint(dropping)).destroyed(DestroyReason.BROKEN));
    }
  }

  @Test
  void idempotentOperationIsNotRetriedForItsOwnErrorsOrAfterPartOfAReply() throws Exception {
    int[] attempts = {0};
    java.io.IOException e =
        assertThrows(
            java.io.IOException.class,
            () ->
                pool.executeIdempotent(
                    endpoint(peer),
                    c -> {
                      attempts[0]++;
                      ping(c);
                      throw new java.io.IOException("server said: connection closed by admin");
                    }));
    assertEquals("server said: connection closed by admin", e.getMessage());
    assertEquals(1, attempts[0], "an application error is not a dead connection");
    peer.stall(true);
    attempts[0] = 0;
    assertThrows(
        SocketTimeoutException.class,
        () ->
            pool.executeIdempotent(
                endpoint(peer),
                c -> {
                  attempts[0]++;
                  c.write(ByteBuffer.wrap(ascii("PING\r\n")), Duration.ofSeconds(1));
                  c.readFully(ByteBuffer.allocate(7), Duration.ofMillis(50));
                  return null;
                }));
    assertEquals(1, attempts[0], "timeouts are not retried");
  }
}
