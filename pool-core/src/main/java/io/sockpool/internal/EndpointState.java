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
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Everything the pool keeps per endpoint beyond commons-pool2's sub-pool: the waiters (we
 * wait ourselves, with {@code blockWhenExhausted=false} in commons-pool2, so that no returning
 * or invalidating thread ever opens a connection for a waiter), the counters, every live
 * channel (for leak detection, "held by" and forced close) and the circuit breaker.
 */
final class EndpointState {
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

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private volatile long generation;

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
    return generation;
  }

  /**
   * Waits until something changed since {@code seen} (a connection came back or capacity was
   * freed) or the deadline passed. A waiter that leaves without using a wake-up passes it on.
   */
  void await(long seen, long deadlineNanos) throws InterruptedException {
    lock.lock();
    try {
      long left = deadlineNanos - System.nanoTime();
      while (generation == seen && left > 0) {
        left = changed.awaitNanos(left);
      }
      if (generation == seen) {
        changed.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Wakes one waiter, if any: a connection came back or a slot was freed. */
  void signal() {
    if (waiters.get() == 0) {
      return;
    }
    lock.lock();
    try {
      generation++;
      changed.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Wakes every waiter (pool closing). */
  void signalAll() {
    lock.lock();
    try {
      generation++;
      changed.signalAll();
    } finally {
      lock.unlock();
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
