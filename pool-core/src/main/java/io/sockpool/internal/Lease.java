package io.sockpool.internal;

import io.sockpool.Endpoint;
import io.sockpool.PooledConnection;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * One checkout of a {@link PooledChannel}: what the borrower holds. A new lease per checkout, so a
 * stale reference kept after {@link #close()} fails loudly instead of touching a connection that
 * another borrower now holds.
 */
final class Lease implements PooledConnection {
  private final ReturnPath returns;
  private final PooledChannel channel;
  private static final VarHandle DONE;
  private static final VarHandle CALLING;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      DONE = lookup.findVarHandle(Lease.class, "done", boolean.class);
      CALLING = lookup.findVarHandle(Lease.class, "calling", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @SuppressWarnings("unused") // through DONE: no AtomicBoolean, one object per checkout
  private volatile boolean done;

  /**
   * Set by the holder before it checks {@link #done} and kept until its call returned; the return
   * path sets {@link #done} before it reads this (Dekker): a call and a close from another thread
   * cannot both miss each other.
   */
  @SuppressWarnings("unused") // through CALLING
  private volatile boolean calling;

  private Runnable afterLeaseCheck; // a test's hook, run by the holder between check and call

  private final long checkoutNanos;
  private final String holder;
  private final Throwable checkoutTrace;
  private volatile boolean leakReported;

  /**
   * @param returns where the connection goes back (the pool's return path)
   */
  Lease(ReturnPath returns, PooledChannel channel, long checkoutNanos, boolean captureTrace) {
    this.returns = returns;
    this.channel = channel;
    this.checkoutNanos = checkoutNanos;
    this.holder = Thread.currentThread().getName();
    this.checkoutTrace =
        captureTrace
            ? new Throwable("checkout of " + channel.endpoint() + " by thread " + holder)
            : null;
  }

  /** Returns the return path of the pool it came from. */
  ReturnPath returns() {
    return returns;
  }

  PooledChannel pooledChannel() {
    return channel;
  }

  long checkoutNanos() {
    return checkoutNanos;
  }

  String holder() {
    return holder;
  }

  Throwable checkoutTrace() {
    return checkoutTrace;
  }

  /** Returns true the first time only. */
  boolean markLeakReported() {
    if (leakReported) {
      return false;
    }
    leakReported = true;
    return true;
  }

  /** Returns true for the first of close()/invalidate(). */
  boolean finish() {
    return DONE.compareAndSet(this, false, true);
  }

  /**
   * Test seam: {@code hook} runs in the holder's thread each time one of its calls has passed the
   * lease check and is about to start its I/O.
   */
  void afterLeaseCheck(Runnable hook) {
    afterLeaseCheck = hook;
  }

  /**
   * @return whether the holder is in a call on this lease (from before its lease check until the
   *     call returned): the connection must not be reused, the call may still read or write
   */
  boolean callUnderWay() {
    return calling;
  }

  /**
   * Starts a holder's call: marks it under way, then checks that the lease was not returned.
   * Balanced by {@link #endCall()}.
   *
   * @throws IllegalStateException if it was
   */
  private PooledChannel beginCall() {
    CALLING.setVolatile(this, true);
    if (done) {
      endCall();
      throw new IllegalStateException(
          "connection to "
              + channel.endpoint()
              + " was already returned to pool '"
              + returns.poolName()
              + "'; check out a new one");
    }
    Runnable hook = afterLeaseCheck;
    if (hook != null) {
      hook.run();
    }
    return channel;
  }

  private void endCall() {
    CALLING.setRelease(this, false); // a close that still sees it destroys: safe either way
  }

  @Override
  public Endpoint endpoint() {
    return channel.endpoint();
  }

  @Override
  public SocketChannel channel() {
    try {
      return beginCall().channel(); // raw mode from now on; an open exchange until declared
    } finally {
      endCall();
    }
  }

  @Override
  public void write(ByteBuffer src, Duration timeout) throws IOException {
    try {
      beginCall().write(src, timeout);
    } finally {
      endCall();
    }
  }

  @Override
  public int read(ByteBuffer dst, Duration timeout) throws IOException {
    try {
      return beginCall().read(dst, timeout);
    } finally {
      endCall();
    }
  }

  @Override
  public void readFully(ByteBuffer dst, Duration timeout) throws IOException {
    try {
      beginCall().readFully(dst, timeout);
    } finally {
      endCall();
    }
  }

  @Override
  public void exchangeComplete() {
    try {
      beginCall().exchangeComplete();
    } finally {
      endCall();
    }
  }

  @Override
  public void requestHasNoReply() {
    try {
      beginCall().requestHasNoReply();
    } finally {
      endCall();
    }
  }

  @Override
  public void close() {
    returns.giveBack(this);
  }

  @Override
  public void invalidate() {
    returns.invalidate(this);
  }

  @Override
  public String toString() {
    return "PooledConnection{"
        + channel.endpoint()
        + ", pool="
        + returns.poolName()
        + (done ? ", returned" : ", held by " + holder)
        + "}";
  }
}
