package io.sockpool;

import static io.sockpool.TestSupport.endpoint;
import static io.sockpool.TestSupport.ping;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.FakePeerExtension;
import io.sockpool.testkit.ProcessResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(60)
@ExtendWith(FakePeerExtension.class)
class AsyncCheckoutTest {
  private FakePeer peer;

  private static PoolConfig.Builder config(int perEndpoint) {
    return PoolConfig.builder()
        .maxPerEndpoint(perEndpoint)
        .maxTotal(Math.max(perEndpoint, 8))
        .fairnessWindow(Duration.ZERO)
        .checkoutTimeout(Duration.ofSeconds(30));
  }

  private static Throwable failureOf(CompletableFuture<?> f) throws InterruptedException {
    try {
      f.get(20, TimeUnit.SECONDS);
      throw new AssertionError("expected a failed future, got " + f);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("future not completed within 20 s", e);
    }
  }

  /**
   * The peer's accept thread counts a connection some time after the pool's connect completed (the
   * kernel accepts it first): wait for the count to reach {@code n}, then check it is not above.
   */
  private void assertAccepted(int n, String what) throws InterruptedException {
    boolean reached =
        ProcessResources.awaitTrue(() -> peer.accepted() >= n, Duration.ofSeconds(10));
    assertEquals(n, peer.accepted(), what + (reached ? "" : " (below " + n + " after 10 s)"));
  }

  private void awaitWaiting(SocketPool pool, int n) throws InterruptedException {
    assertTrue(
        ProcessResources.awaitTrue(
            () -> pool.stats(endpoint(peer)).waiting() == n, Duration.ofSeconds(30)),
        () -> "expected " + n + " waiting, got " + pool.stats(endpoint(peer)));
  }

  @Test
  void asyncCheckoutServesAConnectionThatGoesBackOnClose() throws Exception {
    try (SocketPool pool = SocketPool.create(config(2).build())) {
      for (int i = 0; i < 3; i++) {
        PooledConnection c = pool.checkoutAsync(endpoint(peer)).get(10, TimeUnit.SECONDS);
        ping(c);
        c.close();
      }
      assertAccepted(1, "one connection, reused");
      assertEquals(0, pool.stats(endpoint(peer)).active());
    }
  }

