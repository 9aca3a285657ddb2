package io.sockpool.internal.queue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * nobody polls.
 *
 * <p>Leaving never waits for anyone. Each waiter's state is decided by one compare-and-set: the
 * giver's (waiting to handed) or the waiter's own (waiting to left), as in {@code
 * java.util.concurrent}'s {@code AbstractQueuedSynchronizer}. A waiter that times out or is
 * interrupted leaves by its own CAS, and unlinks its node only if the queue's lock is free at that
 * instant; otherwise the node stays linked, cancelled, and whoever next holds the lock drops it. So
 * a thread that holds the lock and then waits for a core cannot keep a timed-out caller past its
 * deadline. A giver that loses the CAS to a leaving waiter goes on to the next waiter: nothing
 * handed over is lost. A short {@link ReentrantLock} orders the givers and the joins (never held
 * while parking or doing I/O, and no monitor, so virtual threads do not pin); a join waits for it
 * at most until the caller's deadline. The count of waiters is atomic, so the return path sees
 * "nobody waits" without the lock.
 *
 * <p>Two kinds of waiter share the one queue: a parked thread ({@link #join}), woken by an unpark,
 * and an asynchronous caller ({@link #joinAsync}), which parks no thread: it is woken by running
 * its {@code wake} action (outside the lock), which schedules the caller's next step elsewhere.
 * Both are served in the same arrival order, by the same hand-offs.
 *
 * @param <C> the type of the connections handed over
 */
public final class Waiters<C> {
  /** A waiter's state before anything decided it. */
  private static final Object WAITING = new Object();

  /** A waiter's state once it left, or collected what it was handed. */
  private static final Object LEFT = new Object();

  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(Waiter.class, "state", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final Waiter<C> head =
      new Waiter<>(null, null, 0, 0, 0); // sentinel of a circular doubly linked list

  private final Count size; // waiters not yet handed or left
  private int linked; // nodes in the list, cancelled ones included; under the lock

  private volatile long headDueAt; // when the longest waiter is due; meaningful while size > 0

  /** A queue that keeps its count of waiters itself. */
  public Waiters() {
    this(new OwnCount());
  }

  /**
   * A queue whose count of waiters lives in {@code count}: in the pool, a field of the endpoint's
   * state, so that the fast path reads "nobody waits" from a line it holds anyway instead of this
   * queue's object.
   *
   * @param count where the queue keeps its count; starts at zero, changed only by this queue
   */
  public Waiters(Count count) {
    this.size = count;
    head.next = head;
    head.prev = head;
  }

  /** Returns how many callers are parked or about to park. */
  public int size() {
    return size.get();
  }

  /**
   * Where a queue keeps its count of waiters (not yet handed anything, not yet left). The queue
   * raises it under its lock as a waiter is linked (so before any giver, which takes the same lock,
   * can hand it anything) and lowers it only after the waiter's state left WAITING (handed, or left
   * by its own compare-and-set). So a reader that sees 0 ran after every waiter counted so far was
   * decided, or before a waiter that is still joining finished its join: never while a waiter whose
   * join returned before the read still waits.
   */
  public interface Count {
    /** Returns the count (a volatile read). */
    int get();

    /** Adds one (an atomic add). */
    void increment();

    /** Takes one away (an atomic add). */
    void decrement();
  }

  /** The count in an object of its own, for a queue not embedded in an endpoint's state. */
  private static final class OwnCount implements Count {
    private final AtomicInteger n = new AtomicInteger();

    @Override
    public int get() {
      return n.get();
    }

    @Override
    public void increment() {
      n.incrementAndGet();
    }

    @Override
    public void decrement() {
      n.decrementAndGet();
    }
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
   * looks at). If the queue's lock stays busy until the deadline (or the thread is interrupted
   * while it waits for it), the node returned has left already: parking on it returns at once.
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

  private Waiter<C> add(Waiter<C> w, int max) {
    if (!lockBefore(w.deadline)) {
      w.state = LEFT; // out of time before it could queue: it times out as if it had waited
      return w;
    }
    try {
      if (linked > 2 * size.get() + 8) {
        dropCancelled(); // cancelled nodes never outnumber waiting ones by much
      }
      // the count may still include a waiter between its CAS and its decrement: count exactly
      if (size.get() >= max && dropCancelled() >= max) {
        return null;
      }
      w.prev = head.prev;
      w.next = head;
      head.prev.next = w;
      head.prev = w;
      linked++;
      size.increment();
      dropCancelledAtHead();
      return w;
    } finally {
      lock.unlock();
    }
  }

  /** Takes the lock, waiting for it at most until {@code deadline}; false if it could not. */
  private boolean lockBefore(long deadline) {
    if (lock.tryLock()) {
      return true;
    }
    try {
      return lock.tryLock(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // kept: the checkout fails as interrupted
      return false;
    }
  }

  /**
   * Removes the node unless something was handed to it meanwhile. Never waits for the lock.
   *
   * @return what it was handed before it could leave ({@link Handoff#nothing()} if nothing); the
   *     caller owns it and must use or give it back
   */
  @SuppressWarnings("unchecked") // only a Handoff<C> is ever set
  public Handoff<C> leave(Waiter<C> w) {
    if (w.state == WAITING && STATE.compareAndSet(w, WAITING, LEFT)) {
      size.decrement();
      if (lock.tryLock()) { // else the next holder drops the cancelled node
        try {
          if (w.next != null) {
            unlink(w);
          }
          dropCancelledAtHead();
        } finally {
          lock.unlock();
        }
      }
      return Handoff.nothing();
    }
    Object was = STATE.getAndSet(w, LEFT); // handed (a giver unlinked it), or left already
    return was instanceof Handoff<?> h ? (Handoff<C>) h : Handoff.nothing();
  }

  /**
   * Parks until handed something or nudged, the deadline passes, or the thread is interrupted.
   * Leaves the interrupt flag as it was.
   *
   * @return what it was handed ({@link Handoff#nothing()} if nothing)
   */
  public Handoff<C> park(Waiter<C> w, long deadlineNanos) {
    while (true) {
      Handoff<C> handed = w.handed();
      if (handed != Handoff.<C>nothing()) {
        w.state = LEFT; // consumed: a node that was handed something is unlinked
        return handed;
      }
      if (w.nudged) {
        w.nudged = false;
        return handed;
      }
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0 || w.state == LEFT || Thread.currentThread().isInterrupted()) {
        return handed;
      }
      LockSupport.parkNanos(this, left);
    }
  }

  /**
   * For an asynchronous caller: whether it was handed something or nudged since it last looked
   * (clears the nudge). Handed: {@link #leave} returns what; nudged: it looks again.
   */
  public boolean signalled(Waiter<C> w) {
    if (w.handed() != Handoff.<C>nothing()) {
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
   * is still inside its fairness window. (After the longest waiter left while the lock was busy,
   * its window counts until the lock's next holder drops it: the queue is served a little early,
   * never late.)
   *
   * @param nowNanos the current {@link System#nanoTime()}
   */
  public boolean mayBarge(long nowNanos) {
    return size.get() == 0 || nowNanos - headDueAt < 0;
  }

  /**
   * Returns whether someone waits who is due: its fairness window is over (or {@code anyWaiter}).
   *
   * @param nowNanos the current {@link System#nanoTime()}
   * @param anyWaiter count every waiter as due, whatever its window
   */
  public boolean due(long nowNanos, boolean anyWaiter) {
    return size.get() > 0 && (anyWaiter || nowNanos - headDueAt >= 0);
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
    if (size.get() == 0) {
      return false;
    }
    Waiter<C> w;
    lock.lock();
    try {
      do {
        w = head.next;
        if (w == head) {
          return false;
        }
        unlink(w);
      } while (!decide(w, thing)); // it left meanwhile: the next one
      dropCancelledAtHead();
    } finally {
      lock.unlock();
    }
    w.wake();
    return true;
  }

  /** Hands {@code thing} to a waiter that has not left: true if it won the CAS. */
  private boolean decide(Waiter<C> w, Handoff<C> thing) {
    if (STATE.compareAndSet(w, WAITING, thing)) {
      size.decrement();
      return true;
    }
    return false;
  }

  /**
   * After the peer failed a connect (or the validation of a new connection) that took {@code
   * attemptNanos}: every waiter, in order, either gets a slot to try again ({@code retrySlot}
   * reserved one for it, and it has at least {@code attemptNanos} left before its deadline) or is
   * failed at once with {@code cause}. Once {@code retrySlot} says no, every later waiter fails. A
   * slot reserved for a waiter that left meanwhile goes to the next one, or to {@code unusedSlot}.
   *
   * @param nowNanos the current {@link System#nanoTime()}
   * @param attemptNanos how long the failed attempt took
   * @param retrySlot reserves a slot (capacity and a connect) for one more attempt, or says no
   * @param unusedSlot gives back a slot reserved that no waiter took (run outside the lock)
   * @param cause the peer's failure, handed to the failed waiters
   * @return how many waiters were failed
   */
  public int failAll(
      long nowNanos,
      long attemptNanos,
      BooleanSupplier retrySlot,
      Runnable unusedSlot,
      Throwable cause) {
    if (size.get() == 0) {
      return 0;
    }
    List<Waiter<C>> woken = new ArrayList<>();
    int failed = 0;
    boolean slotsLeft = true;
    boolean reserved = false; // a slot reserved and not yet taken
    lock.lock();
    try {
      for (Waiter<C> w = head.next; w != head; w = head.next) {
        unlink(w);
        if (w.state != WAITING) {
          continue; // left meanwhile
        }
        if (slotsLeft
            && w.deadline - nowNanos >= attemptNanos
            && (reserved || (slotsLeft = reserved = retrySlot.getAsBoolean()))) {
          if (decide(w, Handoff.slot())) {
            reserved = false;
            woken.add(w);
          }
        } else if (decide(w, new Handoff.Failed<>(cause))) {
          failed++;
          woken.add(w);
        }
      }
    } finally {
      lock.unlock();
    }
    if (reserved) {
      unusedSlot.run();
    }
    for (Waiter<C> w : woken) {
      w.wake();
    }
    return failed;
  }

  /** Wakes the longest-waiting caller to look again (capacity freed elsewhere, pool closing). */
  public void nudgeFirst() {
    if (size.get() == 0) {
      return;
    }
    Waiter<C> w;
    lock.lock();
    try {
      dropCancelledAtHead();
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
        if (w.state == WAITING) {
          w.nudged = true;
          woken.add(w);
        }
      }
    } finally {
      lock.unlock();
    }
    for (Waiter<C> w : woken) {
      w.wake(); // outside the lock: an asynchronous waiter's wake schedules work
    }
  }

  /** Under the lock: unlinks the cancelled nodes at the head, then notes the head's window. */
  private void dropCancelledAtHead() {
    while (head.next != head && head.next.state != WAITING) {
      unlink(head.next);
    }
    if (head.next != head) {
      headDueAt = head.next.dueAt;
    }
  }

  /**
   * Under the lock: unlinks every node that left or was handed something, and returns how many
   * still wait. (A node only ever stops waiting, and none joins meanwhile: every node counted was
   * waiting when the walk began.)
   */
  private int dropCancelled() {
    int waiting = 0;
    for (Waiter<C> w = head.next; w != head; ) {
      Waiter<C> next = w.next;
      if (w.state != WAITING) {
        unlink(w);
      } else {
        waiting++;
      }
      w = next;
    }
    return waiting;
  }

  private void unlink(Waiter<C> w) {
    w.prev.next = w.next;
    w.next.prev = w.prev;
    w.next = null;
    w.prev = null;
    linked--;
    if (head.next != head) {
      headDueAt = head.next.dueAt;
    }
  }

  /**
   * One waiting caller: a parked thread, or an asynchronous caller woken by its {@code wake}
   * action. Links are guarded by the lock; its state is decided by one CAS (see {@link Waiters}).
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
    volatile Object state = WAITING; // WAITING, LEFT, or the Handoff it was handed
    volatile boolean nudged;

    Waiter(Thread thread, Runnable wake, long since, long dueAt, long deadline) {
      this.thread = thread;
      this.wake = wake;
      this.since = since;
      this.dueAt = dueAt;
      this.deadline = deadline;
    }

    /** What it was handed and has not collected yet ({@link Handoff#nothing()} if nothing). */
    @SuppressWarnings("unchecked") // only a Handoff<C> is ever set
    Handoff<C> handed() {
      return state instanceof Handoff<?> h ? (Handoff<C>) h : Handoff.nothing();
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
