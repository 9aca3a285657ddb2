package io.sockpool;

import static io.sockpool.TestSupport.PING;
import static io.sockpool.TestSupport.ascii;
import static io.sockpool.TestSupport.endpoint;
import static io.sockpool.TestSupport.ping;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.FakePeerExtension;
import io.sockpool.testkit.Slack;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Regression tests for the checkout engine's promises, against real sockets: one reply never
 * reaches another borrower, one deadline over everything, failures are blamed on the peer only when
 * the peer failed, and hooks that throw Errors give their slot back. The numbers in the comments
 * are what an engine without these guarantees did under the same test.
 */
@Timeout(30)
@ExtendWith(FakePeerExtension.class)
class EngineAttributionTest {
  private FakePeer peer; // started before each test, closed after it

  private static PoolConfig.Builder config() {
    return PoolConfig.builder()
        .poolName("engine")
        .maxPerEndpoint(1)
        .closeGracePeriod(Duration.ofMillis(200));
  }

  private static CircuitBreaker breaker(SocketPool pool, FakePeer peer) {
    return pool.circuitBreakers().circuitBreaker(endpoint(peer).toString());
  }

  /** A holder that wrote and left before the reply (20 ms later) never crosses it over. */
  @Test
  void aReplyArrivingAfterItsHolderLeftNeverReachesTheNextBorrower() throws Exception {
    peer.answerAfter(Duration.ofMillis(20));
    try (SocketPool pool = SocketPool.create(config().build())) {
      for (int round = 0; round < 10; round++) {
        PooledConnection abandoned = pool.checkout(endpoint(peer));
        abandoned.write(ByteBuffer.wrap(ascii("PING\r\n")), Duration.ofSeconds(1));
        abandoned.close(); // e.g. try-with-resources after an application exception
        try (PooledConnection next = pool.checkout(endpoint(peer))) {
          ping(next);
          Thread.sleep(40); // a crossed reply would be the next 7 bytes
          assertEquals(0, next.channel().read(ByteBuffer.allocate(16)), "round " + round);
          next.exchangeComplete(); // the raw read found nothing: declared, kept
        }
      }
      assertEquals(10, pool.stats(endpoint(peer)).destroyed(DestroyReason.INCOMPLETE_EXCHANGE));
      PooledConnection half = pool.checkout(endpoint(peer));
      half.write(ByteBuffer.wrap(ascii("PING\r\n")), Duration.ofSeconds(1));
      half.read(ByteBuffer.allocate(3), Duration.ofSeconds(1)); // only part of "+PONG\r\n"
      half.close();
      assertEquals(11, pool.stats(endpoint(peer)).destroyed(DestroyReason.INCOMPLETE_EXCHANGE));
    }
  }

  /** An interrupted caller fails alone: no connection destroyed, breaker untouched. */
  @Test
  void anInterruptedCallerFailsAloneAndTheNextCallerIsServed() throws Exception {
    try (SocketPool pool =
        SocketPool.create(
            config()
                .maxPerEndpoint(2)
                .validator(PING)
                .validationWindow(Duration.ofNanos(1))
                .build())) {
      assertEquals(2, pool.warmUp(endpoint(peer), 2));
      Thread.currentThread().interrupt();
      try {
        CheckoutException e =
            assertThrows(CheckoutException.class, () -> pool.checkout(endpoint(peer)));
        assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
        assertTrue(Thread.currentThread().isInterrupted(), "the flag stays set");
      } finally {
        Thread.interrupted();
      }
      EndpointStats s = pool.stats(endpoint(peer));
      assertEquals(0, s.destroyed(DestroyReason.VALIDATION), s.toString());
      assertEquals(2, s.idle(), s.toString());
      assertEquals(0, breaker(pool, peer).getMetrics().getNumberOfFailedCalls());
      try (PooledConnection c = pool.checkout(endpoint(peer))) {
        ping(c);
      }
    }
  }

