package io.sockpool.internal;

import io.sockpool.Connection;
import io.sockpool.DestroyReason;
import io.sockpool.Endpoint;
import io.sockpool.internal.io.Probe;
import io.sockpool.internal.io.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * The object commons-pool2 pools: one connection with its {@link Transport} (timed I/O), what the
 * current lease did with it, and the timestamps the eviction rules read. Used by one thread at a
 * time (the holder, the initializer or validator, or the evictor while idle), except {@link
 * #isBroken()}, which the return path may ask from another thread.
 */
public final class PooledChannel extends ReplyWatch implements Connection {
  private final Endpoint endpoint;
  private final InetSocketAddress remoteAddress;
  private final Transport transport;
  private final long createdNanos;
  private final long expiresNanos;

  private volatile long lastUsedNanos;
  private volatile boolean broken;
  private volatile boolean retired;
  private boolean openedForCheckout;
  private Runnable afterLeaseCheck; // a test's hook, run by a holder between lease check and call
  private volatile boolean inPool;
  private volatile org.apache.commons.pool2.PooledObject<PooledChannel> pooledObject;
  private boolean died;
  private long bytesReadInLease;
  private volatile DestroyReason destroyReason;
  private volatile Lease lease;
  private EndpointState state;
  private boolean exchangeOpen;
  private boolean rawChannelOut;
  private boolean mayHaveUnread;
  private volatile boolean returnedClean;

  @SuppressWarnings("unused") // through HOT
  private volatile int hot;

  private static final java.lang.invoke.VarHandle HOT;

  static {
    try {
      HOT =
          java.lang.invoke.MethodHandles.lookup()
              .findVarHandle(PooledChannel.class, "hot", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  PooledChannel(
      Endpoint endpoint,
      InetSocketAddress remoteAddress,
      Transport transport,
      long createdNanos,
      long expiresNanos) {
    this.endpoint = endpoint;
    this.remoteAddress = remoteAddress;
    this.transport = transport;
    this.createdNanos = createdNanos;
    this.expiresNanos = expiresNanos;
    this.lastUsedNanos = createdNanos;
  }

  @Override
  public Endpoint endpoint() {
    return endpoint;
  }

  /**
   * Hands the raw channel to the holder ({@link Connection#channel()}): the transport switches to
   * non-blocking mode for good, and since the pool no longer sees what is written or read, the
   * lease counts as "wrote, reply unknown" until the holder declares the exchange complete, and the
   * return checks for unread bytes.
   */
  @Override
  public SocketChannel channel() {
    try {
      SocketChannel raw = transport.rawChannel();
      rawChannelOut = true;
      exchangeOpen = true;
      mayHaveUnread = true;
      return raw;
    } catch (IOException e) {
      broken = true; // closed meanwhile: the holder's own I/O fails, the return destroys it
      return transport.channel();
    }
  }

  Transport transport() {
    return transport;
  }

  /**
   * @return the address this connection was opened to (one of the endpoint's addresses)
   */
  InetSocketAddress remoteAddress() {
    return remoteAddress;
  }

  /**
   * Marks the connection as not to be reused: an idle one is closed by the next borrow or eviction
   * test, a checked-out one when it comes back ({@link DestroyReason#RETIRED}).
   */
  void retire() {
    retired = true;
  }

  /**
   * @return whether {@link #retire()} was called
   */
  boolean isRetired() {
    return retired;
  }

  /**
   * @return commons-pool2's wrapper of this connection (its idle / allocated state)
   */
  org.apache.commons.pool2.PooledObject<PooledChannel> pooledObject() {
    return pooledObject;
  }

  void pooledObject(org.apache.commons.pool2.PooledObject<PooledChannel> value) {
    pooledObject = value;
  }

  long createdNanos() {
    return createdNanos;
  }

  long expiresNanos() {
    return expiresNanos;
  }

  long lastUsedNanos() {
    return lastUsedNanos;
  }

  void touch(long nowNanos) {
    lastUsedNanos = nowNanos;
  }

  /**
   * @return whether it must not be reused because of its I/O: a helper call failed or timed out, or
   *     a call is under way right now (the connection is being returned by another thread while its
   *     holder is blocked in a read or write: whatever the peer sends next would reach that call)
   */
  boolean isBroken() {
    return broken || transport.callUnderWay();
  }

  /**
   * @return whether a checkout opened it and it has not been served yet (no vetting needed)
   */
  boolean openedForCheckout() {
    return openedForCheckout;
  }

  void openedForCheckout(boolean value) {
    openedForCheckout = value;
  }

  /**
   * @return whether commons-pool2 holds it (made, not only connecting)
   */
  boolean inPool() {
    return inPool;
  }

  void inPool(boolean value) {
    inPool = value;
  }

  DestroyReason destroyReason() {
    return destroyReason;
  }

  /** Records why the connection is about to be destroyed; the first reason wins. */
  void destroyReason(DestroyReason reason) {
    if (destroyReason == null) {
      destroyReason = reason;
    }
  }

  EndpointState state() {
    return state;
  }

  void state(EndpointState value) {
    state = value;
    roundTrip(value.roundTrip());
  }

  /**
   * @return what the peer did with this connection's requests (breaker evidence, round trips)
   */
  ReplyWatch replies() {
    return this; // the superclass: its fields in this object
  }

  Lease lease() {
    return lease;
  }

  void lease(Lease value) {
    lease = value;
    died = false;
    bytesReadInLease = 0;
    exchangeOpen = false;
    rawChannelOut = false;
    mayHaveUnread = false;
    newLease();
  }

  /**
   * @return whether bytes may be waiting unread: since checkout, a request was written and no later
   *     read found the socket drained (a read that stopped short of its buffer, or left its spare
   *     byte empty, took everything there was; {@link Transport#drained()}), or the holder used the
   *     raw channel
   */
  boolean mayHaveUnread() {
    return mayHaveUnread;
  }

  /**
   * @return whether a read took a byte beyond its caller's buffer that nobody has read since: the
   *     peer sent more than was read, so the connection is dirty (known without a system call)
   */
  boolean hasReadAhead() {
    return transport.hasReadAhead();
  }

  /**
   * Checks that a hook's exchange (an initializer's, a validator's) left the connection fit for a
   * holder: not broken, no request written without a read after it, and the socket proven drained:
   * no byte of the peer's read ahead and unread, and, unless the hook's last read showed it took
   * everything, no byte waiting in the socket (one {@code FIONREAD}, off the hot path). A hook that
   * read into a buffer with room may have read a prefix of what the peer sent; the rest must not
   * reach the borrower.
   *
   * @param hook what ran, for the message ("the validator")
   * @throws IOException if it is not
   */
  void checkHookLeftItClean(String hook) throws IOException {
    if (broken) {
      throw new IOException(hook + " left the connection to " + endpoint + " broken");
    }
    if (exchangeOpen && awaitingReply()) {
      throw new IOException(
          hook + " wrote a request to " + endpoint + " and read nothing after it");
    }
    if (hasReadAhead() || (mayHaveUnread && transport.unreadCheck() != Probe.ALIVE)) {
      throw new IOException(
          "the peer "
              + endpoint
              + " sent more than "
              + hook
              + " read (bytes left unread in the connection)");
    }
  }

  /**
   * @return whether a holder has returned it clean at least once (a connection only opened, by
   *     warm-up or min-idle, has not: it is always probed on borrow)
   */
  boolean returnedClean() {
    return returnedClean;
  }

  /** Marks it hot: idle, kept for the thread that returned it ({@link HotSlots}). */
  void makeHot() {
    HOT.setVolatile(this, 1);
  }

  /**
   * @return whether it is hot now
   */
  boolean isHot() {
    return (int) HOT.getVolatile(this) == 1;
  }

  /**
   * @return true if it was hot and this call took it (exactly one caller wins)
   */
  boolean tryTakeHot() {
    return (int) HOT.getVolatile(this) == 1 && HOT.compareAndSet(this, 1, 0);
  }

  /** Notes that a holder returned it clean and it was kept. */
  void markReturnedClean() {
    returnedClean = true;
  }

  /**
   * @return true if, in the current checkout, an I/O helper failed on the connection itself (EOF,
   *     reset, broken pipe; not a timeout) before any byte was read: the peer had closed it, so
   *     nothing was processed and an idempotent exchange may run again elsewhere
   */
  boolean diedBeforeReply() {
    return died && bytesReadInLease == 0;
  }

  @Override
  public void write(ByteBuffer src, Duration timeout) throws IOException {
    long now = System.nanoTime(); // one clock read: the deadline, its check, the request's time
    write(src, deadline(timeout, now), now);
  }

  @Override
  public int read(ByteBuffer dst, Duration timeout) throws IOException {
    long now = System.nanoTime();
    return read(dst, deadline(timeout, now), now);
  }

  @Override
  public void readFully(ByteBuffer dst, Duration timeout) throws IOException {
    long now = System.nanoTime();
    long deadline = deadline(timeout, now);
    if (!dst.hasRemaining()) {
      return; // nothing to read (the timeout is still checked)
    }
    read(dst, deadline, now);
    while (dst.hasRemaining()) {
      read(dst, deadline, System.nanoTime());
    }
  }

  /**
   * Trusted only if something was read since the last write (or the holder took the raw channel,
   * whose reads the pool cannot see): a declaration with no read after the request is false, and
   * the connection stays "exchange open" (destroyed on return).
   */
  @Override
  public void exchangeComplete() {
    if (!awaitingReply() || rawChannelOut) {
      exchangeOpen = false;
    }
  }

  @Override
  public void requestHasNoReply() {
    exchangeOpen = false;
    mayHaveUnread = true; // a reply after all is found on return (FIONREAD), if it came
  }

  /**
   * @return whether a request was written since checkout without a call to exchangeComplete
   */
  boolean exchangeOpen() {
    return exchangeOpen;
  }

  /** Writes all of {@code src} before {@code deadlineNanos} ({@link System#nanoTime()} based). */
  void write(ByteBuffer src, long deadlineNanos) throws IOException {
    write(src, deadlineNanos, System.nanoTime());
  }

  /**
   * Writes all of {@code src} before {@code deadlineNanos}, the clock read by the caller just now
   * ({@code nowNanos}): the write's start, and the request's time if it starts an exchange.
   */
  void write(ByteBuffer src, long deadlineNanos, long nowNanos) throws IOException {
    try {
      transport.write(src, deadlineNanos, nowNanos);
      wrote(nowNanos);
      exchangeOpen = true;
      mayHaveUnread = true;
    } catch (IOException | RuntimeException e) {
      failed(e);
      throw e;
    }
  }

  private void failed(Exception e) {
    broken = true;
    if (e instanceof IOException && !(e instanceof java.io.InterruptedIOException)) {
      died = true;
    }
  }

  /** Reads at least one byte before {@code deadlineNanos}. */
  int read(ByteBuffer dst, long deadlineNanos) throws IOException {
    return read(dst, deadlineNanos, System.nanoTime());
  }

  /** Reads at least one byte before {@code deadlineNanos}, the clock read just now given. */
  int read(ByteBuffer dst, long deadlineNanos, long nowNanos) throws IOException {
    if (!dst.hasRemaining()) {
      throw new IllegalArgumentException(
          "read buffer has no space remaining (position "
              + dst.position()
              + ", limit "
              + dst.limit()
              + ")");
    }
    try {
      int n = transport.read(dst, deadlineNanos, nowNanos);
      if (n < 0) {
        throw transport.endOfStream();
      }
      bytesReadInLease += n;
      mayHaveUnread = !transport.drained(); // the read reached its spare byte: more was there
      replyBytes(n);
      return n;
    } catch (SocketTimeoutException e) {
      failed(e);
      throw timedOut(e, endpoint, deadlineNanos);
    } catch (IOException | RuntimeException e) {
      failed(e);
      throw e;
    }
  }

  /**
   * The liveness check of an idle connection: one non-blocking read, no round trip ({@link
   * Transport#probe()}).
   */
  Probe probe() {
    return transport.probe();
  }

  /** The check on return for bytes the holder left unread ({@link Transport#unreadCheck()}). */
  Probe unreadCheck() {
    return transport.unreadCheck();
  }

  /** Closes the transport (and its selector, if it has one). Never throws. */
  void closeQuietly() {
    transport.close();
  }

  /** Closes the socket from another thread so that a holder blocked in I/O wakes up. */
  void abort() {
    transport.abort();
  }

  private static long deadline(Duration timeout, long nowNanos) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be > 0, but was " + timeout);
    }
    return nowNanos + timeout.toNanos();
  }

  @Override
  public String toString() {
    return "PooledChannel{"
        + endpoint
        + (remoteAddress == null ? "" : " at " + remoteAddress)
        + ", open="
        + transport.isOpen()
        + ", broken="
        + broken
        + (retired ? ", retired" : "")
        + "}";
  }

  /** Test seam: the hook a holder's call runs between its lease check and its I/O (or null). */
  void afterLeaseCheck(Runnable hook) {
    afterLeaseCheck = hook;
  }

  Runnable afterLeaseCheck() {
    return afterLeaseCheck;
  }
}
