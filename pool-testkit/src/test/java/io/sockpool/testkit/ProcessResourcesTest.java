package io.sockpool.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ProcessResourcesTest {

  @Test
  void threadsAreFoundByNameAndTheWaitEndsWhenTheyHaveEnded() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Thread t =
        new Thread(
            () -> {
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "process-resources-test-1");
    t.start();
    assertEquals(
        List.of("process-resources-test-1"),
        ProcessResources.threadsNamed("process-resources-test-"));
    release.countDown();
    long left =
        ProcessResources.awaitAtMost(
            () -> ProcessResources.threadsNamed("process-resources-test-").size(),
            0,
            Duration.ofSeconds(5));
    assertEquals(0, left);
  }

  @Test
  void awaitAtMostGivesUpAtTheDeadlineWithTheLastCount() throws Exception {
    long start = System.nanoTime();
    assertEquals(3, ProcessResources.awaitAtMost(() -> 3, 1, Duration.ofMillis(100)));
    assertTrue(System.nanoTime() - start >= 100_000_000L);
  }

  @Test
  void awaitStableWaitsUntilTheCountStopsChanging() throws Exception {
    AtomicLong calls = new AtomicLong();
    // changes on each of the first 10 reads, then stays at 10
    long stable =
        ProcessResources.awaitStable(
            () -> Math.min(calls.incrementAndGet(), 10),
            Duration.ofMillis(100),
            Duration.ofSeconds(5));
    assertEquals(10, stable);
  }

  @Test
  void openSocketsCountsThisProcesssSockets() throws Exception {
    long before = ProcessResources.openSockets();
    if (before < 0) {
      return; // no /proc here
    }
    try (FakePeer peer = FakePeer.echo();
        Socket s = new Socket(peer.host(), peer.port())) {
      assertTrue(s.isConnected());
      // the listener, our end and the peer's end (accepted on the peer's own thread, so wait)
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (ProcessResources.openSockets() < before + 3 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertTrue(
          ProcessResources.openSockets() >= before + 3,
          "sockets " + ProcessResources.openSockets() + ", before " + before);
    }
    assertTrue(ProcessResources.openFds() >= ProcessResources.openSockets());
  }
}
