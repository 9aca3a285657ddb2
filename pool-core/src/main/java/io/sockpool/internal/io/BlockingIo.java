package io.sockpool.internal.io;

import io.sockpool.Endpoint;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * Timed I/O on a channel in <b>blocking</b> mode, the default mode of a pooled connection: a read
 * is one {@code read} system call that sleeps in the kernel until the reply is there, as on a
 * dedicated socket (a non-blocking read under a selector costs a failed {@code read}, an {@code
 * epoll_wait} and the selector's bookkeeping per reply). The deadline is kept by the pool's {@link
 * Watchdog}: before the call the connection publishes it ({@link #arm}: one volatile write), after
 * the call it takes it back ({@link #disarm}: one compare-and-set); if the deadline passes first,
 * the watchdog takes it ({@link #expire}) and closes the channel, which ends the blocked call.
 * Exactly one side wins the deadline, so a call that completed is never reported as timed out, and
 * a call the watchdog ended always is.
 *
 * <p>The watchdog knows this connection only while it makes calls: the first call after the
 * watchdog let it go hands it over again (one more compare-and-set, not per call), so idle
 * connections cost the watchdog nothing.
 *
 * <p>A caller that reads exactly what it expects gets one spare byte behind its buffer (see {@link
 * #readOnce}), which tells whether the socket held more, without a system call of its own.
 *
 * <p>Used by one thread at a time, except {@link #expire}, {@link #pendingDeadline} and the watch
 * state (the watchdog), {@link #callUnderWay} and {@link #abort} (any thread).
 */
public final class BlockingIo {
  /** {@link #deadline} when no call is under way. */
  static final long IDLE = Long.MIN_VALUE;

  /**
   * Reads into at most this many bytes of room go through {@link #staging}: one plain {@code read}
   * into a direct buffer of the connection's own (no temporary buffer of the JDK's, no {@code
   * readv}), the spare byte behind the caller's room for free. 512 covers a request-reply
   * protocol's short replies (a Redis status, integer or small bulk string) for 513 bytes of native
   * memory per connection.
   */
  public static final int STAGED_MAX = 512;

  /** {@link #deadline} after the watchdog ended a call. */
  private static final long EXPIRED = Long.MIN_VALUE + 1;

  private static final VarHandle DEADLINE;
  private static final VarHandle WATCHED;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      DEADLINE = lookup.findVarHandle(BlockingIo.class, "deadline", long.class);
      WATCHED = lookup.findVarHandle(BlockingIo.class, "watched", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Endpoint endpoint;
  private final SocketChannel channel;
  private final Watchdog watchdog;
  private final ByteBuffer probeBuffer = ByteBuffer.allocateDirect(1);

  /**
   * Where a read of up to {@link #STAGED_MAX} bytes lands first, with room for the spare byte:
   * allocated at the first such read, so a connection that only makes larger reads has none.
   */
  private ByteBuffer staging;

  private final ByteBuffer spare = ByteBuffer.allocateDirect(1);
  private final ByteBuffer[] scatter = {null, spare};
  private int readAhead = -1; // a byte the last read took beyond the caller's buffer, or -1
  private boolean drained;
  private boolean spareFirst = true; // the last read filled its buffer: offer the spare

  @SuppressWarnings("unused") // through DEADLINE
  private volatile long deadline = IDLE;

  @SuppressWarnings("unused") // through WATCHED: 1 while the watchdog has it (list or hand-over)
  private volatile int watched;

  /**
   * Whether the watchdog's last look found no call under way; only the watchdog reads or writes it.
   */
  boolean foundIdle;

  /** The next connection handed over to the watchdog with this one (its hand-over stack). */
  BlockingIo nextHandedOver;

  /**
   * @param endpoint for messages
   * @param channel connected, in blocking mode, registered with no selector
   * @param watchdog keeps the deadlines
   */
  public BlockingIo(Endpoint endpoint, SocketChannel channel, Watchdog watchdog) {
    this.endpoint = endpoint;
    this.channel = channel;
    this.watchdog = watchdog;
  }

  /** Writes all of {@code src} before {@code deadlineNanos}. */
  public void write(ByteBuffer src, long deadlineNanos) throws IOException {
    write(src, deadlineNanos, System.nanoTime());
  }

  /**
   * Writes all of {@code src} before {@code deadlineNanos}.
   *
   * @param nowNanos {@link System#nanoTime()}, read by the caller just before: the call's start
   */
  public void write(ByteBuffer src, long deadlineNanos, long nowNanos) throws IOException {
    long start = arm(deadlineNanos, nowNanos, "write");
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
    return read(dst, deadlineNanos, System.nanoTime());
  }

  /**
   * Reads at least one byte before {@code deadlineNanos}.
   *
   * @param nowNanos {@link System#nanoTime()}, read by the caller just before: the call's start
   * @return the number of bytes read, or -1 at end of stream
   */
  public int read(ByteBuffer dst, long deadlineNanos, long nowNanos) throws IOException {
    if (readAhead >= 0) {
      dst.put((byte) readAhead);
      readAhead = -1;
      drained = false; // more may have followed it
      return 1;
    }
    long start = arm(deadlineNanos, nowNanos, "read");
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
   * One read system call, which always tells whether the socket held more than the caller asked
   * for: the return path must know that (a dirty connection) without a system call of its own.
   *
   * <ul>
   *   <li>Room of up to {@link #STAGED_MAX} bytes (a reply read exactly, or a small buffer): a
   *       plain {@code read} of room + 1 bytes into {@link #staging}, copied out. If the last byte
   *       came, the socket held more: it is kept and is what the next read returns; if the read
   *       stopped short of it, it took all there was.
   *   <li>Larger room, after a read that filled its buffer: a {@code readv} into the caller's
   *       buffer and a 1-byte spare behind it, with the same meaning (the spare costs about 0.2 µs
   *       per call in the JDK's scattering read, the {@code FIONREAD} it saves on return about 0.5
   *       µs).
   *   <li>Larger room otherwise: a plain {@code read}; one that fills its buffer leaves the
   *       connection not {@link #drained()}, so the return checks it, and switches the next large
   *       read to the spare.
   * </ul>
   */
  private int readOnce(ByteBuffer dst) throws IOException {
    int room = dst.remaining();
    if (room <= STAGED_MAX) {
      return readStaged(dst, room);
    }
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

  private int readStaged(ByteBuffer dst, int room) throws IOException {
    ByteBuffer s = staging;
    if (s == null) {
      s = staging = ByteBuffer.allocateDirect(STAGED_MAX + 1);
    }
    s.clear().limit(room + 1);
    int n = channel.read(s);
    if (n <= 0) {
      return n; // end of stream (a blocking read returns at least one byte otherwise)
    }
    s.flip();
    if (n > room) {
      readAhead = s.get(room) & 0xff;
      s.limit(room);
      n = room;
    }
    dst.put(s);
    drained = readAhead < 0; // stopped short of the spare byte: it took all there was
    spareFirst = !dst.hasRemaining();
    return n;
  }

  /**
   * @return whether the last read took everything the socket held (it did not reach the spare)
   */
  public boolean drained() {
    return drained;
  }

  /**
   * @return whether the last read took a byte beyond the caller's buffer that nobody has read yet
   */
  public boolean hasReadAhead() {
    return readAhead >= 0;
  }

  /**
   * @return whether a call is under way (its deadline published and not yet taken back)
   */
  public boolean callUnderWay() {
    return (long) DEADLINE.getVolatile(this) != IDLE;
  }

  /**
   * Publishes the deadline of the call about to block and makes sure the watchdog watches this
   * connection.
   *
   * @param now the clock read by the caller just before (the call's start)
   * @return the time the call started
   */
  private long arm(long deadlineNanos, long now, String what) throws SocketTimeoutException {
    if (deadlineNanos - now <= 0) {
      throw new SocketTimeoutException(
          what + " on " + endpoint + " timed out: the deadline passed before it started");
    }
    DEADLINE.setVolatile(this, deadlineNanos);
    if ((int) WATCHED.getVolatile(this) == 0 && WATCHED.compareAndSet(this, 0, 1)) {
      watchdog.handOver(this); // the watchdog had let it go: the first call since hands it over
    }
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
   * @return the deadline of the call under way, or {@link #IDLE} if none (for the watchdog)
   */
  long pendingDeadline() {
    long d = (long) DEADLINE.getVolatile(this);
    return d == EXPIRED ? IDLE : d;
  }

  /**
   * Ends the call whose deadline {@code seen} passed, if it is still under way: the watchdog's
   * side.
   *
   * @return whether it was still under way (and the channel is now closed)
   */
  boolean expire(long seen) {
    if (seen == IDLE || !DEADLINE.compareAndSet(this, seen, EXPIRED)) {
      return false;
    }
    abort();
    return true;
  }

  /**
   * The watchdog lets this connection go, unless a call armed meanwhile (the watchdog's side of the
   * hand-over; a call publishes its deadline, then looks at the watch state, so one of the two sees
   * the other).
   *
   * @return true if the watchdog no longer has it (a call under way, if any, hands it over again)
   */
  boolean letGo() {
    WATCHED.setVolatile(this, 0);
    if (pendingDeadline() == IDLE) {
      return true; // a call arming from now on sees 0 and hands it over
    }
    return !WATCHED.compareAndSet(this, 0, 1); // false: kept; true: the call hands it over
  }

  /**
   * The liveness check of an idle connection: one read with the channel switched to non-blocking
   * around it.
   */
  public Probe probe() {
    try {
      channel.configureBlocking(false);
      try {
        return Probe.ofRead(channel.read(probeBuffer.clear()));
      } finally {
        channel.configureBlocking(true);
      }
    } catch (IOException | RuntimeException e) {
      return Probe.FAILED;
    }
  }

  /**
   * Leaves blocking mode for good (the holder takes the raw channel).
   *
   * @throws IllegalStateException if a byte read ahead is still unread: raw reads would miss it
   * @throws IOException if the channel could not be switched (closed meanwhile)
   */
  public void leaveBlockingMode() throws IOException {
    if (readAhead >= 0) {
      throw new IllegalStateException(
          "the reply on "
              + endpoint
              + " had 1 byte more than the last read()'s buffer could take, and it is still"
              + " unread: read it with read() before using the raw channel");
    }
    channel.configureBlocking(false);
  }

  /** Closes the channel; a call blocked in it wakes with an exception. Never throws. */
  public void abort() {
    try {
      channel.close();
    } catch (IOException | RuntimeException ignored) {
      // closing anyway
    }
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
