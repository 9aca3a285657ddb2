package io.sockpool.internal;

import java.util.concurrent.locks.LockSupport;

/**
 * Whether the pool is open, and the wake-up of the thread that closes it: created first, so that
 * every part of the engine can ask "closed?" without depending on the engine. The closing thread
 * ({@link Shutdown}) parks until what is checked out comes back; each destroyed connection wakes it
 * ({@link #connectionGone()}).
 */
final class Lifecycle {
  private final String poolName;
  private volatile boolean closed;
  private volatile Thread closer;

  /**
   * @param poolName the pool's name, for the messages of {@link #ensureOpen}
   */
  Lifecycle(String poolName) {
    this.poolName = poolName;
  }

  /**
   * @return whether the pool is closed (or closing)
   */
  boolean isClosed() {
    return closed;
  }

  /**
   * @param what what happened, completing "pool 'name' ..." (e.g. "is closed")
   * @throws IllegalStateException if the pool is closed
   */
  void ensureOpen(String what) {
    if (closed) {
      throw new IllegalStateException("pool '" + poolName + "' " + what);
    }
  }

  /** Marks the pool closed; the current thread is woken by {@link #connectionGone()} until done. */
  void closingBy(Thread thread) {
    closer = thread;
    closed = true;
  }

  /** The closing thread has finished: nothing wakes it any more. */
  void closeDone() {
    closer = null;
  }

  /** Wakes the closing thread, if any, to look at what is still checked out. */
  void connectionGone() {
    Thread c = closer;
    if (c != null) {
      LockSupport.unpark(c);
    }
  }
}
