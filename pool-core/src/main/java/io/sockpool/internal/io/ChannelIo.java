package io.sockpool.internal.io;

import io.sockpool.Endpoint;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * Timed I/O on one connection, with a real deadline per call.
 *
 * <p>The channel is in <b>blocking</b> mode: a read is one {@code read} system call that sleeps in
 * the kernel until the reply is there, as on a dedicated socket (a non-blocking read under a {@link
 * Selector} costs a failed {@code read}, an {@code epoll_wait} and the selector's bookkeeping per
 * reply). The deadline is kept by the pool's {@link Watchdog}: before the call the connection
 * publishes it ({@link #arm}), after the call it takes it back ({@link #disarm}); if the deadline
 * passes first, the watchdog takes it ({@link #expire}) and closes the channel, which ends the
 * blocked call. Exactly one side wins the deadline (a compare-and-set), so a call that completed is
 * never reported as timed out, and a call the watchdog ended always is.
 *
 * <p>A holder that takes the raw channel ({@link #nonBlocking()}) gets it in non-blocking mode, as
 * {@link io.sockpool.Connection#channel()} promises; from then on this connection waits under its
 * own {@link Selector}, opened on first use, for the rest of its life.
 *
 * <p>Used by one thread at a time, except {@link #expire} (the watchdog) and {@link #abort} (a
 * closing pool).
 */
public final class ChannelIo {
  /** {@link #deadline} when no call is under way. */
  private static final long IDLE = Long.MIN_VALUE;

  /** {@link #deadline} after the watchdog ended a call. */
  private static final long EXPIRED = Long.MIN_VALUE + 1;

  private static final VarHandle DEADLINE;

  static {
    try {
      DEADLINE = MethodHandles.lookup().findVarHandle(ChannelIo.class, "deadline", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Endpoint endpoint;
  private final SocketChannel channel;
  private final Watchdog watchdog;
  private final InputStream unread; // the socket adaptor's stream: available() is FIONREAD
  private final ByteBuffer probeBuffer = ByteBuffer.allocateDirect(1);
  private final ByteBuffer spare = ByteBuffer.allocateDirect(1);
  private final ByteBuffer[] scatter = {null, spare};
  private int readAhead = -1; // a byte the last read took beyond the caller's buffer, or -1
  private boolean drained;
  private boolean spareFirst = true; // the last read filled its buffer: offer the spare

  @SuppressWarnings("unused") // through DEADLINE
  private volatile long deadline = IDLE;

  private boolean blocking = true;
  private volatile Selector selector; // non-blocking mode only; read by abort() from other threads
  private SelectionKey key;

  /**
   * @param endpoint for messages
   * @param channel connected, in blocking mode, registered with no selector
   * @param watchdog keeps the deadlines
   */
  public ChannelIo(Endpoint endpoint, SocketChannel channel, Watchdog watchdog) throws IOException {
    this.endpoint = endpoint;
    this.channel = channel;
    this.watchdog = watchdog;
    this.unread = channel.socket().getInputStream();
    watchdog.register(this);
  }

  public SocketChannel channel() {
    return channel;
  }

  /** Writes all of {@code src} before {@code deadlineNanos} ({@link System#nanoTime()} based). */
  public void write(ByteBuffer src, long deadlineNanos) throws IOException {
    if (!blocking) {
      while (src.hasRemaining()) {
        if (channel.write(src) == 0) {
          await(SelectionKey.OP_WRITE, deadlineNanos, "write");
        }
      }
      return;
    }
    long start = arm(deadlineNanos, "write");
    try {
      while (src.hasRemaining()) {
        channel.write(src);
      }
    } catch (IOException e) {
      throw failure(e, deadlineNanos, start, "write");
    } catch (RuntimeException e) {
      disarm(deadlineNanos);
      throw e;
    }
    if (!disarm(deadlineNanos)) {
      throw timedOut("write", start, null);
    }
  }

  /**
   * Reads at least one byte before {@code deadlineNanos}.
   *
   * @return the number of bytes read, or -1 at end of stream
   */
  public int read(ByteBuffer dst, long deadlineNanos) throws IOException {
    if (readAhead >= 0) {
      dst.put((byte) readAhead);
      readAhead = -1;
      drained = false; // more may have followed it
      return 1;
    }
    if (!blocking) {
      int n = readOnce(dst);
      while (n == 0) {
        await(SelectionKey.OP_READ, deadlineNanos, "read");
        n = readOnce(dst);
      }
      return n;
    }
    long start = arm(deadlineNanos, "read");
    int n;
    try {
      n = readOnce(dst);
    } catch (IOException e) {
      throw failure(e, deadlineNanos, start, "read");
    } catch (RuntimeException e) {
      disarm(deadlineNanos);
      throw e;
    }
    if (!disarm(deadlineNanos)) {
      throw timedOut("read", start, null); // the watchdog closed it as the reply came in
    }
    return n;
  }

  /**
   * One read system call. A caller that reads exactly what it expects (its last read filled its
   * buffer) gets a {@code readv} into its buffer and a 1-byte spare behind it: if the spare gets a
   * byte, the socket held more than the caller asked for, which the return path must know (a dirty
   * connection) without a system call of its own; the byte is kept and is what the next read
   * returns. A caller that reads into a buffer with room gets a plain {@code read} (measured: the
   * spare costs about 0.2 µs per call, the {@code FIONREAD} it saves on return about 0.5 µs); a
   * plain read that happens to fill its buffer leaves the connection not {@link #drained()}, so the
   * return checks it, and switches the next read to the spare.
   */
  private int readOnce(ByteBuffer dst) throws IOException {
    if (!spareFirst) {
      int n = channel.read(dst);
      drained = dst.hasRemaining(); // stopped short of the caller's limit: took all there was
      spareFirst = !drained;
      return n;
    }
    scatter[0] = dst;
    long n;
    try {
      n = channel.read(scatter);
    } finally {
      scatter[0] = null; // keep no reference to the caller's buffer
    }
    if (spare.position() > 0) {
      readAhead = spare.get(0) & 0xff;
      spare.clear();
      n--;
    }
    drained = readAhead < 0; // readv stopped short of the spare: it took all there was
    spareFirst = !dst.hasRemaining();
    return (int) n;
  }

  /** Returns whether the last read took everything the socket held (it did not reach the spare). */
  public boolean drained() {
    return drained;
  }

  /**
   * Returns whether the last read took a byte beyond the caller's buffer that nobody has read yet.
   */
  public boolean hasReadAhead() {
    return readAhead >= 0;
  }

  /**
   * Publishes the deadline of the call about to block.
   *
   * @return the time the call started
   */
  private long arm(long deadlineNanos, String what) throws SocketTimeoutException {
    long now = System.nanoTime();
    if (deadlineNanos - now <= 0) {
      throw new SocketTimeoutException(
          what + " on " + endpoint + " timed out: the deadline passed before it started");
    }
    DEADLINE.setVolatile(this, deadlineNanos);
    watchdog.armed(deadlineNanos);
    return now;
  }

  /**
   * @return true if the call took its deadline back, false if the watchdog had taken it (and closed
   *     the channel)
   */
  private boolean disarm(long deadlineNanos) {
    return DEADLINE.compareAndSet(this, deadlineNanos, IDLE);
  }

  private IOException failure(IOException e, long deadlineNanos, long start, String what) {
    if (!disarm(deadlineNanos)) {
      return timedOut(what, start, e);
    }
    if (e instanceof ClosedByInterruptException) {
      InterruptedIOException i =
          new InterruptedIOException(
              what
                  + " on "
                  + endpoint
                  + " interrupted after "
                  + millis(System.nanoTime() - start)
                  + " ms");
      i.initCause(e);
      return i;
    }
    return e;
  }

  private SocketTimeoutException timedOut(String what, long start, IOException cause) {
    SocketTimeoutException e =
        new SocketTimeoutException(
            what
                + " on "
                + endpoint
                + " timed out after "
                + millis(System.nanoTime() - start)
                + " ms");
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  /**
   * Returns the deadline of the call under way, or {@link Long#MIN_VALUE} if none (for the
   * watchdog).
   */
  public long pendingDeadline() {
    long d = (long) DEADLINE.getVolatile(this);
    return d == EXPIRED ? IDLE : d;
  }

  /**
   * Ends the call whose deadline {@code seen} passed, if it is still under way: the watchdog's
   * side.
   *
   * @return whether it was still under way (and the channel is now closed)
   */
  public boolean expire(long seen) {
    if (seen == IDLE || !DEADLINE.compareAndSet(this, seen, EXPIRED)) {
      return false;
    }
    abort();
    return true;
  }

  /**
   * Switches to non-blocking mode for good (the holder takes the raw channel).
   *
   * @throws IllegalStateException if a byte read ahead is still unread: raw reads would miss it
   */
  public void nonBlocking() throws IOException {
    if (readAhead >= 0) {
      throw new IllegalStateException(
          "the reply on "
              + endpoint
              + " had 1 byte more than the last read()'s buffer could take, and it is still"
              + " unread: read it with read() before using the raw channel");
    }
    if (blocking) {
      channel.configureBlocking(false);
      blocking = false;
    }
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

  /**
   * The liveness check of an idle connection: one non-blocking read, no round trip (in blocking
   * mode the channel is switched to non-blocking around it). Notices a FIN or RST the peer already
   * sent and bytes nobody asked for; a byte read here is consumed, which is fine: a connection that
   * had one is destroyed.
   */
  public Probe probe() {
    try {
      if (blocking) {
        channel.configureBlocking(false);
      }
      try {
        probeBuffer.clear();
        int n = channel.read(probeBuffer);
        if (n == 0) {
          return Probe.ALIVE;
        }
        return n < 0 ? Probe.PEER_CLOSED : Probe.UNREAD_BYTES;
      } finally {
        if (blocking) {
          channel.configureBlocking(true);
        }
      }
    } catch (IOException | RuntimeException e) {
      return Probe.FAILED;
    }
  }

  /**
   * The check on return for bytes the holder left unread: one {@code ioctl(FIONREAD)}, which reads
   * nothing and works in either mode. (A FIN is not seen here: the next exchange sees it.)
   */
  public Probe unreadCheck() {
    try {
      return unread.available() > 0 ? Probe.UNREAD_BYTES : Probe.ALIVE;
    } catch (IOException | RuntimeException e) {
      return Probe.FAILED;
    }
  }

  /** Closes the selector, if any, and the channel. Never throws. */
  public void closeQuietly() {
    watchdog.deregister(this);
    if (selector != null) {
      try {
        selector.close();
      } catch (IOException | RuntimeException ignored) {
        // closing anyway
      }
    }
    abort();
  }

  /**
   * Closes the channel from another thread: a holder blocked in a read or write wakes with an
   * exception. Never throws.
   */
  public void abort() {
    try {
      channel.close();
    } catch (IOException | RuntimeException ignored) {
      // closing anyway
    }
    Selector s = selector;
    if (s != null) {
      s.wakeup();
    }
  }

  /** An {@link EOFException} that names the peer. */
  public EOFException endOfStream() {
    return new EOFException("peer " + endpoint + " closed the connection");
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