  @Test
  void tenThousandPendingFuturesOnFourConnectionsAddNoThreads() throws Exception {
    // a short fairness window: the windows of the early futures end while the later ones join,
    // and a window's end is looked at in the timer thread, without a task per future
    try (SocketPool pool =
        SocketPool.create(config(4).fairnessWindow(Duration.ofMillis(20)).build())) {
      List<PooledConnection> held = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        held.add(pool.checkout(endpoint(peer)));
      }
      List<CompletableFuture<PooledConnection>> pending = new ArrayList<>();
      pending.add(pool.checkoutAsync(endpoint(peer))); // makes the pool's timer thread
      awaitWaiting(pool, 1);
      java.util.Set<String> before = applicationThreads();
      for (int i = 1; i < 10_000; i++) {
        pending.add(pool.checkoutAsync(endpoint(peer)));
      }
      awaitWaiting(pool, 10_000);
      java.util.Set<String> added = applicationThreads();
      added.removeAll(before);
      assertTrue(added.isEmpty(), "threads started by 10,000 pending futures: " + added);
      assertTrue(pending.stream().noneMatch(CompletableFuture::isDone));
      held.forEach(PooledConnection::close); // the first four in arrival order get them
      for (int i = 0; i < 4; i++) {
        pending.get(i).get(10, TimeUnit.SECONDS).close();
      }
      pending.forEach(f -> f.cancel(false));
      awaitWaiting(pool, 0);
      assertAccepted(4, "no connection beyond the four");
    }
  }

  @Test
  void futuresAreServedInArrivalOrderAfterBlockingWaiters() throws Exception {
    try (SocketPool pool = SocketPool.create(config(1).build())) {
      PooledConnection c = pool.checkout(endpoint(peer));
      CompletableFuture<PooledConnection> first = pool.checkoutAsync(endpoint(peer));
      awaitWaiting(pool, 1);
      CompletableFuture<PooledConnection> second = pool.checkoutAsync(endpoint(peer));
      awaitWaiting(pool, 2);
      c.close();
      PooledConnection c1 = first.get(10, TimeUnit.SECONDS);
      assertFalse(second.isDone(), "second waits behind the first");
      c1.close();
      second.get(10, TimeUnit.SECONDS).close();
      assertAccepted(1, "one connection, reused");
    }
  }

  @Test
  void cancelGivesThePlaceBackAtOnce() throws Exception {
    try (SocketPool pool = SocketPool.create(config(1).build())) {
      PooledConnection c = pool.checkout(endpoint(peer));
      CompletableFuture<PooledConnection> f = pool.checkoutAsync(endpoint(peer));
      awaitWaiting(pool, 1);
      assertTrue(f.cancel(false));
      assertEquals(0, pool.stats(endpoint(peer)).waiting(), "left the queue inside cancel()");
      c.close();
      assertEquals(1, pool.stats(endpoint(peer)).idle());
    }
  }

  @Test
  void aConnectionHandedToAFutureCancelledMeanwhileGoesToTheNextWaiter() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    CountDownLatch stepQueued = new CountDownLatch(1);
    ExecutorService threads = Executors.newCachedThreadPool();
    // the pool's steps wait at the gate: the hand-off to the first future has happened, its step
    // has not run yet when it is cancelled
    java.util.concurrent.Executor gated =
        task ->
            threads.execute(
                () -> {
                  stepQueued.countDown();
                  try {
                    gate.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  task.run();
                });
    try (SocketPool pool = SocketPool.create(config(1).asyncExecutor(gated).build())) {
      PooledConnection c = pool.checkout(endpoint(peer));
      CompletableFuture<PooledConnection> first = pool.checkoutAsync(endpoint(peer));
      CompletableFuture<PooledConnection> second = pool.checkoutAsync(endpoint(peer));
      awaitWaiting(pool, 2);
      c.close(); // handed to the first: its step is queued at the gate
      assertTrue(stepQueued.await(10, TimeUnit.SECONDS));
      assertTrue(first.cancel(false));
      gate.countDown();
      PooledConnection got = second.get(10, TimeUnit.SECONDS);
      ping(got);
      got.close();
      assertTrue(first.isCancelled());
      assertAccepted(1, "the one connection went on to the second future");
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aFutureTimesOutAtItsDeadlineAndNeverHoldsAConnectionAfterIt() throws Exception {
    try (SocketPool pool = SocketPool.create(config(1).build())) {
      PooledConnection c = pool.checkout(endpoint(peer));
      long start = System.nanoTime();
      CompletableFuture<PooledConnection> f =
          pool.checkoutAsync(endpoint(peer), Duration.ofMillis(300));
      Throwable t = failureOf(f);
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertInstanceOf(CheckoutTimeoutException.class, t);
      assertTrue(tookMs >= 290, "timed out after " + tookMs + " ms");
      assertEquals(0, pool.stats(endpoint(peer)).waiting());
      c.close();
      assertEquals(1, pool.stats(endpoint(peer)).idle(), "the connection went idle, not to f");
    }
  }

  @Test
  void aClosedPoolReturnsAFailedFuture() throws Exception {
    SocketPool pool = SocketPool.create(config(1).build());
    pool.close();
    CompletableFuture<PooledConnection> f = pool.checkoutAsync(endpoint(peer));
    assertInstanceOf(IllegalStateException.class, failureOf(f));
  }

  @Test
  void closingThePoolFailsWaitingFutures() throws Exception {
    SocketPool pool = SocketPool.create(config(1).closeGracePeriod(Duration.ofMillis(100)).build());
    PooledConnection c = pool.checkout(endpoint(peer));
    CompletableFuture<PooledConnection> f = pool.checkoutAsync(endpoint(peer));
    awaitWaiting(pool, 1);
    pool.close();
    assertInstanceOf(IllegalStateException.class, failureOf(f));
    c.close();
  }

  @Test
  void executeAsyncReturnsTheConnectionWhenTheStageCompletes() throws Exception {
    try (SocketPool pool = SocketPool.create(config(1).build())) {
      CompletableFuture<String> stage = new CompletableFuture<>();
      CompletableFuture<String> result =
          pool.executeAsync(
              endpoint(peer),
              c -> {
                try {
                  ping(c);
                } catch (java.io.IOException e) {
                  return CompletableFuture.failedFuture(e);
                }
                return stage;
              });
      assertTrue(
          ProcessResources.awaitTrue(
              () -> pool.stats(endpoint(peer)).active() == 1, Duration.ofSeconds(10)));
      assertFalse(result.isDone());
      stage.complete("ok");
      assertEquals("ok", result.get(10, TimeUnit.SECONDS));
      assertEquals(0, pool.stats(endpoint(peer)).active());
      assertEquals(1, pool.stats(endpoint(peer)).idle(), "reused: the exchange was complete");
    }
  }

  @Test
  void executeAsyncWithANullStageFailsAndReturnsTheConnection() throws Exception {
    try (SocketPool pool = SocketPool.create(config(1).build())) {
      CompletableFuture<String> result = pool.executeAsync(endpoint(peer), c -> null);
      Throwable t = failureOf(result);
      assertInstanceOf(IllegalStateException.class, t);
      assertTrue(t.getMessage().contains("null CompletionStage"), t.getMessage());
      assertEquals(0, pool.stats(endpoint(peer)).active());
      assertEquals(1, pool.stats(endpoint(peer)).idle());
    }
  }

  @Test
  void executeAsyncDestroysTheConnectionWhenTheStageFails() throws Exception {
    try (SocketPool pool = SocketPool.create(config(1).build())) {
      java.io.IOException boom = new java.io.IOException("boom");
      CompletableFuture<String> result =
          pool.executeAsync(endpoint(peer), c -> CompletableFuture.failedFuture(boom));
      assertSame(boom, failureOf(result));
      assertEquals(0, pool.stats(endpoint(peer)).active());
      assertEquals(0, pool.stats(endpoint(peer)).idle());
    }
  }

  @Test
  void anOpenBreakerFailsTheFutureWithEndpointUnavailable() throws Exception {
    try (SocketPool pool = SocketPool.create(config(1).build())) {
      pool.circuitBreakers().circuitBreaker(endpoint(peer).toString()).transitionToOpenState();
      Throwable t = failureOf(pool.checkoutAsync(endpoint(peer)));
      assertInstanceOf(EndpointUnavailableException.class, t);
      assertNotNull(t.getMessage());
    }
  }

  /**
   * The live threads but the JIT's and the fake peer's: a JVM adds compiler threads under load
   * (seen on JDK 25: 3 more while 10,000 futures were created), and the peer starts a thread per
   * accepted connection (the fourth may be accepted after the first look); neither says anything
   * about the pool.
   */
  private static java.util.Set<String> applicationThreads() {
    java.util.Set<String> names = new java.util.HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (!t.getName().contains("CompilerThread") && !t.getName().startsWith("fake-peer")) {
        names.add(t.getName() + "#" + t.getId());
      }
    }
    return names;
  }
}
