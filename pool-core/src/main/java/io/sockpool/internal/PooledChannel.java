package io.sockpool.internal;

import io.sockpool.Connection;
import io.sockpool.DestroyReason;
import io.sockpool.Endpoint;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * The object commons-pool2 pools: one connected non-blocking {@link SocketChannel}, its own {@link
 * Selector} for timed waits, and the timestamps the eviction rules read. Used by one thread at a
 * time (the holder, the initializer or validator, or the evictor while idle).
 */
public final class PooledChannel implements Connection {
  /** Outcome of {@link #probe()}: the cheap liveness check. */
  enum Probe {
    ALIVE,
    PEER_CLOSED,
    UNREAD_BYTES,
    FAILED
  }

  private final Endpoint endpoint;
  private final InetSocketAddress remoteAddress;
  private final SocketChannel channel;
  private final Selector selector;
  private final SelectionKey key;
  private final long createdNanos;
  private final long expiresNanos;
  private final ByteBuffer probeBuffer = ByteBuffer.allocateDirect(1);

  private volatile long lastUsedNanos;
  private volatile boolean broken;
  private volatile boolean retired;
  private boolean openedForCheckout;
  private volatile boolean inPool;
  private volatile org.apache.commons.pool2.PooledObject<PooledChannel> pooledObject;
  private boolean died;
  private long bytesReadInLease;
  private volatile DestroyReason destroyReason;
  private volatile Lease lease;
  private EndpointState state;
  private boolean expectReply;
  private boolean unanswered;
  private boolean unreadPossible;
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
      SocketChannel channel,
      Selector selector,
      SelectionKey key,
      long createdNanos,
      long expiresNanos) {
    this(endpoint, null, channel, selector, key, createdNanos, expiresNanos);
  }

  PooledChannel(
      Endpoint endpoint,
      InetSocketAddress remoteAddress,
      SocketChannel channel,
      Selector selector,
      SelectionKey key,
      long createdNanos,
      long expiresNanos) {
    this.endpoint = endpoint;
    this.remoteAddress = remoteAddress;
    this.channel = channel;
    this.selector = selector;
    this.key = key;
    this.createdNanos = createdNanos;
    this.expiresNanos = expiresNanos;
    this.lastUsedNanos = createdNanos;
  }

  @Override
  public Endpoint endpoint() {
    return endpoint;
  }

  @Override
  public SocketChannel channel() {
    return channel;
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

  boolean isBroken() {
    return broken;
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

  /** Marks it for closing on return instead of reuse ({@link DestroyReason#RETIRED}). */
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
  }

  Lease lease() {
    return lease;
  }

  void lease(Lease value) {
    lease = value;
    died = false;
    bytesReadInLease = 0;
    expectReply = false;
    unanswered = false;
    unreadPossible = false;
  }

  /**
   * @return whether bytes may be waiting unread: since checkout, a request was written and no later
   *     read found the socket drained (a read that did not fill its buffer took everything there
   *     was), a read filled its buffer (more may follow), or the holder used the raw channel
   */
  boolean mayHaveUnread() {
    return unreadPossible;
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

  /** The holder took the raw {@link SocketChannel}: the pool no longer knows what was read. */
  void rawAccess() {
    unreadPossible = true;
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
    write(src, deadline(timeout));
  }

  @Override
  public int read(ByteBuffer dst, Duration timeout) throws IOException {
    return read(dst, deadline(timeout));
  }

  @Override
  public void readFully(ByteBuffer dst, Duration timeout) throws IOException {
    long deadline = deadline(timeout);
    while (dst.hasRemaining()) {
      read(dst, deadline);
    }
  }

  @Override
  public void exchangeComplete() {
    unanswered = false;
  }

  /**
   * @return whether a request was written since checkout without a call to exchangeComplete
   */
  boolean exchangeOpen() {
    return unanswered;
  }

  /** Writes all of {@code src} before {@code deadlineNanos} ({@link System#nanoTime()} based). */
  void write(ByteBuffer src, long deadlineNanos) throws IOException {
    try {
      while (src.hasRemaining()) {
        if (channel.write(src) == 0) {
          await(SelectionKey.OP_WRITE, deadlineNanos, "write");
        }
      }
      expectReply = true;
      unanswered = true;
      unreadPossible = true;
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
    if (!dst.hasRemaining()) {
      throw new IllegalArgumentException(
          "read buffer has no space remaining (position "
              + dst.position()
              + ", limit "
              + dst.limit()
              + ")");
    }
    try {
      // Right after a request the reply is almost never there yet: wait first instead of
      // paying for a read that returns nothing (one system call per request).
      int n = expectReply ? 0 : channel.read(dst);
      expectReply = false;
      while (n == 0) {
        await(SelectionKey.OP_READ, deadlineNanos, "read");
        n = channel.read(dst);
      }
      if (n < 0) {
        throw new EOFException("peer " + endpoint + " closed the connection");
      }
      bytesReadInLease += n;
      unreadPossible = !dst.hasRemaining(); // a read that filled its buffer may have left more
      return n;
    } catch (IOException | RuntimeException e) {
      failed(e);
      throw e;
    }
  }

  private void await(int op, long deadlineNanos, String what) throws IOException {
    long left = deadlineNanos - System.nanoTime();
    if (left <= 0) {
      throw new SocketTimeoutException(what + " on " + endpoint + " timed out");
    }
    key.interestOps(op);
    selector.select(Math.max(1, (left + 999_999) / 1_000_000));
    selector.selectedKeys().clear();
    if (Thread.currentThread().isInterrupted()) {
      throw new java.io.InterruptedIOException(what + " on " + endpoint + " interrupted");
    }
    if (!channel.isOpen()) {
      throw new java.nio.channels.ClosedChannelException();
    }
  }

  /**
   * The cheap liveness check: one non-blocking read, no round trip. Notices a FIN or RST the peer
   * already sent and bytes nobody asked for. A byte read here is consumed, which is fine: a
   * connection that had one is destroyed.
   */
  Probe probe() {
    try {
      probeBuffer.clear();
      int n = channel.read(probeBuffer);
      if (n == 0) {
        return Probe.ALIVE;
      }
      return n < 0 ? Probe.PEER_CLOSED : Probe.UNREAD_BYTES;
    } catch (IOException | RuntimeException e) {
      return Probe.FAILED;
    }
  }

  /** Closes the selector (deregistering the channel) and then the channel. Never throws. */
  void closeQuietly() {
    try {
      selector.close();
    } catch (IOException | RuntimeException ignored) {
      // closing anyway
    }
    try {
      channel.close();
    } catch (IOException | RuntimeException ignored) {
      // closing anyway
    }
  }

  /** Closes the socket from another thread so that a holder blocked in a timed wait wakes up. */
  void abort() {
    try {
      channel.close();
    } catch (IOException | RuntimeException ignored) {
      // closing anyway
    }
    selector.wakeup();
  }

  private static long deadline(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be > 0, but was " + timeout);
    }
    return System.nanoTime() + timeout.toNanos();
  }

  @Override
  public String toString() {
    return "PooledChannel{"
        + endpoint
        + (remoteAddress == null ? "" : " at " + remoteAddress)
        + ", open="
        + channel.isOpen()
        + ", broken="
        + broken
        + (retired ? ", retired" : "")
        + "}";
  }
}
