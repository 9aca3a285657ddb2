package io.sockpool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * An open TCP connection to one {@link Endpoint}, with timed I/O.
 *
 * <p>The helpers here ({@link #read}, {@link #readFully}, {@link #write}) each have a real
 * deadline: no call blocks longer than the timeout it is given. Each is one blocking system call,
 * as on a dedicated socket, whose deadline the pool's {@code <pool>-watchdog} thread keeps (the
 * JDK's blocking channel reads ignore {@code SO_TIMEOUT}); a call past its deadline ends with a
 * {@link java.net.SocketTimeoutException} and the connection is closed. Any exception thrown by a
 * helper marks the connection broken: it will be destroyed when it goes back to the pool, because
 * the peer may still send the rest of an answer that the next borrower must never see.
 *
 * <p>This view is what {@link Validator}s and {@link ConnectionInitializer}s receive. A borrower
 * holds a {@link PooledConnection}. A connection is used by one thread at a time.
 */
public interface Connection {

  /** Returns the peer this connection was opened to. */
  Endpoint endpoint();

  /**
   * The raw channel, for code that wants to drive I/O itself. It is switched to non-blocking mode
   * on this call and stays so for the connection's life (the helpers then wait under a selector);
   * do not change its blocking mode, register it elsewhere or close it. If raw I/O fails, call
   * {@link PooledConnection#invalidate()}.
   *
   * @return the connected channel
   * @throws IllegalStateException if the connection was already returned to the pool, or a byte
   *     that a helper read ahead of its caller's buffer is still unread (read it with {@link #read}
   *     first)
   */
  SocketChannel channel();

  /**
   * Writes every remaining byte of {@code src}, waiting for send-buffer space at most {@code
   * timeout} in total.
   *
   * @param src bytes to send; its position advances to its limit
   * @param timeout the longest this call may block; positive
   * @throws java.net.SocketTimeoutException if the bytes could not all be sent in time
   * @throws IOException if the connection failed
   * @throws IllegalStateException if the connection was already returned to the pool
   */
  void write(ByteBuffer src, Duration timeout) throws IOException;

  /**
   * Reads at least one byte into {@code dst}, waiting at most {@code timeout}.
   *
   * @param dst where to put the bytes; must have space remaining
   * @param timeout the longest this call may block; positive
   * @return the number of bytes read, at least 1
   * @throws java.io.EOFException if the peer closed the connection
   * @throws java.net.SocketTimeoutException if nothing arrived in time
   * @throws IOException if the connection failed
   * @throws IllegalStateException if the connection was already returned to the pool
   */
  int read(ByteBuffer dst, Duration timeout) throws IOException;

  /**
   * Fills the remaining space of {@code dst}, waiting at most {@code timeout} in total.
   *
   * @param dst where to put the bytes
   * @param timeout the longest this call may block; positive
   * @throws java.io.EOFException if the peer closed the connection first
   * @throws java.net.SocketTimeoutException if the bytes did not all arrive in time
   * @throws IOException if the connection failed
   * @throws IllegalStateException if the connection was already returned to the pool
   */
  void readFully(ByteBuffer dst, Duration timeout) throws IOException;

  /**
   * Declares that every reply to the requests written so far has been read in full, so the
   * connection may be reused. The pool cannot know where a reply ends: a connection that wrote
   * since the last call (or since checkout) is destroyed on return ({@link
   * DestroyReason#INCOMPLETE_EXCHANGE}) instead of handing a late reply to the next borrower.
   * Protocol code calls it after parsing each complete reply; {@link SocketPool#execute} calls it
   * when the operation returns normally.
   *
   * @throws IllegalStateException if the connection was already returned to the pool
   */
  void exchangeComplete();
}
