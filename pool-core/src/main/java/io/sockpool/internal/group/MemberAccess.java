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
   * Returns the engine's handle on the member for {@link #tryHot}, for the caller to keep: {@code
   * cached} itself while it is current, else the member's current one (null if the engine does not
   * know the member yet). A handle of an endpoint the engine has forgotten (retired) never serves a
   * connection: it has none and can get none.
   *
   * @param member the endpoint
   * @param cached the handle kept from an earlier call, or null
   */
  EndpointLoad handle(Endpoint member, EndpointLoad cached);

  /**
   * The fast path of a member's checkout, on its handle: takes a connection that was just returned
   * (kept hot) if there is one and nothing stands in the way (a breaker that is not closed, a
   * caller waiting for the member, a connection unused for longer than the validation window, a
   * closed pool), without a map lookup, a lock or a wait. Times are {@link System#nanoTime()}: the
   * group's clock in production, read once per call.
   *
   * @param handle from {@link #handle}
   * @param nowNanos the clock now
   * @return the connection, or null: then run the full checkout
   */
  PooledConnection tryHot(EndpointLoad handle, long nowNanos);

  /**
   * Returns a member's connection to the pool at a time the caller read ({@link
   * System#nanoTime()}).
   *
   * @param lease a connection from {@link #checkout}, {@link #tryHot} or {@link #checkoutAsync}
   * @param nowNanos the clock now
   * @param invalidate whether to destroy it ({@link PooledConnection#invalidate()}) rather than
   *     return it ({@link PooledConnection#close()})
   * @return true if this call ended the lease, false if it had ended before
   */
  boolean end(PooledConnection lease, long nowNanos, boolean invalidate);

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
