package io.sockpool.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The run-queue time of a pool's own threads (watchdog, evictor, connectors, resolvers: every
 * thread whose name starts with the pool's name), read from Linux's {@code
 * /proc/self/task/<tid>/schedstat} (second field: nanoseconds spent waiting for a core). A checkout
 * that waits on one of them (a validation read ends when the watchdog closes the channel) is late
 * by that thread's wait for a core, which its own thread's run-queue time does not show. The list
 * of threads is found again at most every {@link #REFRESH_NANOS}: connectors come and go.
 */
final class PoolThreadDelays {
  private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** The pool threads' run-queue counters at one instant. */
  static final class Reading {
    private final Map<Path, Long> queued;

    private Reading(Map<Path, Long> queued) {
      this.queued = queued;
    }

    /**
     * @return the longest wait for a core any one pool thread had between {@code before} and this
     *     reading (a thread that started since counts from 0); 0 where nothing can be read
     */
    long maxSince(Reading before) {
      long max = 0;
      for (Map.Entry<Path, Long> e : queued.entrySet()) {
        max = Math.max(max, e.getValue() - before.queued.getOrDefault(e.getKey(), 0L));
      }
      return max;
    }
  }

  private final String comm;
  private final AtomicLong foundAt = new AtomicLong(System.nanoTime() - 2 * REFRESH_NANOS);
  private volatile Path[] threads = new Path[0];

  /**
   * @param poolName the pool's name: its threads are named after it (Linux keeps the first 15 bytes
   *     of a thread's name, so the prefix is cut there too)
   */
  PoolThreadDelays(String poolName) {
    String prefix = poolName + "-";
    this.comm = prefix.length() > 15 ? prefix.substring(0, 15) : prefix;
  }

  /**
   * @return every pool thread's run-queue counter now (empty without {@code /proc})
   */
  Reading read() {
    refreshIfStale();
    Path[] now = threads;
    Map<Path, Long> queued = new HashMap<>(now.length * 2);
    for (Path p : now) {
      long q = StallMeter.runQueueNanos(p);
      if (q >= 0) {
        queued.put(p, q);
      }
    }
    return new Reading(queued);
  }

  /**
   * @return how many pool threads the last look found
   */
  int threadCount() {
    return threads.length;
  }

  private void refreshIfStale() {
    long last = foundAt.get();
    long now = System.nanoTime();
    if (now - last < REFRESH_NANOS || !foundAt.compareAndSet(last, now)) {
      return; // fresh enough, or another thread looks right now
    }
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      threads =
          tasks
              .filter(t -> commOf(t).startsWith(comm))
              .map(t -> t.resolve("schedstat"))
              .toArray(Path[]::new);
    } catch (IOException | RuntimeException unavailable) {
      threads = new Path[0];
    }
  }

  private static String commOf(Path task) {
    try {
      return Files.readString(task.resolve("comm"), StandardCharsets.US_ASCII).trim();
    } catch (IOException | RuntimeException gone) {
      return "";
    }
  }
}
