package io.sockpool.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Measures the process's own stalls (the scheduler on a busy host, GC pauses): a thread that only
 * parks for 1 ms at a time and records every wake-up later than {@link #THRESHOLD_NANOS}. A
 * checkout that returns late while no stall was seen was held by the pool, not by the machine.
 */
final class StallMeter implements Runnable {
  /** A wake-up this much later than asked counts as a stall. */
  static final long THRESHOLD_NANOS = 5_000_000;

  private static final long PARK_NANOS = 1_000_000;

  /**
   * One stall: the meter's last wake-up before it and the late one ({@link System#nanoTime()}), and
   * how much of it the meter's own thread did not spend waiting for a core: a pause of the whole
   * process (a safepoint, whose start waits for every running thread to get a core, or a GC).
   */
  private record Stall(long from, long to, long paused) {}

  private final List<Stall> stalls = new ArrayList<>();
  private volatile boolean running = true;
  private long maxStallNanos;

  @Override
  public void run() {
    long last = System.nanoTime();
    long queuedBefore = runQueueNanos();
    while (running) {
      LockSupport.parkNanos(PARK_NANOS);
      long now = System.nanoTime();
      long queued = runQueueNanos();
      long late = now - last - PARK_NANOS;
      if (late > THRESHOLD_NANOS) {
        long ownQueue = queued < 0 || queuedBefore < 0 ? 0 : queued - queuedBefore;
        synchronized (this) {
          stalls.add(new Stall(last, now, Math.max(0, late - ownQueue)));
          maxStallNanos = Math.max(maxStallNanos, late);
        }
      }
      last = now;
      queuedBefore = queued;
    }
  }

  /**
   * @return how long the current thread has waited on a run queue for a core in all (Linux's {@code
   *     /proc/thread-self/schedstat}), or -1 where that is not available
   */
  static long runQueueNanos() {
    return runQueueNanos(Path.of("/proc/thread-self/schedstat"));
  }

  /**
   * @param schedstat a thread's {@code schedstat} file, or null
   * @return how long that thread has waited on a run queue for a core in all, or -1 where that is
   *     not available
   */
  static long runQueueNanos(Path schedstat) {
    if (schedstat == null) {
      return -1;
    }
    try {
      String[] fields =
          new String(Files.readAllBytes(schedstat), StandardCharsets.US_ASCII).trim().split(" ");
      return Long.parseLong(fields[1]);
    } catch (IOException | RuntimeException unavailable) {
      return -1;
    }
  }

  /**
   * @param threadName the name of one of this process's threads
   * @return that thread's {@code schedstat} file (Linux keeps the first 15 bytes of a thread's
   *     name), or null if no thread has that name or there is no {@code /proc}
   */
  static Path schedstatOf(String threadName) {
    String comm = threadName.length() > 15 ? threadName.substring(0, 15) : threadName;
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        if (Files.readString(task.resolve("comm"), StandardCharsets.US_ASCII).trim().equals(comm)) {
          return task.resolve("schedstat");
        }
      }
    } catch (IOException | RuntimeException unavailable) {
      return null;
    }
    return null;
  }

  void stop() {
    running = false;
  }

  /**
   * @return whether a stall overlapped {@code [fromNanos, toNanos]} ({@link System#nanoTime()})
   */
  synchronized boolean stalledDuring(long fromNanos, long toNanos) {
    for (int i = stalls.size() - 1; i >= 0; i--) {
      Stall s = stalls.get(i);
      if (s.from() - toNanos <= 0 && s.to() - fromNanos >= 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * @return how much of {@code [fromNanos, toNanos]} ({@link System#nanoTime()}) the stalls seen
   *     cover, in nanoseconds
   */
  synchronized long stalledWithin(long fromNanos, long toNanos) {
    long covered = 0;
    for (int i = stalls.size() - 1; i >= 0; i--) {
      Stall s = stalls.get(i);
      long from = s.from() - fromNanos > 0 ? s.from() : fromNanos;
      long to = s.to() - toNanos < 0 ? s.to() : toNanos;
      if (to - from > 0) {
        covered += to - from;
      }
    }
    return covered;
  }

  /**
   * @return how much of {@code [fromNanos, toNanos]} the process was paused as a whole (stalls less
   *     the meter's own wait for a core, each counted in proportion to its overlap)
   */
  synchronized long pausedWithin(long fromNanos, long toNanos) {
    long paused = 0;
    for (int i = stalls.size() - 1; i >= 0; i--) {
      Stall s = stalls.get(i);
      long from = s.from() - fromNanos > 0 ? s.from() : fromNanos;
      long to = s.to() - toNanos < 0 ? s.to() : toNanos;
      if (to - from > 0) {
        paused += (long) ((double) s.paused() * (to - from) / Math.max(1, s.to() - s.from()));
      }
    }
    return paused;
  }

  /**
   * @return how many stalls were seen
   */
  synchronized int count() {
    return stalls.size();
  }

  /**
   * @return the longest stall seen
   */
  synchronized long maxStallNanos() {
    return maxStallNanos;
  }
}
