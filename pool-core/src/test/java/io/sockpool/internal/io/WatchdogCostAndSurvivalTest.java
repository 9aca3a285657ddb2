package io.sockpool.internal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.Endpoint;
import io.sockpool.testkit.FakePeer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The watchdog's cost follows the calls under way, not the connections open, and no {@link Error}
 * stops it from keeping deadlines. Real loopback sockets; the counts are the watchdog's own
 * (entries looked at per scan), not CPU time.
 */
@Timeout(60)
class WatchdogCostAndSurvivalTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  /** Ends with a timeout, or fails the test if the read is still blocked after 3 s. */
  private static long timedOutReadMillis(BlockingIo io, long timeoutMillis) throws Exception {
    long start = System.nanoTime();
    CompletableFuture<Throwable> read =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                io.read(ByteBuffer.allocate(8), System.nanoTime() + timeoutMillis * MS);
                return null;
              } catch (IOException e) {
                return e;
              }
            });
    try {
      Throwable e = read.get(3, TimeUnit.SECONDS);
      assertTrue(e instanceof SocketTimeoutException, "the read ended with " + e);
    } finally {
      io.abort(); // a read still blocked (no watchdog) ends here
    }
    return (System.nanoTime() - start) / MS;
  }

  @Test
  void anErrorInsideTheWatchdogDoesNotStopItAndDeadlinesStillHold() throws Exception {
    AtomicBoolean failOnce = new AtomicBoolean(true);
    Watchdog watchdog =
        new Watchdog(
            "test-watchdog",
            () -> {
              if (failOnce.getAndSet(false)) {
                throw new OutOfMemoryError("injected: the heap ran out inside the watchdog");
              }
              return System.nanoTime();
            });
    watchdog.start();
    try (FakePeer peer = FakePeer.silent();
        SocketChannel channel = SocketChannel.open(peer.address())) {
      BlockingIo io = new BlockingIo(Endpoint.of(peer.host(), peer.port()), channel, watchdog);

      long took = timedOutReadMillis(io, 300);

      assertTrue(took >= 295 && took < 2_500, "a 300 ms read ended after " + took + " ms");
      assertTrue(watchdog.isAlive(), "the watchdog survived the Error");
      assertTrue(!failOnce.get(), "the Error was thrown");
    } finally {
      watchdog.stop();
      watchdog.awaitStopped(2_000);
    }
  }

  @Test
  void aConnectionFoundIdleOnceIsKeptUntilTheNextLookSoShortCallsDoNotWakeTheWatchdogEachTime()
      throws IOException {
    Watchdog watchdog = new Watchdog("test-watchdog", System::nanoTime); // not started: we scan
    try (ServerSocketChannel server =
            ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        SocketChannel ch = SocketChannel.open(server.getLocalAddress())) {
      BlockingIo io = new BlockingIo(Endpoint.of("127.0.0.1", 1), ch, watchdog);
      io.write(ByteBuffer.wrap(new byte[] {1}), System.nanoTime() + 2_000 * MS); // ended at once

      long now = System.nanoTime();
      assertEquals(
          now + Watchdog.LINGER_NANOS,
          watchdog.scan(now),
          "a connection found idle once is kept and looked at again after the linger time; let go,"
              + " the watchdog would sleep with no deadline and the next call would have to wake it");
      long before = watchdog.scanned();
      watchdog.scan(System.nanoTime());
      assertEquals(1, watchdog.scanned() - before, "still watched at the second look");
      before = watchdog.scanned();
      watchdog.scan(System.nanoTime());
      assertEquals(0, watchdog.scanned() - before, "idle at two looks in a row: let go");
    }
  }

  @Test
  void tenThousandIdleConnectionsCostTheWatchdogNothing() throws Exception {
    int idle = 10_000;
    Watchdog watchdog = new Watchdog("test-watchdog", System::nanoTime);
    List<ServerSocketChannel> listeners = new ArrayList<>();
    List<SocketChannel> channels = new ArrayList<>(idle);
    List<BlockingIo> ios = new ArrayList<>(idle);
    try {
      // connections that sit in the listeners' accept queues: established, and no descriptor on
      // the peer's side (the limit is 20,000 per process here)
      for (int i = 0; i < 3; i++) {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4_000);
        listeners.add(server);
      }
      for (int i = 0; i < idle; i++) {
        ServerSocketChannel to = listeners.get(i % listeners.size());
        SocketChannel ch = SocketChannel.open(to.getLocalAddress());
        channels.add(ch);
        ios.add(new BlockingIo(Endpoint.of("127.0.0.1", 1), ch, watchdog));
      }
      watchdog.start();

      long before = watchdog.scanned();
      long took = timedOutReadMillis(ios.get(0), 50); // one short call, nothing else under way
      long scanned = watchdog.scanned() - before;

      assertTrue(took >= 45 && took < 2_500, "a 50 ms read ended after " + took + " ms");
      assertTrue(
          scanned <= 8,
          "one short call among "
              + idle
              + " idle connections made the watchdog look at "
              + scanned
              + " entries");
    } finally {
      watchdog.stop();
      watchdog.awaitStopped(2_000);
      for (ServerSocketChannel s : listeners) {
        s.close(); // the queued connections get a reset: no TIME_WAIT left behind
      }
      for (BlockingIo io : ios) {
        io.abort();
      }
      for (SocketChannel ch : channels) {
        ch.close();
      }
    }
  }
}
