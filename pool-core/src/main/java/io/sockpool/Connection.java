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
   * <b>Switches this connection to raw mode</b> and returns its channel, for code that drives I/O
   * itself. Not a plain getter; each call:
   *
   * <ul>
   *   <li>puts the channel in non-blocking mode, for the connection's life (the helpers go on
   *       working, waiting under a selector of their own instead of the pool's watchdog);
   *   <li>counts as a request written with its reply unknown, since the pool cannot see raw writes
   *       and reads: the connection is destroyed on return ({@link
   *       DestroyReason#INCOMPLETE_EXCHANGE}) unless {@link #exchangeComplete()} (or {@link
   *       #requestHasNoReply()}) is called after the raw I/O, and then the return checks the socket
   *       for unread bytes (one {@code ioctl}).
   * </ul>
   *
   * <p>Do not change its blocking mode, register it elsewhere or close it; do not keep it after
   * returning the connection. If raw I/O fails, call {@link PooledConnection#invalidate()}.
   *
   * @return the connected channel, non-blocking
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
   * since the last declaration (or since checkout) is destroyed on return ({@link
   * DestroyReason#INCOMPLETE_EXCHANGE}) instead of handing a late reply to the next borrower.
   * Protocol code calls it after parsing each complete reply; {@link SocketPool#execute} calls it
   * when the operation returns normally.
   *
   * <p><b>Not trusted without a read after the last write</b>: a declaration made when nothing was
   * read since the last {@link #write} is ignored (the reply cannot have been read), so the
   * connection is still destroyed on return. It is not refused: the caller's code goes on, and only
   * the connection is lost. For a request that has no reply by its protocol's definition, declare
   * that instead with {@link #requestHasNoReply()}. After the raw {@link #channel()} was taken the
   * pool cannot see reads, and the declaration is trusted.
   *
   * @throws IllegalStateException if the connection was already returned to the pool
   */
  void exchangeComplete();

  /**
   * Declares that the requests written since the last read get no reply by their protocol's
   * definition (a fire-and-forget command, a one-way message), so the connection may be reused
   * without reading anything. The return still checks the socket for unread bytes (one {@code
   * ioctl}), so a reply that came after all is not handed to the next borrower; one that is still
   * on its way cannot be seen: use this only for requests that truly get no reply.
   *
   * @throws IllegalStateException if the connection was already returned to the pool
   */
  void requestHasNoReply();
}
