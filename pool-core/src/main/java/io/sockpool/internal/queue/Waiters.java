package io.sockpool.internal.queue;

import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

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
 * @param <C> the type of the connections handed over
 */
public final class Waiters<C> {
  private final ReentrantLock lock = new ReentrantLock();
  private final Waiter<C> head =
      new Waiter<>(null, 0, 0); // sentinel of a circular doubly linked list

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
  @SuppressWarnings("NonAtomicVolatileUpdate") // size: under the lock
  public Waiter<C> join(long nowNanos, long dueAtNanos, int max) {
    Waiter<C> w = new Waiter<>(Thread.currentThread(), nowNanos, dueAtNanos);
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
    LockSupport.unpark(w.thread);
    return true;
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
    LockSupport.unpark(w.thread);
  }

  /** Wakes every waiting caller to look again (pool closing). */
  public void nudgeAll() {
    lock.lock();
    try {
      for (Waiter<C> w = head.next; w != head; w = w.next) {
        w.nudged = true;
        LockSupport.unpark(w.thread);
      }
    } finally {
      lock.unlock();
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
   * One parked caller. Links are guarded by the lock; {@link #handed} is published by it.
   *
   * @param <C> the type of the connections handed over
   */
  public static final class Waiter<C> {
    final Thread thread;
    private final long since;
    private final long dueAt;
    Waiter<C> next;
    Waiter<C> prev;
    volatile Handoff<C> handed = Handoff.nothing();
    volatile boolean nudged;

    public Waiter(Thread thread, long since, long dueAt) {
      this.thread = thread;
      this.since = since;
      this.dueAt = dueAt;
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
