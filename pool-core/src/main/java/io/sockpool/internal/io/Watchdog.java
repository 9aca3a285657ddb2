package io.sockpool.internal.io;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps the deadlines of blocking reads and writes (after Okio's {@code AsyncTimeout}): one daemon
 * thread per pool ({@code <pool>-watchdog}) that sleeps until the earliest deadline of a call under
 * way, then closes the channels whose deadline passed, which ends their calls.
 *
 * <p>The cost on the I/O path is one volatile write and one compare-and-set per call, and no
 * wake-up as long as every new deadline is later than the one the watchdog sleeps towards, which is
 * the steady state with one timeout per pool: a call's deadline is "now + timeout", so it is later
 * than that of any earlier call. The watchdog is woken only by a call whose deadline is earlier
 * than its wake-up time (a shorter timeout, or the first call after a quiet spell), at most once
 * per call.
 *
 * <p>Race-free by ordering: a call publishes its deadline, then reads {@link #wakeAt}; the watchdog
 * sets {@link #wakeAt} to "far away" before it scans, so a call either is seen by the scan or sees
 * a wake-up time it must wake the watchdog for. When nothing is under way it parks until woken.
 */
public final class Watchdog implements Runnable {
  /** {@link #wakeAt} while scanning: later than any deadline, so every new call wakes us. */
  private static final long FAR = Long.MAX_VALUE / 4;

  private final Set<ChannelIo> channels = ConcurrentHashMap.newKeySet();
  private final Thread thread;
  private volatile long wakeAt;
  private volatile boolean stopped;
  private long expired;
  private final java.util.concurrent.atomic.LongAdder wakeUps =
      new java.util.concurrent.atomic.LongAdder();

  /**
   * @param name the thread's name
   */
  public Watchdog(String name) {
    this.wakeAt = System.nanoTime() + FAR;
    this.thread = new Thread(this, name);
    thread.setDaemon(true);
  }

  /** Starts the thread. */
  public void start() {
    thread.start();
  }

  public void register(ChannelIo io) {
    channels.add(io);
  }

  public void deregister(ChannelIo io) {
    channels.remove(io);
  }

  /**
   * Called by a connection right after it published {@code deadlineNanos}: wakes the watchdog if it
   * sleeps past that time.
   */
  public void armed(long deadlineNanos) {
    if (deadlineNanos - wakeAt < 0) {
      wakeUps.increment();
      LockSupport.unpark(thread);
    }
  }

  /** Returns how many calls had to wake the watchdog (the rest cost no wake-up). */
  public long wakeUps() {
    return wakeUps.sum();
  }

  @Override
  public void run() {
    while (!stopped) {
      wakeAt = System.nanoTime() + FAR;
      long next = scan(System.nanoTime());
      wakeAt = next;
      long sleep = next - System.nanoTime();
      if (sleep > 0 && !stopped) {
        LockSupport.parkNanos(this, sleep);
      }
      Thread.interrupted(); // nothing interrupts it on purpose; never let it turn into a spin
    }
  }

  /**
   * Ends the calls whose deadline passed.
   *
   * @return the earliest deadline still pending, or now + {@link #FAR} if none
   */
  public long scan(long nowNanos) {
    long next = nowNanos + FAR;
    for (ChannelIo io : channels) {
      long d = io.pendingDeadline();
      if (d == Long.MIN_VALUE) {
        continue;
      }
      if (d - nowNanos <= 0) {
        if (io.expire(d)) {
          expired++;
        }
      } else if (d - next < 0) {
        next = d;
      }
    }
    return next;
  }

  /**
   * Returns how many calls it ended, for tests (read on the watchdog thread or after {@link
   * #stop}).
   */
  public long expiredCount() {
    return expired;
  }

  /** Stops the thread; calls still under way keep their deadlines no more. */
  public void stop() {
    stopped = true;
    LockSupport.unpark(thread);
  }

  /** Waits up to {@code millis} for the thread to end. */
  public void awaitStopped(long millis) throws InterruptedException {
    thread.join(millis);
  }

  /** Returns whether the thread is alive. */
  public boolean isAlive() {
    return thread.isAlive();
  }
}
