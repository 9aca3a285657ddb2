package io.sockpool.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.sockpool.DestroyReason;
import io.sockpool.Endpoint;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Everything the pool keeps per endpoint beyond commons-pool2's sub-pool: the waiters (we
 * wait ourselves, with {@code blockWhenExhausted=false} in commons-pool2, so that no returning
 * or invalidating thread ever opens a connection for a waiter), the counters, every live
 * channel (for leak detection, "held by" and forced close) and the circuit breaker.
 */
final class EndpointState {
  /** A waiter looks at the pool again at least this often, even without a wake-up. */
  private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  /**
   * A returned connection goes straight to the longest waiter once that waiter has waited this
   * long; before that, whoever runs first may take it. Bounds unfairness (no caller starves
   * behind threads that return and re-borrow) without a context switch per checkout when waits
   * are short.
   */
  private static final long HANDOFF_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  final Endpoint endpoint;
  final CircuitBreaker breaker;
  final Set<PooledChannel> channels = ConcurrentHashMap.newKeySet();
  final AtomicInteger waiters = new AtomicInteger();
  final AtomicBoolean replenishing = new AtomicBoolean();
  final LongAdder created = new LongAdder();
  final LongAdder[] destroyed = new LongAdder[DestroyReason.values().length];
  final LongAdder checkouts = new LongAdder();
  final LongAdder timeouts = new LongAdder();
  final LongAdder rejected = new LongAdder();
  final WaitHistogram waits = new WaitHistogram();
  volatile Throwable lastFailure;
  private volatile long openedAtMillis;

  /** Connects under way (commons-pool2 counts a connection only once it is made). */
  final AtomicInteger connecting = new AtomicInteger();
  private final AtomicLong generation = new AtomicLong();
  private final ConcurrentLinkedQueue<Waiter> queue = new ConcurrentLinkedQueue<>();

  EndpointState(Endpoint endpoint, CircuitBreaker breaker) {
    this.endpoint = endpoint;
    this.breaker = breaker;
    breaker.getEventPublisher().onStateTransition(e -> {
      if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
        openedAtMillis = e.getCreationTime().toInstant().toEpochMilli();
      }
    });
    for (int i = 0; i < destroyed.length; i++) {
      destroyed[i] = new LongAdder();
    }
  }

  /** @return the change generation to pass to {@link #await} after a failed borrow attempt */
  long generation() {
    return generation.get();
  }

  /**
   * Waits until something changed since {@code seen} (a connection came back or capacity was
   * freed), this waiter was woken or handed a connection, the deadline passed or 10 ms went by.
   * Each waiter parks on its own node, so a waiter that times out leaves without queueing for a
   * shared lock.
   *
   * @return a connection handed over by a returning caller (still checked out in
   *     commons-pool2, already probed), or null to look at the pool again
   */
  PooledChannel await(long seen, long sinceNanos, long deadlineNanos) throws InterruptedException {
    Waiter w = new Waiter(Thread.currentThread(), sinceNanos);
    queue.add(w);
    boolean interrupted = false;
    try {
      long sliceEnd = System.nanoTime() + RECHECK_NANOS;
      while (w.state.get() == Waiter.WAITING && generation.get() == seen) {
        long left = Math.min(deadlineNanos, sliceEnd) - System.nanoTime();
        if (left <= 0) {
          break; // the caller looks at the pool again: a safety net for missed wake-ups
        }
        LockSupport.parkNanos(this, left);
        if (Thread.interrupted()) {
          interrupted = true;
          break;
        }
      }
    } finally {
      if (w.state.compareAndSet(Waiter.WAITING, Waiter.LEFT)) {
        queue.remove(w);
      }
    }
    PooledChannel handed = w.state.get() == Waiter.HANDED ? w.handed : null;
    if (interrupted) {
      if (handed != null) {
        Thread.currentThread().interrupt(); // serve the connection we were given; keep the flag
        return handed;
      }
      throw new InterruptedException();
    }
    return handed;
  }

  /**
   * Hands a clean returned connection straight to the longest-waiting caller once it has waited
   * 1 ms or more, so that a caller that just returned one and checks out again cannot take it
   * first (fair under contention).
   *
   * @return true if a waiter took it; false to return it to the idle set
   */
  boolean handOff(PooledChannel channel, long nowNanos) {
    if (waiters.get() == 0) {
      return false;
    }
    Waiter first = queue.peek();
    if (first == null || nowNanos - first.since < HANDOFF_AFTER_NANOS) {
      return false; // short waits: let whoever runs take it (no context switch per checkout)
    }
    for (Waiter w; (w = queue.poll()) != null; ) {
      w.handed = channel;
      if (w.state.compareAndSet(Waiter.WAITING, Waiter.HANDED)) {
        LockSupport.unpark(w.thread);
        return true;
      }
      w.handed = null;
    }
    return false;
  }

  /** Wakes one waiter, if any: a connection came back or a slot was freed. */
  void signal() {
    if (waiters.get() == 0) {
      return;
    }
    generation.incrementAndGet();
    for (Waiter w; (w = queue.poll()) != null; ) {
      if (w.state.compareAndSet(Waiter.WAITING, Waiter.WOKEN)) {
        LockSupport.unpark(w.thread);
        return;
      }
    }
  }

  /** Wakes every waiter (pool closing). */
  void signalAll() {
    generation.incrementAndGet();
    for (Waiter w; (w = queue.poll()) != null; ) {
      if (w.state.compareAndSet(Waiter.WAITING, Waiter.WOKEN)) {
        LockSupport.unpark(w.thread);
      }
    }
  }

  /**
   * Joins the waiters unless {@code max} are already waiting.
   *
   * @return false if the bound was reached
   */
  boolean tryJoinWaiters(int max) {
    while (true) {
      int n = waiters.get();
      if (n >= max) {
        return false;
      }
      if (waiters.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  private static final class Waiter {
    static final int WAITING = 0;
    static final int WOKEN = 1;
    static final int HANDED = 2;
    static final int LEFT = 3;

    final Thread thread;
    final long since;
    final AtomicInteger state = new AtomicInteger(WAITING);
    volatile PooledChannel handed;

    Waiter(Thread thread, long since) {
      this.thread = thread;
      this.since = since;
    }
  }

  /** @return when the breaker last opened, epoch millis */
  long openedAtMillis() {
    return openedAtMillis;
  }

  void countDestroyed(DestroyReason reason) {
    destroyed[reason.ordinal()].increment();
  }

  static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
