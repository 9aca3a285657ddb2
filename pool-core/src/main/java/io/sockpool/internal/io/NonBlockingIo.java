package io.sockpool.internal.io;

import io.sockpool.Endpoint;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * Timed I/O on a channel in <b>non-blocking</b> mode, for a connection whose holder took the raw
 * channel: every call tries the channel, and when it would block waits under this connection's own
 * {@link Selector} (opened on first wait) until the deadline. No watchdog: the selector's timeout
 * is the deadline.
 *
 * <p>Used by one thread at a time, except {@link #callUnderWay} and {@link #abort} (any thread).
 */
public final class NonBlockingIo {
  private final Endpoint endpoint;
  private final SocketChannel channel;
  private final ByteBuffer probeBuffer = ByteBuffer.allocateDirect(1);
  private volatile Selector selector; // read by abort() from other threads
  private SelectionKey key;
  private volatile boolean inCall;
  private boolean drained;

  /**
   * @param endpoint for messages
   * @param channel connected, already in non-blocking mode
   */
  public NonBlockingIo(Endpoint endpoint, SocketChannel channel) {
    this.endpoint = endpoint;
    this.channel = channel;
  }

  /** Writes all of {@code src} before {@code deadlineNanos}. */
  public void write(ByteBuffer src, long deadlineNanos) throws IOException {
    inCall = true;
    try {
      while (src.hasRemaining()) {
        if (channel.write(src) == 0) {
          await(SelectionKey.OP_WRITE, deadlineNanos, "write");
        }
      }
    } finally {
      inCall = false;
    }
  }

  /**
   * Reads at least one byte before {@code deadlineNanos}.
   *
   * @return the number of bytes read, or -1 at end of stream
   */
  public int read(ByteBuffer dst, long deadlineNanos) throws IOException {
    inCall = true;
    try {
      int n = channel.read(dst);
      while (n == 0) {
        await(SelectionKey.OP_READ, deadlineNanos, "read");
        n = channel.read(dst);
      }
      drained = dst.hasRemaining(); // stopped short of the caller's limit: took all there was
      return n;
    } finally {
      inCall = false;
    }
  }

  /**
   * @return whether the last read stopped short of its buffer (it took everything there was)
   */
  public boolean drained() {
    return drained;
  }

  /**
   * @return whether a helper call is under way
   */
  public boolean callUnderWay() {
    return inCall;
  }

  private void await(int op, long deadlineNanos, String what) throws IOException {
    long left = deadlineNanos - System.nanoTime();
    if (left <= 0) {
      throw new SocketTimeoutException(what + " on " + endpoint + " timed out");
    }
    if (selector == null) {
      selector = Selector.open();
      key = channel.register(selector, 0);
    }
    key.interestOps(op);
    selector.select(Math.max(1, (left + 999_999) / 1_000_000));
    selector.selectedKeys().clear();
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedIOException(what + " on " + endpoint + " interrupted");
    }
    if (!channel.isOpen()) {
      throw new ClosedChannelException();
    }
  }

  /** The liveness check of an idle connection: one read that does not block. */
  public Probe probe() {
    try {
      return Probe.ofRead(channel.read(probeBuffer.clear()));
    } catch (IOException | RuntimeException e) {
      return Probe.FAILED;
    }
  }

  /** Wakes a call waiting in the selector (the channel was closed). Never throws. */
  public void abort() {
    Selector s = selector;
    if (s != null) {
      s.wakeup();
    }
  }

  /** Closes the selector, if any. Never throws. */
  public void close() {
    Selector s = selector;
    if (s != null) {
      try {
        s.close();
      } catch (IOException | RuntimeException ignored) {
        // closing anyway
      }
    }
  }
}
