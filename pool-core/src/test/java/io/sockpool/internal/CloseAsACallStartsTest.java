package io.sockpool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.DestroyReason;
import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.testkit.FakePeer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@code close()} from another thread that lands while the holder's read or write has passed its
 * lease check but has not yet started its I/O: either the close sees the call (and destroys the
 * connection, which ends the call) or the call sees the close (and fails as on a returned lease);
 * never a connection returned clean with a call about to start on it. The test stops the holder
 * between the check and the I/O with the lease's hook, closes the lease meanwhile, then lets the
 * holder go on. Real sockets, one connection per endpoint, so a connection kept is the one the next
 * borrower gets.
 */
@Timeout(30)
class CloseAsACallStartsTest {
  private static final Duration TWO_SECONDS = Duration.ofSeconds(2);

  private FakePeer peer;
  private SocketPool pool;
  private Endpoint ep;

  @BeforeEach
  void start() throws IOException {
    peer = FakePeer.echo();
    pool = SocketPool.create(PoolConfig.builder().maxPerEndpoint(1).build());
    ep = Endpoint.of(peer.host(), peer.port());
  }

  @AfterEach
  void stop() {
    pool.close();
    peer.close();
  }

  /** What the holder does on its lease. */
  private interface Call {
    void run(PooledConnection c) throws IOException;
  }

  @Test
  void aReadStartingAsAnotherThreadClosesTheLeaseDoesNotLeaveTheConnectionReused()
      throws Exception {
    closeAsTheHolderStarts(c -> c.read(ByteBuffer.allocate(16), Duration.ofSeconds(20)));
  }

  @Test
  void aWriteStartingAsAnotherThreadClosesTheLeaseDoesNotLeaveTheConnectionReused()
      throws Exception {
    closeAsTheHolderStarts(
        c ->
            c.write(ByteBuffer.wrap("first\r\n".getBytes(StandardCharsets.US_ASCII)), TWO_SECONDS));
  }

  private void closeAsTheHolderStarts(Call call) throws Exception {
    PooledConnection held = pool.checkout(ep);
    CountDownLatch checked = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    ((Lease) held)
        .afterLeaseCheck(
            () -> {
              checked.countDown();
              awaitQuietly(closed);
            });
    CompletableFuture<Throwable> holderEnded = new CompletableFuture<>();
    Thread holder =
        new Thread(
            () -> {
              try {
                call.run(held);
                holderEnded.complete(null);
              } catch (IOException | RuntimeException e) {
                holderEnded.complete(e);
              }
            },
            "holder");
    holder.start();
    assertTrue(checked.await(10, TimeUnit.SECONDS), "the holder's call did not start");

    held.close(); // from this thread, between the holder's lease check and its I/O
    closed.countDown();

    Throwable ended = holderEnded.get(10, TimeUnit.SECONDS);
    assertInstanceOf(
        IOException.class, ended, "the holder's call ends with the connection, at once");
    try (PooledConnection next = pool.checkout(ep)) {
      assertNotSame(
          ((Lease) held).pooledChannel(),
          ((Lease) next).pooledChannel(),
          "the connection with the holder's call on it went back to the pool");
      next.write(ByteBuffer.wrap("second\r\n".getBytes(StandardCharsets.US_ASCII)), TWO_SECONDS);
      ByteBuffer reply = ByteBuffer.allocate(8);
      next.readFully(reply, TWO_SECONDS);
      next.exchangeComplete();
      assertEquals("second\r\n", new String(reply.array(), StandardCharsets.US_ASCII));
    }
    assertEquals(1, pool.stats(ep).destroyed(DestroyReason.BROKEN));
    assertEquals(2, peer.accepted());
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never closed the lease");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
