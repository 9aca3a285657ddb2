package io.sockpool;

/**
 * A connection checked out of a {@link SocketPool}; use it in try-with-resources.
 *
 * <p>{@link #close()} returns it to the pool; {@link #invalidate()} destroys it. Either may be
 * called any number of times; only the first has an effect. After either, every other method throws
 * {@link IllegalStateException}.
 *
 * <p>On return the pool destroys the connection instead of keeping it when its holder saw an I/O
 * error or a timeout through the timed helpers, when the peer sent bytes that nobody read, or when
 * the holder wrote and did not call {@link #exchangeComplete()} afterwards: one borrower's data
 * never reaches another. The {@link SocketPool} class comment has an example.
 */
public interface PooledConnection extends Connection, AutoCloseable {

  /**
   * Returns the connection to the pool (or destroys it, see the class comment). Never blocks on the
   * network and never opens a connection. Idempotent.
   */
  @Override
  void close();

  /** Destroys the connection (closes the socket) and frees its slot in the pool. Idempotent. */
  void invalidate();
}
