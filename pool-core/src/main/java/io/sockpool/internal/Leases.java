package io.sockpool.internal;

import io.sockpool.internal.metrics.Listeners;

/**
 * Hands a vetted connection to its caller as a {@link Lease} and counts the checkout: the last step
 * of both the fast path ({@link HotSlots#checkoutHot}) and the full {@link Checkout}.
 */
final class Leases {
  private final ReturnPath returns;
  private final Lifecycle lifecycle;
  private final Listeners listeners;
  private final boolean traceCheckouts;

  /**
   * @param returns where every lease goes back
   * @param lifecycle whether the pool closed during the checkout
   * @param listeners told of each checkout
   * @param traceCheckouts whether a lease records where it was checked out (leak detection)
   */
  Leases(ReturnPath returns, Lifecycle lifecycle, Listeners listeners, boolean traceCheckouts) {
    this.returns = returns;
    this.lifecycle = lifecycle;
    this.listeners = listeners;
    this.traceCheckouts = traceCheckouts;
  }

  /** Returns the name of the pool the leases belong to (for JFR events and messages). */
  String poolName() {
    return returns.poolName();
  }

  /** Leases a checked connection to the caller and counts the checkout. */
  Lease leaseOut(EndpointState st, PooledChannel ch, long start, boolean waited) {
    return leaseOut(st, ch, start, System.nanoTime(), waited);
  }

  /**
   * {@link #leaseOut(EndpointState, PooledChannel, long, boolean)} with the current time given (the
   * fast path reads the clock once per checkout).
   */
  Lease leaseOut(EndpointState st, PooledChannel ch, long start, long now, boolean waited) {
    // A connection handed to a parked caller is that caller's from the hand-over (its last use),
    // not from when the caller got to run: the wake-up is part of its occupancy (live sizing).
    long since = waited ? Math.max(start, Math.min(now, ch.lastUsedNanos())) : now;
    ch.touch(now);
    ch.openedForCheckout(false);
    Lease lease = new Lease(returns, ch, since, traceCheckouts);
    ch.lease(lease);
    st.active(now);
    long waitedNanos = now - start;
    if (waitedNanos <= 0) {
      st.recordNoWait(); // the fast path: also the checkout count (EndpointState#checkouts)
    } else {
      st.recordWait(waitedNanos);
    }
    if (lifecycle.isClosed()) { // close() ran meanwhile: it waits for this one or closes it
      returns.giveBack(lease);
      lifecycle.ensureOpen("was closed during the checkout");
    }
    listeners.checkedOut(st, now, now - start, waited);
    return lease;
  }
}
