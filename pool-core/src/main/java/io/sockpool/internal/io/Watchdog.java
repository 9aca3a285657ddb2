package io.sockpool.internal.io;

import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the deadlines of blocking reads and writes (after Okio's {@code AsyncTimeout}): one daemon
 * thread per pool ({@code <pool>-watchdog}) that sleeps until the earliest deadline of a call under
 * way, then closes the channels whose deadline passed, which ends their calls.
 *
 * <p><b>Cost follows the calls, not the connections.</b> The watchdog looks only at the connections
 * it watches: those that made a call since it last found them idle. A connection's first call after
 * that hands it over (a push on a lock-free stack, no allocation); a scan that finds a watched
 * connection idle lets it go ({@link BlockingIo#letGo}). So idle connections, however many, cost
 * nothing, and a scan costs one look per connection that made a call since the previous scan.
 *
 * <p><b>Cost on the I/O path</b>: one volatile write and one compare-and-set per call (plus a
 * volatile read of the watch state), and no wake-up as long as every new deadline is later than the
 * one the watchdog sleeps towards, which is the steady state with one timeout per pool: a call's
 * deadline is "now + timeout", later than that of any earlier call. The watchdog is woken only by a
 * call whose deadline is earlier than its wake-up time (a shorter timeout, or the first call after
 * a quiet spell), at most once per call.
 *
 * <p>Race-free by ordering: a call publishes its deadline (and hands its connection over if need
 * be), then reads {@link #wakeAt}; the watchdog sets {@link #wakeAt} to "far away" before it takes
 * the hand-overs and scans, so a call either is seen by the scan or sees a wake-up time it must
 * wake the watchdog for. When nothing is under way it parks until woken.
 *
 * <p>It survives any {@link Throwable} from what it calls (an {@link OutOfMemoryError}, a failing
 * close): it logs it, pauses a millisecond and goes on, and no hand-over is lost on the way.
 */
public final class Watchdog implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);

  /** {@link #wakeAt} while scanning: later than any deadline, so every new call wakes us. */
  private static final long FAR = Long.MAX_VALUE / 4;

  /**
   * How long a watched connection found idle is kept before a second look may let it go. Letting it
   * go at the first idle look made steady traffic of short calls wake the watchdog once per call
   * whenever the watchdog ran between two calls: let go, it slept with no deadline, and the next
   * call had to wake it (117 wake-ups for 2,000 calls in one run of {@code WatchdogTest}).
   */
  static final long LINGER_NANOS = 1_000_000_000L;

  /** The pause after a failed pass, so that a failure that repeats does not spin. */
  private static final long PAUSE_AFTER_FAILURE_NANOS = 1_000_000;

  private final LongSupplier clock;
  private final Thread thread;

  /** Connections handed over since the last scan: a lock-free stack linked through the nodes. */
  private final AtomicReference<BlockingIo> handedOver = new AtomicReference<>();

  /** The watched connections; the watchdog thread's own (or the caller of {@link #scan}). */
  private final ArrayList<BlockingIo> watched = new ArrayList<>();

  /** Hand-overs taken from the stack and not yet in {@link #watched} (kept across a failure). */
  private BlockingIo taking;

  private volatile long wakeAt;
  private volatile boolean stopped;
  private volatile long expired;
  private volatile long scanned;
  private final LongAdder wakeUps = new LongAdder();
  private final LongAdder failures = new LongAdder();

  /**
   * @param name the thread's name
   */
  public Watchdog(String name) {
    this(name, System::nanoTime);
  }

  /**
   * @param name the thread's name
   * @param clock {@link System#nanoTime()}, or a test's stand-in
   */
  public Watchdog(String name, LongSupplier clock) {
    this.clock = clock;
    this.wakeAt = System.nanoTime() + FAR;
    this.thread = new Thread(this, name);
    thread.setDaemon(true);
  }

  /** Starts the thread. */
  public void start() {
    thread.start();
  }

  /**
   * Takes a connection whose call just armed and that the watchdog does not watch (its watch state
   * was just set by the caller): it is looked at from the next scan on.
   */
  void handOver(BlockingIo io) {
    BlockingIo head;
    do {
      head = handedOver.get();
      io.nextHandedOver = head;
    } while (!handedOver.compareAndSet(head, io));
  }

  /**
   * Called by a connection right after it published {@code deadlineNanos}: wakes the watchdog if it
   * sleeps past that time.
   */
  void armed(long deadlineNanos) {
    if (deadlineNanos - wakeAt < 0) {
      wakeUps.increment();
      LockSupport.unpark(thread);
    }
  }

  /**
   * @return how many calls had to wake the watchdog (the rest cost no wake-up)
   */
  public long wakeUps() {
    return wakeUps.sum();
  }

  /**
   * @return how many passes failed with a {@link Throwable} (and were survived)
   */
  public long failures() {
    return failures.sum();
  }

  @Override
  public void run() {
    while (!stopped) {
      try {
        pass();
      } catch (Throwable t) { // an Error too: the deadlines of every connection depend on us
        failed(t);
      }
      Thread.interrupted(); // nothing interrupts it on purpose; never let it turn into a spin
    }
  }

  private void pass() {
    wakeAt = clock.getAsLong() + FAR;
    long next = scan(clock.getAsLong());
    wakeAt = next;
    long sleep = next - clock.getAsLong();
    if (sleep > 0 && !stopped) {
      LockSupport.parkNanos(this, sleep);
    }
  }

  private void failed(Throwable t) {
    failures.increment();
    long n = failures.sum();
    if (Long.bitCount(n) == 1) { // the 1st, 2nd, 4th, 8th...: a repeating failure does not flood
      try {
        LOG.error(
            "{} caught a failure and goes on keeping deadlines ({} so far)",
            thread.getName(),
            n,
            t);
      } catch (Throwable ignored) { // logging failed too (out of memory): keep going
        // nothing else to do
      }
    }
    LockSupport.parkNanos(this, PAUSE_AFTER_FAILURE_NANOS);
  }

  /**
   * Ends the calls whose deadline passed, among the watched connections, and lets go of the ones
   * found idle at this look and the one before.
   *
   * @return the earliest deadline still pending, at most now + {@link #LINGER_NANOS} while a
   *     connection found idle for the first time is kept, or now + {@link #FAR} if none
   */
  @SuppressWarnings("NonAtomicVolatileUpdate") // one writer: only the watchdog thread scans
  public long scan(long nowNanos) {
    takeHandOvers();
    long next = nowNanos + FAR;
    long looked = 0;
    boolean lingering = false;
    for (int i = watched.size() - 1; i >= 0; i--) {
      BlockingIo io = watched.get(i);
      looked++;
      long d = io.pendingDeadline();
      if (d == BlockingIo.IDLE) {
        if (!io.foundIdle) {
          io.foundIdle = true; // idle at this look: let go only if idle at the next one too
          lingering = true;
          continue;
        }
        if (io.letGo()) {
          int last = watched.size() - 1;
          watched.set(i, watched.get(last));
          watched.remove(last);
          continue;
        }
        d = io.pendingDeadline(); // a call armed meanwhile and we kept it
        if (d == BlockingIo.IDLE) {
          continue; // and ended already: looked at again next scan
        }
      }
      io.foundIdle = false;
      if (d - nowNanos <= 0) {
        if (io.expire(d)) {
          expired++;
        }
      } else if (d - next < 0) {
        next = d;
      }
    }
    scanned += looked;
    long lingerEnd = nowNanos + LINGER_NANOS;
    return lingering && lingerEnd - next < 0 ? lingerEnd : next;
  }

  /** Moves what was handed over into the watched list; resumable after a failure. */
  private void takeHandOvers() {
    while (true) {
      if (taking == null) {
        taking = handedOver.getAndSet(null);
        if (taking == null) {
          return;
        }
      }
      taking.foundIdle = false;
      watched.add(taking); // if this throws, taking is kept and added next pass
      BlockingIo nextOne = taking.nextHandedOver;
      taking.nextHandedOver = null;
      taking = nextOne;
    }
  }

  /**
   * @return how many calls it ended, for tests
   */
  public long expiredCount() {
    return expired;
  }

  /**
   * @return how many watched entries its scans looked at in all (for tests: the watchdog's work)
   */
  long scanned() {
    return scanned;
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

  /**
   * @return whether the thread is alive
   */
  public boolean isAlive() {
    return thread.isAlive();
  }
}
