package io.sockpool;

import java.net.InetSocketAddress;

/**
 * Hears what a {@link SocketPool} does, for metrics and live sizing. Register one with {@link
 * SocketPool#addListener(PoolListener)}.
 *
 * <p>Methods are called synchronously on the thread that did the work (a caller in checkout or
 * return, or one of the pool's own threads), outside any lock of the pool. They must be fast, must
 * not block and must not call back into the pool's checkout. Whatever they throw, {@link Error}s
 * included, is caught and never passed to the caller, and the pool finishes what it was doing (no
 * connection is lost to a listener): exceptions and linkage errors (a {@code NoSuchMethodError}
 * from a metrics library of another version) are logged at WARN once per listener and method, a
 * {@link VirtualMachineError} such as {@code OutOfMemoryError} at ERROR every time. Times are in
 * nanoseconds so that the hot path allocates nothing.
 */
public interface PoolListener {

  /**
   * A checkout succeeded.
   *
   * @param endpoint the peer
   * @param elapsedNanos the whole checkout: waiting, connecting and validating
   * @param waited whether the caller had to park waiting for another caller's connection (every
   *     connection busy), as counted by Erlang C's P(wait)
   */
  default void checkedOut(Endpoint endpoint, long elapsedNanos, boolean waited) {}

  /**
   * A checked-out connection came back (returned or invalidated).
   *
   * @param endpoint the peer
   * @param heldNanos how long it was checked out: from its checkout or, for a connection handed
   *     over to a parked caller, from the hand-over (the caller's wake-up counts as occupancy)
   */
  default void returned(Endpoint endpoint, long heldNanos) {}

  /**
   * A new connection was opened: connect plus initializer.
   *
   * @param endpoint the peer
   * @param connectNanos how long that took
   */
  default void connected(Endpoint endpoint, long connectNanos) {}

  /**
   * A new connection was opened, with the address it went to; what the pool calls. By default it
   * calls {@link #connected(Endpoint, long)}: override one or the other.
   *
   * @param endpoint the peer
   * @param address the address the connection went to
   * @param connectNanos how long the connect plus initializer took
   */
  default void connected(Endpoint endpoint, InetSocketAddress address, long connectNanos) {
    connected(endpoint, connectNanos);
  }

  /**
   * Opening a new connection failed: the connect (refused, timed out, unknown host) or the
   * initializer on the new connection.
   *
   * @param endpoint the peer
   * @param address the address the connection went to, or null if the connect itself failed
   * @param elapsedNanos how long the attempt took
   * @param failure what failed
   */
  default void connectFailed(
      Endpoint endpoint, InetSocketAddress address, long elapsedNanos, Throwable failure) {}

  /**
   * A connection was closed.
   *
   * @param endpoint the peer
   * @param reason why
   */
  default void destroyed(Endpoint endpoint, DestroyReason reason) {}

  /**
   * A checkout failed: timed out, was refused at once (waiter bound, open breaker), could not
   * connect, or the caller was interrupted.
   *
   * @param failure the exception the caller gets
   */
  default void checkoutFailed(CheckoutException failure) {}

  /**
   * The pool started keeping state for an endpoint (its first checkout or warm-up).
   *
   * @param endpoint the peer
   */
  default void endpointAdded(Endpoint endpoint) {}

  /**
   * The pool forgot an endpoint: no connection, waiter or connect for longer than the idle timeout,
   * or the pool closed. Its breaker is gone from the registry too.
   *
   * @param endpoint the peer
   */
  default void endpointRemoved(Endpoint endpoint) {}
}
