package io.sockpool.internal;

import io.sockpool.PooledConnection;

/**
 * What {@link io.sockpool.SocketPool#execute} and {@link io.sockpool.SocketPool#executeIdempotent}
 * need from the engine about the operation they ran.
 */
public final class Operations {
  private Operations() {}

  /**
   * The operation returned normally: declares its exchange complete, but only if it read after its
   * last write. A request written and not answered by a single byte read since leaves the exchange
   * open, so the connection is destroyed on return ({@link
   * io.sockpool.DestroyReason#INCOMPLETE_EXCHANGE}) instead of handing that reply to the next
   * borrower.
   *
   * @param connection the connection the operation ran on, still checked out
   */
  public static void returnedNormally(PooledConnection connection) {
    if (connection instanceof Lease lease) {
      PooledChannel ch = lease.pooledChannel();
      if (!ch.replies().awaitingReply()) {
        connection.exchangeComplete();
      }
    } else {
      connection.exchangeComplete();
    }
  }
}
