package io.sockpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Connect storms: at most maxConnectingPerEndpoint connects in flight, and failing fast. */
@Timeout(60)
class ConnectStormTest {

  /**
   * A peer whose handshake is a slow first reply: it counts the connections it has accepted and not
   * answered yet, which is the connects in flight (TCP + the initializer's round trip), and keeps
   * the most it ever saw. Later requests are answered at once.
   */
  static final class SlowHandshakePeer implements AutoCloseable {
    final ServerSocket server;
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger peak = new AtomicInteger();
    final ExecutorService threads = Executors.newCachedThreadPool();

    SlowHandshakePeer(Duration handshake) throws IOException {
      server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
      threads.execute(
          () -> {
            while (!server.isClosed()) {
              try {
                Socket s = server.accept();
                threads.execute(() -> serve(s, handshake));
              } catch (IOException closed) {
                return;
              }
            }
          });
    }

    private void serve(Socket s, Duration handshake) {
      try (s) {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        boolean first = true;
        byte[] req = new byte[6];
        while (readFully(in, req)) {
          if (first) {
            Thread.sleep(handshake.toMillis());
            inFlight.decrementAndGet();
            first = false;
          }
          out.write("+PONG\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // the pool closed it
      }
    }

    private static boolean readFully(InputStream in, byte[] b) throws IOException {
      for (int n = 0; n < b.length; ) {
        int r = in.read(b, n, b.length - n);
        if (r < 0) {
          return false;
        }
        n += r;
      }
      return true;
    }

    Endpoint endpoint() {
      return Endpoint.of("127.0.0.1", server.getLocalPort());
    }

    @Override
    public void close() throws IOException {
      server.close();
      threads.shutdownNow();
    }
  }

  private static final ConnectionInitializer PING_HANDSHAKE =
      (c, timeout) -> {
        c.write(ByteBuffer.wrap("PING\r\n".getBytes(StandardCharsets.US_ASCII)), timeout);
        c.readFully(ByteBuffer.allocate(7), timeout);
        c.exchangeComplete();
      };

  @Test
  void atMostMaxConnectingConnectsAreInFlightPerEndpoint() throws Exception {
    ExecutorService callers = Executors.newFixedThreadPool(12);
    try (SlowHandshakePeer peer = new SlowHandshakePeer(Duration.ofMillis(150));
        SocketPool pool =
            SocketPool.create(
                PoolConfig.builder()
                    .maxPerEndpoint(16)
                    .maxTotal(16)
                    .maxConnectingPerEndpoint(2)
                    .initializer(PING_HANDSHAKE)
                    .connectTimeout(Duration.ofSeconds(10))
                    .checkoutTimeout(Duration.ofSeconds(30))
                    .build())) {
      List<Future<PooledConnection>> all = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        all.add(callers.submit(() -> pool.checkout(peer.endpoint())));
      }
      List<PooledConnection> got = new ArrayList<>();
      for (Future<PooledConnection> f : all) {
        got.add(f.get(30, TimeUnit.SECONDS));
      }
      // asynchronous callers are bounded the same way
      List<java.util.concurrent.CompletableFuture<PooledConnection>> async = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        async.add(pool.checkoutAsync(peer.endpoint()));
      }
      for (var f : async) {
        got.add(f.get(30, TimeUnit.SECONDS));
      }
      assertEquals(16, got.size());
      assertTrue(peer.peak.get() <= 2, "connects in flight at the peer peaked at " + peer.peak);
      assertEquals(2, peer.peak.get(), "and two did run at once");
      got.forEach(PooledConnection::close);
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void callersQueuedBehindAFailedConnectFailAtOnceWithItsCause() throws Exception {
    int callers = 8;
    ExecutorService threads = Executors.newFixedThreadPool(callers);
    try (TestSupport.Blackhole hole = new TestSupport.Blackhole();
        SocketPool pool =
            SocketPool.create(
                PoolConfig.builder()
                    .maxPerEndpoint(8)
                    .maxTotal(8)
                    .maxConnectingPerEndpoint(1)
                    .connectTimeout(Duration.ofSeconds(1))
                    .checkoutTimeout(Duration.ofSeconds(30))
                    .build())) {
      long start = System.nanoTime();
      List<Future<Throwable>> all = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        all.add(
            threads.submit(
                () -> {
                  try {
                    pool.checkout(hole.endpoint()).close();
                    return null;
                  } catch (CheckoutException e) {
                    return e;
                  }
                }));
      }
      int queuedBehind = 0;
      for (Future<Throwable> f : all) {
        Throwable t = f.get(60, TimeUnit.SECONDS);
        assertInstanceOf(CheckoutException.class, t);
        assertInstanceOf(SocketTimeoutException.class, t.getCause(), "the peer's failure");
        if (t.getMessage().contains("queued behind")) {
          queuedBehind++;
        }
      }
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      // one connect at a time, 1 s each: without failing fast the eight would take 8 s one after
      // the other (or their 30 s deadline); with it, the first failure fails every caller that
      // has no connect left to try, and one more connect fails the caller retrying
      assertTrue(queuedBehind >= 4, queuedBehind + " callers failed as queued behind the connect");
      assertTrue(tookMs < 6_000, "all eight failed after " + tookMs + " ms (8 connects: 8 s)");
    } finally {
      threads.shutdownNow();
    }
  }
}
