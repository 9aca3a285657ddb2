package io.sockpool;

import static io.sockpool.TestSupport.endpoint;
import static io.sockpool.TestSupport.ping;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.FakePeerExtension;
import io.sockpool.testkit.ProcessResources;
import io.sockpool.testkit.Slack;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(20)
@ExtendWith(FakePeerExtension.class)
class CheckoutDeadlineTest {
  private FakePeer peer;
  private ExecutorService threads;

  @BeforeEach
  void start() throws Exception {
    threads = Executors.newCachedThreadPool();
  }

  @AfterEach
  void stop() throws Exception {
    threads.shutdownNow();
  }

  private static PoolConfig.Builder config() {
    return PoolConfig.builder()
        .maxPerEndpoint(1)
        .maxTotal(4)
        .connectTimeout(Duration.ofSeconds(10));
  }

  @Test
  void returnedConnectionIsReusedWithoutReconnecting() throws Exception {
    try (SocketPool pool = SocketPool.create(config().build())) {
      for (int i = 0; i < 3; i++) {
        try (PooledConnection c = pool.checkout(endpoint(peer))) {
          ping(c);
        }
      }
      assertEquals(1, peer.accepted());
      EndpointStats s = pool.stats(endpoint(peer));
      assertEquals(3, s.checkouts());
      assertEquals(1, s.created());
      assertEquals(1, s.idle());
      assertEquals(0, s.active());
    }
  }

  @Test
  void exhaustedPoolTimesOutWithinDeadlineAndExplainsTheState() throws Exception {
    try (SocketPool pool = SocketPool.create(config().build())) {
      PooledConnection held = pool.checkout(endpoint(peer));
      long start = System.nanoTime();
      CheckoutTimeoutException e =
          assertThrows(
              CheckoutTimeoutException.class,
              () -> pool.checkout(endpoint(peer), Duration.ofMillis(300)));
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertTrue(
          tookMs >= 290 && tookMs < Slack.upToMillis(Duration.ofMillis(300)),
          "took " + tookMs + " ms");
      assertEquals(endpoint(peer), e.endpoint());
      assertEquals(1, e.state().active());
      assertEquals(0, e.state().idle());
      assertEquals(1, e.state().waiting());
      assertEquals(1, e.state().maxPerEndpoint());
      assertEquals(4, e.state().maxTotal());
      assertTrue(e.elapsed().toMillis() >= 290);
      String m = e.getMessage();
      assertTrue(
          m.contains("endpoint=" + endpoint(peer))
              && m.contains("active=1")
              && m.contains("maxPerEndpoint=1")
              && m.contains("held by " + Thread.currentThread().getName()),
          m);
      assertEquals(1, pool.stats(endpoint(peer)).timeouts());
      held.close();
    }
  }

  @Test
  void deadlineHoldsWhenThePeerNeverAnswersTheSyn() throws Exception {
    try (TestSupport.Blackhole hole = new TestSupport.Blackhole();
        SocketPool pool = SocketPool.create(config().build())) {
      long start = System.nanoTime();
      CheckoutTimeoutException e =
          assertThrows(
              CheckoutTimeoutException.class,
              () -> pool.checkout(hole.endpoint(), Duration.ofMillis(300)));
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertTrue(
          tookMs < Slack.upToMillis(Duration.ofMillis(300)),
          "connect must not outlive the checkout deadline, took " + tookMs + " ms");
      assertNotNull(e.getCause(), "the connect timeout is the cause");
      assertTrue(
          e.getCause()
              .getMessage()
              .contains("connect to " + hole.endpoint() + " (127.0.0.1) timed out"),
          e.getCause().getMessage());
    }
  }

  @Test
  void refusedConnectFailsAtOnceWithTheConnectErrorAsCause() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    try (SocketPool pool = SocketPool.create(config().build())) {
      long start = System.nanoTime();
      CheckoutException e =
          assertThrows(
              CheckoutException.class,
              () -> pool.checkout(Endpoint.of("127.0.0.1", port), Duration.ofSeconds(20)));
      // at once: a refused connect is not retried until the deadline (half of it is room for a
      // busy machine)
      assertTrue((System.nanoTime() - start) / 1_000_000 < 10_000);
      assertInstanceOf(ConnectException.class, e.getCause());
      assertTrue(
          e.getMessage().contains("cannot connect") && e.getMessage().contains("127.0.0.1:" + port),
          e.getMessage());
    }
  }

  @Test
  void waiterGetsTheConnectionWhenItComesBack() throws Exception {
    try (SocketPool pool = SocketPool.create(config().build())) {
      PooledConnection held = pool.checkout(endpoint(peer));
      CountDownLatch waiting = new CountDownLatch(1);
      CompletableFuture<Integer> waiter =
          CompletableFuture.supplyAsync(
              () -> {
                waiting.countDown();
                try (PooledConnection c = pool.checkout(endpoint(peer), Duration.ofSeconds(5))) {
                  ping(c);
                  return peer.accepted();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              },
              threads);
      waiting.await();
      awaitWaiters(pool, 1);
      held.close();
      assertEquals(1, waiter.get(5, TimeUnit.SECONDS), "served by the returned connection");
    }
  }

  @Test
  void invalidatingOpensNoConnectionItselfButLetsAWaiterConnect() throws Exception {
    try (SocketPool pool = SocketPool.create(config().build())) {
      PooledConnection held = pool.checkout(endpoint(peer));
      held.invalidate();
      assertEquals(
          0, pool.stats(endpoint(peer)).idle(), "no connection opened by the invalidating thread");
      assertEquals(1, pool.stats(endpoint(peer)).created());

      PooledConnection again = pool.checkout(endpoint(peer));
      CompletableFuture<Void> waiter = pingAsync(pool);
      awaitWaiters(pool, 1);
      again.invalidate();
      waiter.get(5, TimeUnit.SECONDS);
      assertEquals(3, pool.stats(endpoint(peer)).created());
      assertEquals(2, pool.stats(endpoint(peer)).destroyed(DestroyReason.BROKEN));
    }
  }

  @Test
  void callersBeyondMaxWaitersFailAtOnce() throws Exception {
    try (SocketPool pool = SocketPool.create(config().maxWaitersPerEndpoint(1).build())) {
      PooledConnection held = pool.checkout(endpoint(peer));
      CompletableFuture<Void> waiter = pingAsync(pool);
      awaitWaiters(pool, 1);
      long start = System.nanoTime();
      PoolExhaustedException e =
          assertThrows(
              PoolExhaustedException.class,
              () -> pool.checkout(endpoint(peer), Duration.ofSeconds(20)));
      // at once: not after waiting for the deadline (half of it is room for a busy machine)
      assertTrue((System.nanoTime() - start) / 1_000_000 < 10_000, "shed at once");
      assertTrue(e.getMessage().contains("1 callers already waiting"), e.getMessage());
      assertEquals(1, pool.stats(endpoint(peer)).rejected());
      held.close();
      waiter.get(5, TimeUnit.SECONDS);
    }
  }

  /** A caller that checks out (waiting up to 5 s), pings and returns, on another thread. */
  private CompletableFuture<Void> pingAsync(SocketPool pool) {
    return CompletableFuture.runAsync(
        () -> {
          try (PooledConnection c = pool.checkout(endpoint(peer), Duration.ofSeconds(5))) {
            ping(c);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        },
        threads);
  }

  static void awaitWaiters(SocketPool pool, int n) throws InterruptedException {
    assertTrue(
        ProcessResources.awaitTrue(
            () -> pool.stats().total().waiting() >= n, Duration.ofSeconds(5)),
        "no waiter showed up");
  }
}
