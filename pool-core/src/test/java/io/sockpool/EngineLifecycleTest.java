package io.sockpool;

import static io.sockpool.EngineAttributionTest.fillBacklog;
import static io.sockpool.EngineAttributionTest.waitFor;
import static io.sockpool.TestSupport.PING;
import static io.sockpool.TestSupport.endpoint;
import static io.sockpool.TestSupport.ping;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.FakePeerExtension;
import java.io.EOFException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Regression tests for the engine's lifecycle promises against real sockets: close is atomic and
 * leaves nothing, waiters are served in arrival order without polling, endpoint churn does not grow
 * memory, and {@code executeIdempotent} keeps one deadline and the first failure.
 */
@Timeout(60)
@ExtendWith(FakePeerExtension.class)
class EngineLifecycleTest {
  private FakePeer peer; // started before each test, closed after it

  private static PoolConfig.Builder config() {
    return PoolConfig.builder()
        .poolName("life")
        .maxPerEndpoint(1)
        .closeGracePeriod(Duration.ofMillis(300));
  }

  /** A connect in flight when close() runs is closed, and its caller fails. */
  @Test
  void aConnectInFlightWhenThePoolClosesIsAbortedAndItsCallerFails() throws Exception {
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<Socket> filler = fillBacklog(full);
      Endpoint blackhole = Endpoint.of("127.0.0.1", full.getLocalPort());
      SocketPool pool = SocketPool.create(config().build());
      CompletableFuture<PooledConnection> checkout =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return pool.checkout(blackhole, Duration.ofSeconds(10));
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      waitFor(() -> pool.stats(blackhole).connecting() == 1);
      pool.close();
      Throwable t = assertThrows(Exception.class, () -> checkout.get(2, TimeUnit.SECONDS));
      assertInstanceOf(IllegalStateException.class, t.getCause(), t.toString());
      assertEquals(0, pool.stats().total().open() + pool.stats().total().connecting());
      for (Socket s : filler) {
        s.close();
      }
    }
  }

  /** A min-idle connect that finishes after close() leaves no socket open. */
  @Test
  void aRefillFinishingAfterCloseLeavesNoSocketOpen() throws Exception {
    CountDownLatch inInitializer = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ConnectionInitializer slow =
        (c, t) -> {
          inInitializer.countDown();
          try {
            release.await(5, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    SocketPool pool =
        SocketPool.create(
            config()
                .minIdlePerEndpoint(1)
                .initializer(slow)
                .evictionInterval(Duration.ofMillis(20))
                .build());
    CompletableFuture.runAsync(() -> pool.warmUp(endpoint(peer), 1));
    assertTrue(inInitializer.await(5, TimeUnit.SECONDS));
    pool.close();
    release.countDown();
    waitFor(() -> peer.open() == 0);
    Thread.sleep(100); // a late refill would show up here
    assertEquals(0, peer.open());
  }

  /** {@code close()} from an interrupted thread waits out the grace period without spinning. */
  @Test
  void closeFromAnInterruptedThreadDoesNotSpin() throws Exception {
    SocketPool pool = SocketPool.create(config().closeGracePeriod(Duration.ofMillis(500)).build());
    PooledConnection held = pool.checkout(endpoint(peer));
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long cpu = mx.getCurrentThreadCpuTime();
    Thread.currentThread().interrupt();
    try {
      pool.close();
      assertTrue(Thread.currentThread().isInterrupted(), "the flag is restored");
    } finally {
      Thread.interrupted();
    }
    long cpuMillis = (mx.getCurrentThreadCpuTime() - cpu) / 1_000_000;
    assertTrue(cpuMillis < 100, "close used " + cpuMillis + " ms of CPU");
    held.close();
  }

  /** A second close() returns only after the first has finished. */
  @Test
  void concurrentClosesAllReturnAfterTheCloseHasFinished() throws Exception {
    SocketPool pool = SocketPool.create(config().build());
    PooledConnection held = pool.checkout(endpoint(peer));
    CompletableFuture<Void> first = CompletableFuture.runAsync(pool::close);
    waitFor(
        () -> {
          try {
            pool.checkout(endpoint(peer), Duration.ofMillis(1));
            return false;
          } catch (IllegalStateException closing) {
            return true;
          } catch (CheckoutException notYet) {
            return false;
          }
        });
    pool.close(); // the grace period (300 ms) for the held connection is still running
    assertTrue(!held.channel().isOpen(), "the second close returned before the first finished");
    assertEquals(0, pool.stats().total().open());
    waitFor(() -> peer.open() == 0);
    held.close();
  }

  /** Waiters are served in arrival order, and parked waiters burn no CPU. */
  @Test
  void waitersAreServedInArrivalOrderWithoutPolling() throws Exception {
    try (SocketPool pool = SocketPool.create(config().build())) {
      PooledConnection held = pool.checkout(endpoint(peer));
      List<Integer> served = new CopyOnWriteArrayList<>();
      List<Thread> waiters = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        int id = i;
        Thread t =
            new Thread(
                () -> {
                  try (PooledConnection c = pool.checkout(endpoint(peer), Duration.ofSeconds(10))) {
                    served.add(id);
                  } catch (IOException e) {
                    served.add(-1);
                  }
                },
                "waiter-" + i);
        t.start();
        waiters.add(t);
        int expected = i + 1;
        waitFor(() -> pool.stats(endpoint(peer)).waiting() == expected);
      }
      ThreadMXBean mx = ManagementFactory.getThreadMXBean();
      long cpuBefore = cpuOf(mx, waiters);
      Thread.sleep(300);
      long parkedCpuMillis = (cpuOf(mx, waiters) - cpuBefore) / 1_000_000;
      assertTrue(parkedCpuMillis < 20, "8 parked waiters used " + parkedCpuMillis + " ms CPU");
      held.close();
      for (Thread t : waiters) {
        t.join(5000);
      }
      assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), served);
    }
  }

  private static long cpuOf(ThreadMXBean mx, List<Thread> threads) {
    long sum = 0;
    for (Thread t : threads) {
      sum += Math.max(0, mx.getThreadCpuTime(t.getId()));
    }
    return sum;
  }

  /**
   * 8: endpoints used once and then idle are forgotten, breakers and address books included, and
   * the live heap returns to within 1 MB of where it was (measured: under 20 KB after 10,000
   * endpoints; 478 bytes an endpoint while the address books were kept).
   */
  @Test
  @Timeout(180)
  void endpointsUsedOnceAreForgottenAndMemoryReturns() throws Exception {
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress("0.0.0.0", 0), 4096);
      int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
      List<SocketChannel> accepted = new CopyOnWriteArrayList<>();
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    accepted.add(server.accept());
                  }
                } catch (IOException closed) {
                  // done
                }
              },
              "churn-acceptor");
      acceptor.setDaemon(true);
      acceptor.start();
      try (SocketPool pool =
          SocketPool.create(
              PoolConfig.builder()
                  .poolName("churn")
                  .maxTotal(64)
                  .maxPerEndpoint(1)
                  .connectTimeout(Duration.ofSeconds(5)) // a loaded machine is no failure here
                  .idleTimeout(Duration.ofMillis(200))
                  .evictionInterval(Duration.ofMillis(50))
                  .build())) {
        churn(pool, port, 0, 200); // warm the code paths, the JIT and the maps' tables
        waitForLong(() -> pool.stats().byEndpoint().isEmpty());
        closeAll(accepted);
        long before = usedHeapAfterGc();
        churn(pool, port, 200, 10_000);
        waitForLong(() -> pool.stats().byEndpoint().isEmpty());
        assertEquals(0, pool.circuitBreakers().getAllCircuitBreakers().size());
        assertEquals(10_200, pool.stats().total().checkouts(), "totals keep forgotten endpoints");
        closeAll(accepted);
        long grown = usedHeapAfterGc() - before;
        assertTrue(grown < 1_000_000, "heap grew by " + grown + " bytes after 10,000 endpoints");
      }
    }
  }

  /** Endpoints 127.0.x.y:port, numbered from {@code first}: each used for one checkout. */
  private static void churn(SocketPool pool, int port, int first, int endpoints)
      throws IOException {
    for (int i = first; i < first + endpoints; i++) {
      Endpoint e = Endpoint.of("127.0." + (1 + i / 250) + "." + (1 + i % 250), port);
      pool.checkout(e, Duration.ofSeconds(10)).close();
    }
  }

  /**
   * Closes the peer's side of the connections. A method of its own: a loop over the list in the
   * test's frame could leave its iterator, and with it every channel, in a dead local slot that the
   * GC still counts as live.
   */
  private static void closeAll(List<SocketChannel> accepted) throws IOException {
    for (SocketChannel ch : accepted) {
      ch.close();
    }
    accepted.clear();
  }

  private static void waitForLong(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < end, "condition not met in 30 s");
      Thread.sleep(20);
    }
  }

  /**
   * The live heap: what the heap pools held right after a full GC, the least of full GCs repeated
   * until two in a row agree within 64 KB (at most 10).
   */
  private static long usedHeapAfterGc() throws InterruptedException {
    long least = Long.MAX_VALUE;
    long last = -1;
    for (int i = 0; i < 10; i++) {
      System.gc();
      Thread.sleep(50);
      long sum = 0;
      for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
        if (p.getType() == MemoryType.HEAP && p.getCollectionUsage() != null) {
          sum += p.getCollectionUsage().getUsed();
        }
      }
      least = Math.min(least, sum);
      if (last >= 0 && Math.abs(sum - last) < 65_536) {
        break;
      }
      last = sum;
    }
    return least;
  }

  /** The retry of executeIdempotent shares the first checkout's deadline. */
  @Test
  void executeIdempotentDoesNotRetryPastTheCheckoutTimeout() throws Exception {
    try (SocketPool pool =
        SocketPool.create(config().checkoutTimeout(Duration.ofMillis(200)).build())) {
      AtomicInteger attempts = new AtomicInteger();
      assertThrows(
          EOFException.class,
          () ->
              pool.executeIdempotent(
                  endpoint(peer),
                  c -> {
                    attempts.incrementAndGet();
                    long accepted = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (peer.open() < 1 && System.nanoTime() < accepted) {
                      sleep(1); // the peer's acceptor has it: closeAll closes it
                    }
                    peer.closeAll();
                    sleep(250); // past the one checkout timeout: no second attempt
                    ping(c);
                    return null;
                  }));
      assertEquals(1, attempts.get());
    }
  }

  /** If the retry's checkout throws unchecked, the first failure is kept as suppressed. */
  @Test
  void executeIdempotentKeepsTheFirstFailureWhenTheRetryThrowsUnchecked() throws Exception {
    SocketPool pool = SocketPool.create(config().closeGracePeriod(Duration.ofMillis(50)).build());
    CompletableFuture<Void> closing = new CompletableFuture<>();
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                pool.executeIdempotent(
                    endpoint(peer),
                    c -> {
                      closing.complete(null);
                      CompletableFuture.runAsync(pool::close);
                      waitUntilClosed(pool);
                      ping(c); // the pool closed this connection by force: died before any reply
                      return null;
                    }));
    assertEquals(1, e.getSuppressed().length, e.toString());
    assertInstanceOf(IOException.class, e.getSuppressed()[0]);
  }

  private static void waitUntilClosed(SocketPool pool) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < end) {
      try {
        pool.checkout(Endpoint.of("127.0.0.1", 9), Duration.ofMillis(1)).close();
      } catch (IllegalStateException closed) {
        sleep(150); // past the 50 ms grace period: the held connection is closed by force
        return;
      } catch (IOException notYet) {
        sleep(5);
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One checkout records one breaker outcome, even after a failed validation. */
  @Test
  void oneCheckoutRecordsOneBreakerOutcome() throws Exception {
    try (SocketPool pool =
        SocketPool.create(
            config()
                .maxPerEndpoint(2)
                .validator(PING)
                .validationWindow(Duration.ofNanos(1))
                .build())) {
      assertEquals(2, pool.warmUp(endpoint(peer), 2));
      CircuitBreaker b = pool.circuitBreakers().circuitBreaker(endpoint(peer).toString());
      int before = b.getMetrics().getNumberOfBufferedCalls();
      waitFor(() -> peer.open() == 2); // the peer's acceptor has both: it can close them
      peer.closeAll(); // both idle connections are dead; the checkout opens a third
      waitFor(() -> peer.open() == 0);
      try (PooledConnection c = pool.checkout(endpoint(peer))) {
        ping(c);
      }
      assertEquals(before + 1, b.getMetrics().getNumberOfBufferedCalls());
    }
  }
}
