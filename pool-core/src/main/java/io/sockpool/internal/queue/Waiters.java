package io.sockpool.internal.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The callers parked for one endpoint, in arrival order, and the direct hand-off to them.
 *
 * <p>Bounded barging: while the longest-waiting caller has waited less than the pool's fairness
 * window, a returned connection is not handed over ({@link #handOffIfDue} declines) and callers may
 * take idle connections ahead of the queue ({@link #mayBarge}); once it has waited that long, every
 * connection that comes back goes to the queue in order. With a window of zero the queue is strict
 * arrival order.
 *
 * <p>A caller {@linkplain #join joins} once and {@linkplain #leave leaves} once, in one
 * try/finally; in between it {@linkplain #park parks} until it is handed something, nudged,
 * interrupted or out of time. What a returning or destroying thread has for the endpoint goes to
 * the longest-waiting caller directly: a clean connection ({@link #handOff}) or the slot of a
 * destroyed one ({@link #handOffSlot}), so a woken caller never has to race anyone for it and
 * nobody polls. A short {@link ReentrantLock} guards the queue (never held while parking or doing
 * I/O, and no monitor, so virtual threads do not pin); the size is a volatile field, so the return
 * path sees "nobody waits" without taking it.
 *
 * <p>Two kinds of waiter share the one queue: a parked thread ({@link #join}), woken by an unpark,
 * and an asynchronous caller ({@link #joinAsync}), which parks no thread: it is woken by running
 * its {@code wake} action (outside the lock), which schedules the caller's next step elsewhere.
 * Both are served in the same arrival order, by the same hand-offs.
 *
 * @param <C> the type of the connections handed over
 */
public final class Waiters<C> {
  private final ReentrantLock lock = new ReentrantLock();
  private final Waiter<C> head =
      new Waiter<>(null, null, 0, 0, 0); // sentinel of a circular doubly linked list

  // written only with the lock held (join, unlink: their ++ and -- never race); volatile for
  // the readers that do not take it
  private volatile int size;

  private volatile long headDueAt; // when the longest waiter is due; meaningful while size > 0

  public Waiters() {
    head.next = head;
    head.prev = head;
  }

  /** Returns how many callers are parked or about to park. */
  public int size() {
    return size;
  }

  /**
   * Adds the current thread at the end of the queue.
   *
   * @param nowNanos when the caller started waiting
   * @param dueAtNanos when its fairness window ends: from then on it may not be overtaken
   * @param max the most callers allowed to wait
   * @return its node, or null if {@code max} callers already wait
   */
  public Waiter<C> join(long nowNanos, long dueAtNanos, int max) {
    return join(nowNanos, dueAtNanos, nowNanos + NO_DEADLINE, max);
  }

  /** A deadline so far away that it never matters (and never overflows a difference). */
  private static final long NO_DEADLINE = Long.MAX_VALUE / 4;

  /**
   * Adds the current thread at the end of the queue, with its deadline (which {@link #failAll}
   * looks at).
   *
   * @param nowNanos when the caller started waiting
   * @param dueAtNanos when its fairness window ends
   * @param deadlineNanos when its checkout times out
   * @param max the most callers allowed to wait
   * @return its node, or null if {@code max} callers already wait
   */
  public Waiter<C> join(long nowNanos, long dueAtNanos, long deadlineNanos, int max) {
    return add(
        new Waiter<>(Thread.currentThread(), null, nowNanos, dueAtNanos, deadlineNanos), max);
  }

  /**
   * Adds an asynchronous caller at the end of the queue: no thread parks for it. Whatever wakes a
   * parked thread (a hand-off, a nudge, a failure) runs {@code wake} instead, outside the lock, in
   * the thread that hands over; it must not block (it schedules the caller's next step, which finds
   * out what happened through {@link #signalled} and {@link #leave}).
   *
   * @param nowNanos when the caller started waiting
   * @param dueAtNanos when its fairness window ends
   * @param deadlineNanos when its checkout times out
   * @param max the most callers allowed to wait
   * @param wake what to run when the caller is handed something or nudged
   * @return its node, or null if {@code max} callers already wait
   */
  public Waiter<C> joinAsync(
      long nowNanos, long dueAtNanos, long deadlineNanos, int max, Runnable wake) {
    if (wake == null) {
      throw new IllegalArgumentException("wake must not be null");
    }
    return add(new Waiter<>(null, wake, nowNanos, dueAtNanos, deadlineNanos), max);
  }

  @SuppressWarnings("NonAtomicVolatileUpdate") // size: under the lock
  private Waiter<C> add(Waiter<C> w, int max) {
    lock.lock();
    try {
      if (size >= max) {
        return null;
      }
      w.prev = head.prev;
      w.next = head;
      head.prev.next = w;
      head.prev = w;
      if (size++ == 0) {
        headDueAt = w.dueAt;
      }
      return w;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Removes the node unless something was handed to it meanwhile.
   *
   * @return what it was handed before it could leave ({@link Handoff#nothing()} if nothing); the
   *     caller owns it and must use or give it back
   */
  public Handoff<C> leave(Waiter<C> w) {
    lock.lock();
    try {
      if (w.next != null) {
        unlink(w);
      }
      Handoff<C> handed = w.handed;
      w.handed = Handoff.nothing();
      return handed;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Parks until handed something or nudged, the deadline passes, or the thread is interrupted.
   * Leaves the interrupt flag as it was.
   *
   * @return what it was handed ({@link Handoff#nothing()} if nothing)
   */
  public Handoff<C> park(Waiter<C> w, long deadlineNanos) {
    final Handoff<C> nothing = Handoff.nothing();
    while (true) {
      Handoff<C> handed = w.handed;
      if (handed != nothing || w.nudged) {
        w.nudged = false;
        w.handed = nothing; // consumed: a node that was handed something is unlinked
        return handed;
      }
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0 || Thread.currentThread().isInterrupted()) {
        return nothing;
      }
      LockSupport.parkNanos(this, left);
    }
  }

  /**
   * For an asynchronous caller: whether it was handed something or nudged since it last looked
   * (clears the nudge). Handed: {@link #leave} returns what; nudged: it looks again.
   */
  public boolean signalled(Waiter<C> w) {
    if (w.handed != Handoff.<C>nothing()) {
      return true;
    }
    if (w.nudged) {
      w.nudged = false;
      return true;
    }
    return false;
  }

  /**
   * Returns whether a caller may take an idle connection now: nobody waits, or the longest waiter
   * is still inside its fairness window.
   *
   * @param nowNanos the current {@link System#nanoTime()}
   */
  public boolean mayBarge(long nowNanos) {
    return size == 0 || nowNanos - headDueAt < 0;
  }

  /**
   * Returns whether someone waits who is due: its fairness window is over (or {@code anyWaiter}).
   *
   * @param nowNanos the current {@link System#nanoTime()}
   * @param anyWaiter count every waiter as due, whatever its window
   */
  public boolean due(long nowNanos, boolean anyWaiter) {
    return size > 0 && (anyWaiter || nowNanos - headDueAt >= 0);
  }

  /**
   * Hands a clean connection to the longest-waiting caller if it is due.
   *
   * @param anyWaiter hand it to the longest waiter even inside its fairness window
   * @return false if nobody due waits; the caller keeps the connection
   */
  public boolean handOffIfDue(C channel, long nowNanos, boolean anyWaiter) {
    return due(nowNanos, anyWaiter) && give(new Handoff.Channel<>(channel));
  }

  /**
   * Hands a clean connection to the longest-waiting caller.
   *
   * @return false if nobody waits; the caller keeps the connection
   */
  public boolean handOff(C channel) {
    return give(new Handoff.Channel<>(channel));
  }

  /**
   * Hands the capacity of a destroyed connection (its reservation, endpoint and global) to the
   * longest-waiting caller, who then opens a connection with it.
   *
   * @return false if nobody waits; the caller must release the reservation
   */
  public boolean handOffSlot() {
    return give(Handoff.slot());
  }

  private boolean give(Handoff<C> thing) {
    if (size == 0) {
      return false;
    }
    Waiter<C> w;
    lock.lock();
    try {
      w = head.next;
      if (w == head) {
        return false;
      }
      unlink(w);
      w.handed = thing;
    } finally {
      lock.unlock();
    }
    w.wake();
    return true;
  }

  /**
   * After the peer failed a connect (or the validation of a new connection) that took {@code
   * attemptNanos}: every waiter, in order, either gets a slot to try again ({@code retrySlot}
   * reserved one for it, and it has at least {@code attemptNanos} left before its deadline) or is
   * failed at once with {@code cause}. Once {@code retrySlot} says no, every later waiter fails.
   *
   * @param nowNanos the current {@link System#nanoTime()}
   * @param attemptNanos how long the failed attempt took
   * @param retrySlot reserves a slot (capacity and a connect) for one more attempt, or says no
   * @param cause the peer's failure, handed to the failed waiters
   * @return how many waiters were failed
   */
  public int failAll(long nowNanos, long attemptNanos, BooleanSupplier retrySlot, Throwable cause) {
    if (size == 0) {
      return 0;
    }
    List<Waiter<C>> woken = new ArrayList<>();
    int failed = 0;
    boolean slotsLeft = true;
    lock.lock();
    try {
      for (Waiter<C> w = head.next; w != head; w = head.next) {
        unlink(w);
        if (slotsLeft
            && w.deadline - nowNanos >= attemptNanos
            && (slotsLeft = retrySlot.getAsBoolean())) {
          w.handed = Handoff.slot();
        } else {
          w.handed = new Handoff.Failed<>(cause);
          failed++;
        }
        woken.add(w);
      }
    } finally {
      lock.unlock();
    }
    for (Waiter<C> w : woken) {
      w.wake();
    }
    return failed;
  }

  /** Wakes the longest-waiting caller to look again (capacity freed elsewhere, pool closing). */
  public void nudgeFirst() {
    if (size == 0) {
      return;
    }
    Waiter<C> w;
    lock.lock();
    try {
      w = head.next;
      if (w == head) {
        return;
      }
      w.nudged = true;
    } finally {
      lock.unlock();
    }
    w.wake();
  }

  /** Wakes every waiting caller to look again (pool closing). */
  public void nudgeAll() {
    List<Waiter<C>> woken = new ArrayList<>();
    lock.lock();
    try {
      for (Waiter<C> w = head.next; w != head; w = w.next) {
        w.nudged = true;
        woken.add(w);
      }
    } finally {
      lock.unlock();
    }
    for (Waiter<C> w : woken) {
      w.wake(); // outside the lock: an asynchronous waiter's wake schedules work
    }
  }

  @SuppressWarnings("NonAtomicVolatileUpdate") // size: under the lock
  private void unlink(Waiter<C> w) {
    w.prev.next = w.next;
    w.next.prev = w.prev;
    w.next = null;
    w.prev = null;
    size--;
    if (head.next != head) {
      headDueAt = head.next.dueAt;
    }
  }

  /**
   * One waiting caller: a parked thread, or an asynchronous caller woken by its {@code wake}
   * action. Links are guarded by the lock; {@link #handed} is published by it.
   *
   * @param <C> the type of the connections handed over
   */
  public static final class Waiter<C> {
    final Thread thread;
    private final Runnable wake;
    private final long since;
    private final long dueAt;
    private final long deadline;
    Waiter<C> next;
    Waiter<C> prev;
    volatile Handoff<C> handed = Handoff.nothing();
    volatile boolean nudged;

    Waiter(Thread thread, Runnable wake, long since, long dueAt, long deadline) {
      this.thread = thread;
      this.wake = wake;
      this.since = since;
      this.dueAt = dueAt;
      this.deadline = deadline;
    }

    /** Wakes the caller: unparks its thread, or runs its wake action. */
    void wake() {
      if (thread != null) {
        LockSupport.unpark(thread);
      } else {
        wake.run();
      }
    }

    /** Returns whether it is an asynchronous caller (no thread parks for it). */
    public boolean isAsync() {
      return thread == null;
    }

    /** Returns when the caller started waiting ({@link System#nanoTime()}). */
    public long since() {
      return since;
    }

    /** Returns when its fairness window ends ({@link System#nanoTime()}). */
    public long dueAt() {
      return dueAt;
    }
  }
}
