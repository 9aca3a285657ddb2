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
 * Checkout on virtual threads: 10,000 of them against a pool of 16, all served, near arrival order,
 * and no virtual thread pinned to its carrier while waiting (checkout never blocks in a monitor).
 * Needs JDK 21+: on JDK 17 it is skipped, and {@code mvn verify} runs pool-core's tests a second
 * time on the machine's second JDK (see pool-core's pom).
 */
@Timeout(120)
@ExtendWith(FakePeerExtension.class)
class VirtualThreadsTest {
  private FakePeer peer;

  @Test
  void tenThousandVirtualThreadsOnSixteenConnectionsAreAllServedInArrivalOrder() throws Exception {
    assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21 or newer");
    AtomicLong pinned = new AtomicLong();
    try (RecordingStream jfr = new RecordingStream();
        SocketPool pool =
            SocketPool.create(
                PoolConfig.builder()
                    .poolName("virtual")
                    .maxPerEndpoint(16)
                    .checkoutTimeout(Duration.ofSeconds(60))
                    .build())) {
      // ExecutorService is AutoCloseable only from JDK 19; the tests compile with --release 17
      ExecutorService executor = newVirtualThreadPerTaskExecutor();
      jfr.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO);
      jfr.onEvent("jdk.VirtualThreadPinned", e -> pinned.incrementAndGet());
      jfr.startAsync();
      int n = 10_000;
      AtomicInteger arrivals = new AtomicInteger();
      AtomicInteger served = new AtomicInteger();
      AtomicInteger maxDisplacement = new AtomicInteger();
      List<Future<?>> tasks = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        tasks.add(
            executor.submit(
                () -> {
                  int arrived = arrivals.getAndIncrement(); // no blocking until checkout parks
                  try (PooledConnection c = pool.checkout(peer.endpoint())) {
                    int turn = served.getAndIncrement();
                    maxDisplacement.accumulateAndGet(Math.abs(turn - arrived), Math::max);
                    Thread.sleep(0, 100_000);
                  }
                  return null;
                }));
      }
      for (Future<?> t : tasks) {
        t.get(60, TimeUnit.SECONDS);
      }
      assertEquals(n, served.get());
      assertTrue(
          maxDisplacement.get() <= 256,
          "served up to " + maxDisplacement.get() + " places away from arrival order");
      assertTrue(
          pool.stats(peer.endpoint()).created() <= 16, pool.stats(peer.endpoint()).toString());
      executor.shutdown();
      assertTrue(executor.awaitTermination(60, TimeUnit.SECONDS));
    }
    assertEquals(0, pinned.get(), "virtual threads pinned to their carrier");
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
