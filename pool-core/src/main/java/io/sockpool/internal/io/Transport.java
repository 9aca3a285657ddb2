package io.sockpool.internal.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * What a pooled connection's bytes go through, and what the pool asks of it: timed reads and
 * writes, and the facts the return path and the checkout's vetting decide on (were there bytes
 * beyond what the holder read, is a call under way, did the peer close). The engine knows
 * connections only through this interface; {@link PlainTransport} is plaintext TCP, and a TLS
 * transport (an {@code SSLEngine} over the same channel, its handshake done by its {@link
 * TransportFactory}) implements the same methods over decrypted bytes.
 *
 * <p>Deadlines are {@link System#nanoTime()} values. Used by one thread at a time, except {@link
 * #callUnderWay()}, {@link #isOpen()} and {@link #abort()}, which any thread may call.
 */
public interface Transport {

  /**
   * Reads at least one byte before {@code deadlineNanos}, with the clock the caller read just now
   * (a call that computed its deadline from a clock read passes that read: no second one).
   *
   * @param dst where to put the bytes; has space remaining
   * @param deadlineNanos when the call must end
   * @param nowNanos {@link System#nanoTime()}, read by the caller just before
   * @return the number of bytes read, or -1 at end of stream
   * @throws java.net.SocketTimeoutException if nothing arrived in time (the transport is then
   *     closed), or the deadline had passed at {@code nowNanos}
   * @throws IOException if the connection failed
   */
  int read(ByteBuffer dst, long deadlineNanos, long nowNanos) throws IOException;

  /**
   * Writes every remaining byte of {@code src} before {@code deadlineNanos}, with the clock the
   * caller read just now.
   *
   * @param src the bytes; its position advances to its limit
   * @param deadlineNanos when the call must end
   * @param nowNanos {@link System#nanoTime()}, read by the caller just before
   * @throws java.net.SocketTimeoutException if the bytes could not all be sent in time, or the
   *     deadline had passed at {@code nowNanos}
   * @throws IOException if the connection failed
   */
  void write(ByteBuffer src, long deadlineNanos, long nowNanos) throws IOException;

  /**
   * @return whether the last read is known to have taken everything the connection held (false when
   *     unsure: the return path then asks {@link #unreadCheck()})
   */
  boolean drained();

  /**
   * @return whether bytes beyond what the callers asked for were taken from the connection and are
   *     still undelivered (a read-ahead byte, decrypted bytes buffered by a TLS engine): the peer
   *     sent more than was read, known without a system call
   */
  boolean hasReadAhead();

  /**
   * The liveness check of an idle connection: no round trip, no blocking. Notices a close the peer
   * already sent and bytes nobody asked for (which it may consume: such a connection is destroyed).
   *
   * @return the outcome
   */
  Probe probe();

  /**
   * Whether bytes are waiting unread, without reading them (on return, when {@link #drained()} is
   * false). Does not look for a close: the next exchange sees it.
   *
   * @return {@link Probe#UNREAD_BYTES}, {@link Probe#ALIVE} if none, {@link Probe#FAILED}
   */
  Probe unreadCheck();

  /**
   * @return whether a read or write is under way now (any thread may ask: a connection returned by
   *     another thread while its holder is blocked in a call must not be reused)
   */
  boolean callUnderWay();

  /**
   * Hands the connection over to code that drives I/O itself: from now on the channel is in
   * non-blocking mode, for the connection's life, and the helpers keep working on it. A transport
   * that cannot hand out its channel (TLS: the bytes on it are encrypted) refuses.
   *
   * @return the channel, non-blocking
   * @throws IllegalStateException if bytes read ahead are still undelivered (raw reads would miss
   *     them)
   * @throws UnsupportedOperationException if this transport cannot hand out its channel
   * @throws IOException if switching the mode failed (the channel was closed)
   */
  SocketChannel rawChannel() throws IOException;

  /**
   * @return the underlying channel, for inspection only (open, addresses, blocking mode): never
   *     read, write or reconfigure it through this reference
   */
  SocketChannel channel();

  /**
   * @return whether the connection is open
   */
  boolean isOpen();

  /**
   * Closes the connection from another thread: a call blocked in it ends with an exception. Never
   * throws.
   */
  void abort();

  /** Closes the connection and what the transport holds for it. Never throws. */
  void close();

  /**
   * @return the exception for the peer's end of stream, naming the peer
   */
  java.io.EOFException endOfStream();
}
