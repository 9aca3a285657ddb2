package io.sockpool.internal.queue;

/**
 * What the pool remembers about one thread: when it last returned a connection, and whether it came
 * back for the next one quickly ({@link #QUICK_NANOS}). A thread that does is a closed loop (a
 * worker that returns and checks out again at once): a connection it returns while others wait, but
 * none has waited the fairness window, goes to the idle set without waking anyone, and the thread
 * takes it straight back, which saves a hand-off (a wake-up and a context switch) per checkout. A
 * thread that does not come back quickly hands its connection to the longest waiter at once, so a
 * waiting caller is not left parked beside an idle connection. One per thread and pool, created on
 * the thread's first checkout; nothing is allocated after that.
 */
public final class Affinity {
  /** A thread that checked out again within this time of its last return counts as quick. */
  static final long QUICK_NANOS = 100_000;

  private long lastReturnNanos;
  private boolean quick;

  /**
   * The hot slot (the engine's per-endpoint slots of hot connections) this thread last kept a
   * connection in: it looks there first, so threads that come back to the same endpoint mostly
   * touch slots of their own.
   */
  private int slot;

  /** Returns the hot slot this thread last kept a connection in (0 at first). */
  public int slot() {
    return slot;
  }

  /**
   * Notes the hot slot this thread kept a connection in.
   *
   * @param index the slot
   */
  public void slot(int index) {
    slot = index;
  }

  /** Notes a checkout starting at {@code nowNanos}. */
  public void checkingOut(long nowNanos) {
    quick = lastReturnNanos != 0 && nowNanos - lastReturnNanos < QUICK_NANOS;
  }

  /**
   * Notes a return at {@code nowNanos}.
   *
   * @return whether the thread came back quickly last time (and so will probably take this
   *     connection straight back)
   */
  public boolean returning(long nowNanos) {
    lastReturnNanos = nowNanos;
    return quick;
  }
}
