package io.sockpool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.Connection;
import io.sockpool.DestroyReason;
import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.PoolListener;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.Validator;
import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.ProcessResources;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the return path decides and records for each connection coming back: the rules in their
 * order (a closed pool, a retired connection, the lifetime), the listener's hold time on close and
 * on invalidate, the last-use time a clean return sets, the distrust window after a peer closed a
 * connection, and a thread coming straight back keeping its connection. Real sockets.
 */
@Timeout(30)
class ReturnPathRulesTest {
  private static final Duration TWO_SECONDS = Duration.ofSeconds(2);

  private final ChannelFixture fixture = new ChannelFixture();
  private FakePeer peer;
  private SocketPool pool;

  @AfterEach
  void stop() {
    fixture.close();
    if (pool != null) {
      pool.close();
    }
    if (peer != null) {
      peer.close();
    }
  }

  private Endpoint start(PoolConfig.Builder config) throws IOException {
    peer = new FakePeer();
    pool = SocketPool.create(config.build());
    return Endpoint.of(peer.host(), peer.port());
  }

  private static void ping(Connection c) throws IOException {
    c.write(ByteBuffer.wrap("PING\r\n".getBytes(StandardCharsets.US_ASCII)), TWO_SECONDS);
    ByteBuffer reply = ByteBuffer.allocate(7);
    c.readFully(reply, TWO_SECONDS);
    assertEquals("+PONG\r\n", new String(reply.array(), StandardCharsets.US_ASCII));
    c.exchangeComplete();
  }

  /** Holds the thread at least {@code nanos} (a park may return early: an unpark left over). */
  private static void holdFor(long nanos) {
    long until = System.nanoTime() + nanos;
    for (long left = nanos; left > 0; left = until - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }

  @Test
  void aCleanConnectionIsDestroyedWhenThePoolClosedThenWhenRetiredThenAtTheEndOfItsLifetime()
      throws Exception {
    PooledChannel c = fixture.connect(FakePeer.echo());
    long now = System.nanoTime();
    assertNull(ReturnPath.verdict(c, false, now), "clean, open pool, young: kept");
    assertEquals(DestroyReason.CLOSED, ReturnPath.verdict(c, true, now));
    long expires = c.expiresNanos();
    assertNull(ReturnPath.verdict(c, false, expires - 1), "a nanosecond before its lifetime ends");
    assertEquals(DestroyReason.LIFETIME, ReturnPath.verdict(c, false, expires));
    c.retire();
    assertEquals(DestroyReason.RETIRED, ReturnPath.verdict(c, false, now));
    assertEquals(DestroyReason.RETIRED, ReturnPath.verdict(c, false, expires), "before lifetime");
    assertEquals(DestroyReason.CLOSED, ReturnPath.verdict(c, true, now), "a closed pool first");
  }

  @Test
  void theListenerHearsEveryCloseAndInvalidateWithHowLongTheConnectionWasHeld() throws Exception {
    List<Long> held = new CopyOnWriteArrayList<>();
    Endpoint ep = start(PoolConfig.builder());
    pool.addListener(
        new PoolListener() {
          @Override
          public void returned(Endpoint endpoint, long heldNanos) {
            held.add(heldNanos);
          }
        });
    long hold = TimeUnit.MILLISECONDS.toNanos(30);
    for (boolean invalidate : new boolean[] {false, true}) {
      long before = System.nanoTime();
      PooledConnection c = pool.checkout(ep);
      holdFor(hold);
      if (invalidate) {
        c.invalidate();
      } else {
        c.close();
      }
      long around = System.nanoTime() - before;
      assertEquals(invalidate ? 2 : 1, held.size(), "one report per return");
      long reported = held.get(held.size() - 1);
      assertTrue(
          reported >= hold && reported <= around,
          "held " + reported + " ns, between " + hold + " and " + around);
    }
  }

  @Test
  void aConnectionUsedAfterItsReturnSaysWhichPoolItWentBackTo() throws Exception {
    Endpoint ep = start(PoolConfig.builder().poolName("rules-pool"));
    PooledConnection c = pool.checkout(ep);
    c.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ping(c));
    assertTrue(e.getMessage().contains("pool 'rules-pool'"), e.getMessage());
  }

  @Test
  void aCleanReturnCountsAsTheConnectionsLastUseSoALongHoldIsNotValidatedOnReuse()
      throws Exception {
    AtomicInteger validations = new AtomicInteger();
    Validator counting =
        (c, timeout) -> {
          validations.incrementAndGet();
          Validator.expect(
                  "PING\r\n".getBytes(StandardCharsets.US_ASCII),
                  "+PONG\r\n".getBytes(StandardCharsets.US_ASCII))
              .validate(c, timeout);
        };
    Endpoint ep =
        start(
            PoolConfig.builder()
                .maxPerEndpoint(1)
                .validator(counting)
                .validationWindow(TWO_SECONDS)); // more than a late wake-up on a busy machine
    try (PooledConnection c = pool.checkout(ep)) {
      ping(c);
      holdFor(TWO_SECONDS.toNanos() + TimeUnit.MILLISECONDS.toNanos(1500));
    } // held longer than the window: its last use is this return, not its checkout
    try (PooledConnection again = pool.checkout(ep)) {
      ping(again);
    }
    assertEquals(0, validations.get(), "reused within the window after its return");
    assertEquals(1, peer.accepted());
  }

  @Test
  void aThreadThatComesStraightBackGetsItsConnectionAgain() throws Exception {
    Endpoint ep = start(PoolConfig.builder().maxPerEndpoint(1));
    for (int i = 0; i < 3; i++) {
      try (PooledConnection c = pool.checkout(ep, TWO_SECONDS)) {
        ping(c);
      }
    }
    assertEquals(1, peer.accepted());
    assertEquals(3, peer.requests());
  }

  @Test
  void aConnectionThePeerClosedMakesTheNextCheckoutProbeItsSiblingsAfterAClose() throws Exception {
    peerClosedThenSiblingProbed(false);
  }

  @Test
  void aConnectionThePeerClosedMakesTheNextCheckoutProbeItsSiblingsAfterAnInvalidate()
      throws Exception {
    peerClosedThenSiblingProbed(true);
  }

  /**
   * Two connections returned clean within the validation window (reused without a probe); the peer
   * closes both. The first one's exchange dies before any reply: from its return on, the sibling is
   * probed on borrow and replaced instead of handed out dead.
   */
  private void peerClosedThenSiblingProbed(boolean invalidate) throws Exception {
    Endpoint ep =
        start(PoolConfig.builder().maxPerEndpoint(2).validationWindow(Duration.ofMinutes(1)));
    PooledConnection a = pool.checkout(ep);
    PooledConnection b = pool.checkout(ep);
    ping(a);
    ping(b);
    a.close();
    b.close();
    peer.closeAll();
    assertEquals(0, ProcessResources.awaitAtMost(peer::open, 0, TWO_SECONDS), "peer closed both");

    PooledConnection dead = pool.checkout(ep);
    assertThrows(IOException.class, () -> ping(dead), "reused without a probe: the peer closed it");
    if (invalidate) {
      dead.invalidate();
    } else {
      dead.close();
    }
    try (PooledConnection next = pool.checkout(ep)) {
      ping(next); // the sibling was probed, found closed and replaced
    }
    assertEquals(3, peer.accepted());
  }
}
