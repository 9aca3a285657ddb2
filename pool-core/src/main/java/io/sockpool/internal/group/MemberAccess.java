package io.sockpool.internal.group;

import io.sockpool.CheckoutException;
import io.sockpool.CheckoutState;
import io.sockpool.Endpoint;
import io.sockpool.PooledConnection;
import java.util.concurrent.CompletableFuture;

/**
 * What a group checkout needs from the engine, per member: the engine implements it, so the
 * dependency runs from the engine down to this package.
 */
public interface MemberAccess {

  /**
   * Returns why the member takes no calls now (its circuit breaker is open and not yet due for a
   * probe), or null if it may be tried.
   *
   * @param member the endpoint
   */
  String refusing(Endpoint member);

  /**
   * Returns whether a checkout of the member would find an idle connection or room for a new one
   * without waiting behind other callers (a racy estimate).
   *
   * @param member the endpoint
   */
  boolean hasRoom(Endpoint member);

  /**
   * Checks out a connection to the member, the engine's full checkout within the timeout.
   *
   * @param member the endpoint
   * @param timeoutNanos the budget, > 0
   * @return the connection
   * @throws CheckoutException as the engine's checkout does
   */
  PooledConnection checkout(Endpoint member, long timeoutNanos) throws CheckoutException;

  /**
   * Returns whether a failed checkout was the member's fault (a refused or timed-out connect, a
   * failed validation, a name that does not resolve), not the caller's or the process's (an
   * interrupt, a pool at capacity, a local resource shortage, a deadline shorter than the connect
   * or validation timeout that ran out: the breaker's rule).
   *
   * @param failure what the checkout threw
   */
  boolean peerFault(CheckoutException failure);

  /**
   * Returns whether a lease's read timed out with no byte of the reply for at least the member's
   * no-answer bound (the breaker's rule: a few times its normal round trip), rather than within a
   * caller's own shorter wait. Call before the lease is closed.
   *
   * @param lease the member's lease, still held
   */
  boolean unanswered(PooledConnection lease);

  /**
   * Returns the member's state now, for an exception.
   *
   * @param member the endpoint
   * @param elapsedNanos how long the group checkout ran
   */
  CheckoutState state(Endpoint member, long elapsedNanos);

  /**
   * Retires the member's connections (idle ones now, held ones when they come back): it left its
   * last group.
   *
   * @param member the endpoint
   */
  void drain(Endpoint member);

  /**
   * Checks out a connection to the member without blocking: the engine's asynchronous checkout
   * within the timeout ({@link io.sockpool.SocketPool#checkoutAsync}); a failed future, never an
   * exception.
   *
   * @param member the endpoint
   * @param timeoutNanos the budget, > 0
   * @return the connection's future
   */
  CompletableFuture<PooledConnection> checkoutAsync(Endpoint member, long timeoutNanos);
}