  /** An interrupt during a connect (SYN never answered) is not a peer failure. */
  @Test
  void anInterruptDuringAConnectDoesNotCountAgainstTheBreaker() throws Exception {
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        SocketPool pool = SocketPool.create(config().build())) {
      List<Socket> filler = fillBacklog(full);
      Endpoint blackhole = Endpoint.of("127.0.0.1", full.getLocalPort());
      CompletableFuture<Throwable> failure = new CompletableFuture<>();
      Thread caller =
          new Thread(
              () -> {
                try {
                  pool.checkout(blackhole, Duration.ofSeconds(10)).close();
                  failure.complete(null);
                } catch (Throwable t) {
                  failure.complete(t);
                }
              });
      caller.start();
      waitFor(() -> pool.stats(blackhole).connecting() == 1);
      long start = System.nanoTime();
      caller.interrupt();
      Throwable t = failure.get(2, TimeUnit.SECONDS);
      assertInstanceOf(CheckoutException.class, t);
      assertTrue(t.getMessage().contains("interrupted"), t.getMessage());
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1));
      CircuitBreaker b = pool.circuitBreakers().circuitBreaker(blackhole.toString());
      assertEquals(0, b.getMetrics().getNumberOfFailedCalls());
      assertEquals(0, pool.stats(blackhole).open() + pool.stats(blackhole).connecting());
      for (Socket s : filler) {
        s.close();
      }
    }
  }

  /** A deadline shorter than a healthy PING is the caller's problem, not the peer's. */
  @Test
  void aCallersShortDeadlineDoesNotDestroyHealthyConnectionsOrOpenTheBreaker() throws Exception {
    // the PONG comes later than any stall of a busy machine: with 20 ms, a caller descheduled
    // for longer after its PING found the PONG waiting and was served past its 5 ms deadline
    Duration roundTrip = Slack.SCHEDULING.plusSeconds(1);
    peer.answerAfter(roundTrip);
    try (SocketPool pool =
        SocketPool.create(
            config()
                .maxPerEndpoint(4)
                .validator(PING)
                .validationTimeout(roundTrip.multipliedBy(2))
                .validationWindow(Duration.ofNanos(1))
                .build())) {
      assertEquals(4, pool.warmUp(endpoint(peer), 4));
      for (int i = 0; i < 4; i++) {
        CheckoutTimeoutException e =
            assertThrows(
                CheckoutTimeoutException.class,
                () -> pool.checkout(endpoint(peer), Duration.ofMillis(5)));
        assertTrue(e.getMessage().contains("validation did not finish"), e.getMessage());
      }
      EndpointStats s = pool.stats(endpoint(peer));
      assertEquals(0, s.destroyed(DestroyReason.VALIDATION), s.toString());
      assertEquals(CircuitBreaker.State.CLOSED, breaker(pool, peer).getState());
      assertEquals(0, breaker(pool, peer).getMetrics().getNumberOfFailedCalls());
      try (PooledConnection c = pool.checkout(endpoint(peer), roundTrip.multipliedBy(3))) {
        c.write(ByteBuffer.wrap(TestSupport.ascii("PING\r\n")), roundTrip);
        ByteBuffer reply = ByteBuffer.allocate(7);
        c.readFully(reply, roundTrip.multipliedBy(2));
        assertEquals("+PONG\r\n", new String(reply.array(), StandardCharsets.US_ASCII));
        c.exchangeComplete();
      }
    }
  }

  /** An Error from the initializer reaches the caller unwrapped and frees the slot. */
  @Test
  void anErrorFromTheInitializerReachesTheCallerAndFreesItsSlot() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ConnectionInitializer firstFails =
        (c, t) -> {
          if (calls.incrementAndGet() == 1) {
            throw new AssertionError("initializer bug");
          }
        };
    try (SocketPool pool = SocketPool.create(config().initializer(firstFails).build())) {
      AssertionError e = assertThrows(AssertionError.class, () -> pool.checkout(endpoint(peer)));
      assertEquals("initializer bug", e.getMessage());
      try (PooledConnection c = pool.checkout(endpoint(peer), Duration.ofSeconds(1))) {
        ping(c);
      }
      waitFor(() -> peer.open() == 1);
    }
  }

  /** An Error from the validator destroys the connection, frees the slot, reaches the caller. */
  @Test
  void anErrorFromTheValidatorDestroysTheConnectionAndFreesItsSlot() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Validator firstFails =
        (c, t) -> {
          if (calls.incrementAndGet() == 1) {
            throw new StackOverflowError("validator bug");
          }
          PING.validate(c, t);
        };
    try (SocketPool pool =
        SocketPool.create(
            config().validator(firstFails).validationWindow(Duration.ofNanos(1)).build())) {
      assertEquals(1, pool.warmUp(endpoint(peer), 1));
      assertThrows(StackOverflowError.class, () -> pool.checkout(endpoint(peer)));
      assertEquals(1, pool.stats(endpoint(peer)).destroyed(DestroyReason.BROKEN));
      try (PooledConnection c = pool.checkout(endpoint(peer), Duration.ofSeconds(1))) {
        ping(c);
      }
    }
  }

  /** Losers of a race for the last idle connection wait in sockpool, not in commons-pool2. */
  @Test
  void callersRacingForTheLastIdleConnectionFailByTheirDeadlineWithoutSpinning() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger inits = new AtomicInteger();
    ConnectionInitializer slowSecond =
        (c, t) -> {
          if (inits.incrementAndGet() == 2) {
            try {
              release.await(5, TimeUnit.SECONDS); // a slow initializer, in flight
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    try (SocketPool pool =
        SocketPool.create(
            config()
                .maxPerEndpoint(2)
                .initializer(slowSecond)
                .connectTimeout(Duration.ofSeconds(5))
                .build())) {
      PooledConnection held = pool.checkout(endpoint(peer));
      CompletableFuture<Void> inFlight =
          CompletableFuture.runAsync(
              () -> {
                try {
                  pool.checkout(endpoint(peer), Duration.ofSeconds(5)).close();
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      waitFor(() -> pool.stats(endpoint(peer)).connecting() == 1);
      held.close(); // one idle connection, several callers race for it
      ThreadMXBean mx = ManagementFactory.getThreadMXBean();
      List<CompletableFuture<Timing>> racers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        racers.add(
            CompletableFuture.supplyAsync(
                () -> timedCheckout(pool, endpoint(peer), mx),
                r -> new Thread(r, "racer").start()));
      }
      for (CompletableFuture<Timing> r : racers) {
        Timing t = r.get(5, TimeUnit.SECONDS);
        assertTrue(
            t.wallMillis() < Slack.upToMillis(Duration.ofMillis(200)),
            "took " + t.wallMillis() + " ms of a 200 ms deadline");
        assertTrue(t.cpuMillis() < 150, "used " + t.cpuMillis() + " ms of CPU");
      }
      release.countDown();
      inFlight.get(5, TimeUnit.SECONDS);
    }
  }

  /** Wall and CPU time of one checkout. */
  record Timing(long wallMillis, long cpuMillis) {}

  /** One checkout with a 200 ms deadline; a winner holds its connection 250 ms. */
  private static Timing timedCheckout(SocketPool pool, Endpoint endpoint, ThreadMXBean mx) {
    long cpu = mx.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    try (PooledConnection c = pool.checkout(endpoint, Duration.ofMillis(200))) {
      Timing t =
          new Timing(
              (System.nanoTime() - start) / 1_000_000,
              (mx.getCurrentThreadCpuTime() - cpu) / 1_000_000);
      Thread.sleep(250); // the winner keeps it past everyone's deadline
      return t;
    } catch (CheckoutTimeoutException expected) {
      return new Timing(
          (System.nanoTime() - start) / 1_000_000,
          (mx.getCurrentThreadCpuTime() - cpu) / 1_000_000);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<Socket> fillBacklog(ServerSocket full) throws IOException {
    List<Socket> filler = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Socket s = new Socket();
      try {
        s.connect(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), full.getLocalPort()), 200);
      } catch (IOException e) {
        // the queue is full now
      }
      filler.add(s);
    }
    return filler;
  }

  static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    ValidationTest.waitUntil(condition);
  }

  @Test
  void theSameConnectionObjectIsNeverHandedToTwoHolders() throws Exception {
    try (SocketPool pool = SocketPool.create(config().build())) {
      PooledConnection a = pool.checkout(endpoint(peer));
      java.nio.channels.SocketChannel raw = a.channel();
      a.exchangeComplete(); // channel() counts as raw I/O: declared, so the connection is kept
      a.close();
      try (PooledConnection b = pool.checkout(endpoint(peer))) {
        assertSame(raw, b.channel());
        assertThrows(IllegalStateException.class, a::channel);
      }
    }
  }
}
