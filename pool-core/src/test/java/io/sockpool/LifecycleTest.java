package io.sockpool;

import static io.sockpool.TestSupport.endpoint;
import static io.sockpool.TestSupport.ping;
import static io.sockpool.ValidationTest.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.FakePeerExtension;
import io.sockpool.testkit.ProcessResources;
import io.sockpool.testkit.Slack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(30)
@ExtendWith(FakePeerExtension.class)
class LifecycleTest {
  private FakePeer peer;

  @Test
  void connectionHeldPastTheThresholdIsLoggedOnceWithTheCheckoutStack() throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream tee = new PrintStream(captured, true, StandardCharsets.UTF_8);
    System.setErr(tee);
    try (SocketPool pool =
        SocketPool.create(
            PoolConfig.builder()
                .poolName("leaky")
                .leakDetectionThreshold(Duration.ofMillis(100))
                .evictionInterval(Duration.ofMillis(20))
                .build())) {
      PooledConnection c = pool.checkout(endpoint(peer));
      waitUntil(
          () -> captured.toString(StandardCharsets.UTF_8).contains("Possible connection leak"));
      Thread.sleep(200); // several more evictor runs
      c.close();
    } finally {
      System.setErr(original);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertEquals(1, log.split("Possible connection leak", -1).length - 1, log);
    assertTrue(log.contains("WARN"), log);
    assertTrue(log.contains("held by thread '" + Thread.currentThread().getName() + "'"), log);
    assertTrue(
        log.contains("connectionHeldPastTheThresholdIsLoggedOnceWithTheCheckoutStack"),
        "the stack trace of the checkout: " + log);
  }

  @Test
  void closeLeavesNoConnectionFileDescriptorOrThreadBehind() throws Exception {
    waitUntil(() -> ProcessResources.threadsNamed("fdcheck").isEmpty());
    long fdsBefore = ProcessResources.openFds();
    SocketPool pool =
        SocketPool.create(
            PoolConfig.builder()
                .poolName("fdcheck")
                .maxPerEndpoint(8)
                .minIdlePerEndpoint(4)
                .evictionInterval(Duration.ofMillis(20))
                .closeGracePeriod(Duration.ofMillis(300))
                .build());
    assertEquals(4, pool.warmUp(endpoint(peer)));
    List<PooledConnection> held = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      held.add(pool.checkout(endpoint(peer)));
    }
    held.get(0).close();
    PooledConnection neverReturned = held.get(1);
    CompletableFuture<Void> lateReturn =
        CompletableFuture.runAsync(
            () -> held.get(2).close(),
            CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));
    long start = System.nanoTime();
    pool.close();
    long closeMs = (System.nanoTime() - start) / 1_000_000;
    pool.close(); // idempotent
    lateReturn.get(5, TimeUnit.SECONDS);
    assertTrue(
        closeMs >= 250 && closeMs < Slack.upToMillis(Duration.ofMillis(300)),
        "close waited for the grace period, took " + closeMs + " ms");
    assertThrows(IllegalStateException.class, () -> pool.checkout(endpoint(peer)));
    assertTrue(
        !neverReturned.channel().isOpen(), "still held after the grace period: closed by force");
    for (PooledConnection c : held) {
      c.close(); // returning after close is harmless
    }
    // a connector thread may finish an instant after close() returns: wait (bounded) for it
    ProcessResources.awaitAtMost(
        () -> ProcessResources.threadsNamed("fdcheck").size(), 0, Duration.ofSeconds(5));
    assertEquals(List.of(), ProcessResources.threadsNamed("fdcheck"), "no pool thread left");
    waitUntil(() -> peer.open() == 0);
    if (fdsBefore >= 0) {
      long fdsAfter =
          ProcessResources.awaitAtMost(ProcessResources::openFds, fdsBefore, Duration.ofSeconds(5));
      assertTrue(
          fdsAfter <= fdsBefore,
          "file descriptors after close: " + fdsAfter + ", before: " + fdsBefore);
    }
    EndpointStats s = pool.stats(endpoint(peer));
    assertEquals(0, s.active() + s.idle());
    assertTrue(s.destroyed(DestroyReason.CLOSED) >= 4, s.toString());
  }

  @Test
  void checkoutWaitingWhenThePoolClosesFailsInsteadOfHanging() throws Exception {
    SocketPool pool =
        SocketPool.create(
            PoolConfig.builder().maxPerEndpoint(1).closeGracePeriod(Duration.ZERO).build());
    PooledConnection held = pool.checkout(endpoint(peer));
    CompletableFuture<Throwable> waiter =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                pool.checkout(endpoint(peer), Duration.ofSeconds(20)).close();
                return null;
              } catch (Exception | Error e) {
                return e;
              }
            });
    CheckoutDeadlineTest.awaitWaiters(pool, 1);
    pool.close();
    Throwable t = waiter.get(5, TimeUnit.SECONDS);
    assertTrue(
        t instanceof IllegalStateException && t.getMessage().contains("closed"), String.valueOf(t));
    held.close();
  }

  @Test
  void statsCountCheckoutsWaitsAndEveryDestroyReason() throws Exception {
    try (SocketPool pool = SocketPool.create(PoolConfig.builder().build())) {
      try (PooledConnection c = pool.checkout(endpoint(peer))) {
        ping(c);
      }
      pool.checkout(endpoint(peer)).invalidate();
      EndpointStats s = pool.stats(endpoint(peer));
      assertEquals(2, s.checkouts());
      assertEquals(1, s.created(), "the second checkout reused the first connection");
      assertEquals(1, s.destroyed(DestroyReason.BROKEN));
      assertEquals(1, s.destroyedTotal());
      assertTrue(s.waitMax().compareTo(s.waitMean()) >= 0);
      assertTrue(s.waitP99().compareTo(Duration.ZERO) > 0);
      assertEquals(s.created(), pool.stats().total().created());
      assertTrue(pool.stats().toString().contains("checkouts=2"));
    }
  }
}
