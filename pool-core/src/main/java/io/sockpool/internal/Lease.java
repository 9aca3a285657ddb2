package io.sockpool.internal;

import io.sockpool.Endpoint;
import io.sockpool.PooledConnection;
import java.io.IOException;
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
  private static final java.lang.invoke.VarHandle DONE;

  static {
    try {
      DONE =
          java.lang.invoke.MethodHandles.lookup().findVarHandle(Lease.class, "done", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @SuppressWarnings("unused") // through DONE: no AtomicBoolean, one object per checkout
  private volatile boolean done;

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

  private PooledChannel live() {
    if (done) {
      throw new IllegalStateException(
          "connection to "
              + channel.endpoint()
              + " was already returned to pool '"
              + returns.poolName()
              + "'; check out a new one");
    }
    return channel;
  }

  @Override
  public Endpoint endpoint() {
    return channel.endpoint();
  }

  @Override
  public SocketChannel channel() {
    return live().channel(); // raw mode from now on; counts as an open exchange until declared
  }

  @Override
  public void write(ByteBuffer src, Duration timeout) throws IOException {
    live().write(src, timeout);
  }

  @Override
  public int read(ByteBuffer dst, Duration timeout) throws IOException {
    return live().read(dst, timeout);
  }

  @Override
  public void readFully(ByteBuffer dst, Duration timeout) throws IOException {
    live().readFully(dst, timeout);
  }

  @Override
  public void exchangeComplete() {
    live().exchangeComplete();
  }

  @Override
  public void requestHasNoReply() {
    live().requestHasNoReply();
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
