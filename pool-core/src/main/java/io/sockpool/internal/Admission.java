package io.sockpool.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts capacity: connections open or connecting, per endpoint and in total. sockpool admits every
 * connect itself (commons-pool2 runs with no limits, so it never waits, spins or reclaims); a
 * reservation is taken before a connect and released when that connection is destroyed or its
 * connect failed. Released capacity goes straight to a waiter of the same endpoint ({@link
 * Waiters#handOffSlot()}); a freed global slot nudges a caller that was held back by the global
 * limit only.
 */
final class Admission {
  private final int maxTotal;
  private final int maxPerEndpoint;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentLinkedQueue<EndpointState> heldBackGlobally =
      new ConcurrentLinkedQueue<>();

  Admission(int maxTotal, int maxPerEndpoint) {
    this.maxTotal = maxTotal;
    this.maxPerEndpoint = maxPerEndpoint;
  }

  /** Why {@link #tryReserve} failed, or that it did not. */
  enum Result {
    RESERVED,
    ENDPOINT_FULL,
    GLOBAL_FULL,
    RETIRED
  }

  /**
   * Reserves one connection's worth of capacity for the endpoint.
   *
   * @return RESERVED, or why not
   */
  Result tryReserve(EndpointState st) {
    int n;
    do {
      n = st.open.get();
      if (n < 0) {
        return Result.RETIRED;
      }
      if (n >= maxPerEndpoint) {
        return Result.ENDPOINT_FULL;
      }
    } while (!st.open.compareAndSet(n, n + 1));
    int t;
    do {
      t = total.get();
      if (t >= maxTotal) {
        st.open.decrementAndGet();
        return Result.GLOBAL_FULL;
      }
    } while (!total.compareAndSet(t, t + 1));
    return Result.RESERVED;
  }

  /**
   * Gives back a reservation: to the endpoint's longest waiter if there is one, else to the counts
   * (and then a caller held back by the global limit is nudged).
   */
  void release(EndpointState st) {
    if (st.waiters.handOffSlot()) {
      return;
    }
    st.open.decrementAndGet();
    total.decrementAndGet();
    for (EndpointState other; (other = heldBackGlobally.poll()) != null; ) {
      other.heldBackGlobally.set(false);
      if (other.waiters.size() > 0) {
        other.waiters.nudgeFirst();
        return;
      }
    }
  }

  /** Remembers that a caller of this endpoint waits for global capacity only. */
  void heldBackGlobally(EndpointState st) {
    if (st.heldBackGlobally.compareAndSet(false, true)) {
      heldBackGlobally.add(st);
    }
  }

  /**
   * @return connections open or connecting, all endpoints
   */
  int total() {
    return total.get();
  }
}
