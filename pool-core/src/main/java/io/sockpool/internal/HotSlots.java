package io.sockpool.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.sockpool.DestroyReason;
import java.util.function.Predicate;

/**
 * The thread-affine fast path (after HikariCP's {@code ConcurrentBag}): a connection returned clean
 * by a thread that comes straight back for the next one stays <em>hot</em> instead of going into
 * commons-pool2's idle set. It stays allocated in commons-pool2, its thread's {@link Affinity}
 * remembers it, and its next checkout by that thread is one compare-and-set, with no commons-pool2
 * call, no lock and no allocation besides the {@link Lease}.
 *
 * <p>A hot connection is still idle for everyone else: any checkout that finds no idle connection
 * in commons-pool2 takes (steals) a hot one before it connects or waits, and so does a waiter whose
 * fairness window ends. The per-connection state ({@link PooledChannel#tryTakeHot()}) makes every
 * take exclusive. The maintenance pass moves connections that nobody took back within {@link
 * #COOL_NANOS} into commons-pool2, where eviction, idle timeout and lifetime apply as to any idle
 * connection; close, retirement and address drains take and close hot ones directly.
 */
final class HotSlots {
  /** A hot connection untouched this long goes to commons-pool2 at the next maintenance pass. */
  static final long COOL_NANOS = 1_000_000;

  private final KeyedChannelPool owner;

  HotSlots(KeyedChannelPool owner) {
    this.owner = owner;
  }

  /**
   * Keeps a clean, returned connection hot for the current thread. Any connection the thread kept
   * before goes to commons-pool2's idle set. If the pool closed meanwhile, or a waiter became due,
   * the connection is taken back and closed or handed over.
   */
  void keep(Affinity aff, EndpointState st, PooledChannel ch) {
    PooledChannel before = aff.keep(ch);
    ch.makeHot();
    st.hot.incrementAndGet();
    if (before != null && before != ch && take(before)) {
      owner.returns().giveBackHanded(before.state(), before);
    }
    // a waiter that became due after the return declined a hand-off, or a close that scanned the
    // hot connections before this one was hot, would otherwise miss it
    if ((owner.isClosed() || st.waiters.due(System.nanoTime(), false)) && take(ch)) {
      owner.returns().giveBackHanded(st, ch);
    }
  }

  /**
   * The fast path of a checkout: serves the connection this thread kept hot for the endpoint, if
   * nobody took it meanwhile, it was used within the validation window (no probe, no validator),
   * the breaker is CLOSED (no permission to take: a reused connection records no outcome) and no
   * waiter has waited its fairness window. Otherwise a connection it took goes to the longest
   * waiter or the idle set (or is destroyed by the time rules), and the full checkout runs.
   *
   * @return the lease, or null to run the full checkout
   */
  Lease serveOwn(Affinity aff, EndpointState st, long start) {
    PooledChannel ch = aff.kept();
    if (ch == null || ch.state() != st || !take(ch)) {
      return null;
    }
    if (Thread.currentThread().isInterrupted()
        || start - ch.lastUsedNanos() >= owner.validationWindowNanos()
        || !st.trustsRecentUse(start)
        || st.breaker.getState() != CircuitBreaker.State.CLOSED
        || !st.waiters.mayBarge(start)) {
      owner.returns().giveBackHanded(st, ch);
      return null;
    }
    DestroyReason reason = owner.rules().expired(ch, start);
    if (reason != null) {
      owner.destroyActive(ch, reason);
      return null;
    }
    return owner.serve(st, ch, start, false);
  }

  /**
   * @return any hot connection of the endpoint, now taken; null if none
   */
  PooledChannel steal(EndpointState st) {
    if (st.hot.get() == 0) {
      return null;
    }
    for (PooledChannel ch : st.channels) {
      if (take(ch)) {
        return ch;
      }
    }
    return null;
  }

  /** Moves hot connections nobody took back within {@link #COOL_NANOS} into commons-pool2. */
  void cool(EndpointState st, long nowNanos) {
    if (st.hot.get() == 0) {
      return;
    }
    for (PooledChannel ch : st.channels) {
      if (ch.isHot() && nowNanos - ch.lastUsedNanos() > COOL_NANOS && take(ch)) {
        owner.returns().giveBackHanded(st, ch);
      }
    }
  }

  /**
   * Takes and destroys the endpoint's hot connections that match.
   *
   * @return how many were destroyed
   */
  int destroy(EndpointState st, Predicate<PooledChannel> which, DestroyReason reason) {
    int n = 0;
    for (PooledChannel ch : st.channels) {
      if (ch.isHot() && which.test(ch) && take(ch)) {
        owner.destroyActive(ch, reason);
        n++;
      }
    }
    return n;
  }

  private static boolean take(PooledChannel ch) {
    if (!ch.tryTakeHot()) {
      return false;
    }
    ch.state().hot.decrementAndGet();
    return true;
  }
}
