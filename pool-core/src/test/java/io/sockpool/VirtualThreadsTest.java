package io.sockpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sockpool.testkit.FakePeerExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Checkout on virtual threads: 10,000 of them against a pool of 16, all served, 99 % of them within
 * 256 places of arrival order, and no virtual thread pinned to its carrier while waiting (checkout
 * never blocks in a monitor). Needs JDK 21+: on JDK 17 it is skipped, and {@code mvn verify} runs
 * pool-core's tests a second time on the machine's second JDK (see pool-core's pom).
 */
@Timeout(120)
@ExtendWith(FakePeerExtension.class)
class VirtualThreadsTest {
  private FakePeer peer;

  @Test
  void tenThousandVirtualThreadsOnSixteenConnectionsAreAllServedInArrivalOrder() throws Exception {
    assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21 or newer");
    AtomicLong pinned = new AtomicLong();
    ExecutorService executor = newVirtualThreadPerTaskExecutor();
    try (RecordingStream jfr = new RecordingStream();
        SocketPool pool =
            SocketPool.create(
                PoolConfig.builder()
                    .poolName("virtual")
                    .maxPerEndpoint(16)
                    .checkoutTimeout(Duration.ofSeconds(60))
                    .build());
        AutoCloseable stopExecutor = () -> shutdownAndWait(executor)) {
      jfr.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO);
      jfr.onEvent("jdk.VirtualThreadPinned", e -> pinned.incrementAndGet());
      jfr.startAsync();
      int n = 10_000;
      AtomicInteger arrivals = new AtomicInteger();
      AtomicInteger served = new AtomicInteger();
      AtomicInteger maxDisplacement = new AtomicInteger();
      AtomicInteger farOff = new AtomicInteger();
      List<Future<?>> tasks = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        tasks.add(
            executor.submit(
                () -> {
                  int arrived = arrivals.getAndIncrement(); // no blocking until checkout parks
                  try (PooledConnection c = pool.checkout(peer.endpoint())) {
                    int turn = served.getAndIncrement();
                    int displacement = Math.abs(turn - arrived);
                    maxDisplacement.accumulateAndGet(displacement, Math::max);
                    if (displacement > 256) {
                      farOff.incrementAndGet();
                    }
                    Thread.sleep(0, 100_000);
                  }
                  return null;
                }));
      }
      for (Future<?> t : tasks) {
        t.get(60, TimeUnit.SECONDS);
      }
      assertEquals(n, served.get());
      // Virtual threads never come straight back for a second checkout, so every return goes to
      // the longest waiter: arrival order, up to the 16 connections in flight. A few tasks may
      // still be far off: the OS can deschedule a carrier between a task's arrival and its join
      // (on a loaded 2-core machine, for tens of ms, while the other carrier runs hundreds of
      // tasks); at 8752e26 the strict maximum failed that way ("served up to 9251 places away",
      // load average 20). So: 99 % of the tasks within 256 places.
      assertTrue(
          farOff.get() <= n / 100,
          farOff.get()
              + " tasks served more than 256 places away from arrival order (max "
              + maxDisplacement.get()
              + ")");
      assertTrue(
          pool.stats(peer.endpoint()).created() <= 16, pool.stats(peer.endpoint()).toString());
    }
    assertEquals(0, pinned.get(), "virtual threads pinned to their carrier");
  }

  /** What {@code ExecutorService.close()} does on JDK 19+; the test compiles for JDK 17. */
  private static void shutdownAndWait(ExecutorService executor) throws InterruptedException {
    executor.shutdown();
    if (!executor.awaitTermination(60, TimeUnit.SECONDS)) {
      executor.shutdownNow();
    }
  }

  private static ExecutorService newVirtualThreadPerTaskExecutor() throws IOException {
    try {
      return (ExecutorService)
          Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new IOException("no virtual threads on JDK " + Runtime.version(), e);
    }
  }
}
