package io.sockpool.internal;

import io.sockpool.DestroyReason;
import io.sockpool.internal.queue.Affinity;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Predicate;

/**
 * The fast path (after HikariCP's {@code ConcurrentBag}): a connection returned clean by a thread
 * that comes straight back for the next one stays <em>hot</em> instead of going into
 * commons-pool2's idle set. It stays allocated in commons-pool2 and sits in one of its endpoint's
 * hot slots ({@link EndpointState#hotSlots}, at most {@link #MAX_SLOTS}); the next checkout of that
 * endpoint, by any thread, takes it with one compare-and-set: no commons-pool2 call, no lock, no
 * breaker permission and no allocation besides the {@link Lease}. The slots are per endpoint, not
 * per thread, so the fast path holds with any number of endpoints (a thread that spreads its
 * checkouts over 1,000 endpoints finds each endpoint's connection where it left it); each thread
 * remembers the slot it used last ({@link Affinity#slot()}) and looks there first, so threads that
 * return to the same endpoint mostly touch a slot of their own.
 *
 * <p>A hot connection is still idle for everyone else: any checkout that finds no idle connection
 * in commons-pool2 takes (steals) a hot one before it connects or waits, and so does a waiter whose
 * fairness window ends. A connection is marked hot ({@link PooledChannel#makeHot()}) before it is
 * published in a slot, and only whoever clears the slot takes it ({@link
 * PooledChannel#tryTakeHot()}), so every take is exclusive and a hot connection is always in
 * exactly one slot. The maintenance pass moves connections that nobody took back within {@link
 * #COOL_NANOS} into commons-pool2, where eviction, idle timeout and lifetime apply as to any idle
 * connection; close, retirement and address drains take and close hot ones directly.
 */
final class HotSlots {
  /** A hot connection untouched this long goes to commons-pool2 at the next maintenance pass. */
  static final long COOL_NANOS = 1_000_000;

  /** At most this many hot connections per endpoint; more returns go to commons-pool2. */
  static final int MAX_SLOTS = 64;

  /** Volatile and compare-and-set access to the elements of {@link EndpointState#hotSlots}. */
  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(PooledChannel[].class);

  private final Connections connections;
  private final Lifecycle lifecycle;
  private final EvictionRules rules;
  private final long validationWindowNanos;
  private final ThreadLocal<Affinity> affinity = ThreadLocal.withInitial(Affinity::new);

  /**
   * @param connections where a connection taken back goes on to, or is destroyed
   * @param lifecycle whether the pool is closed (a connection kept hot after close goes back)
   * @param rules the time rules a hot connection is checked against before it is served
   * @param validationWindowNanos how recently a hot connection must have been used to be served
   */
  HotSlots(
      Connections connections,
      Lifecycle lifecycle,
      EvictionRules rules,
      long validationWindowNanos) {
    this.connections = connections;
    this.lifecycle = lifecycle;
    this.rules = rules;
    this.validationWindowNanos = validationWindowNanos;
  }

  /**
   * @return the current thread's {@link Affinity} for this pool
   */
  Affinity affinity() {
    return affinity.get();
  }

  /**
   * @return the number of hot slots for an endpoint with this capacity
   */
  static int slotsFor(int maxPerEndpoint) {
    return Math.min(maxPerEndpoint, MAX_SLOTS);
  }

  /**
   * Keeps a clean, returned connection hot in one of its endpoint's slots (the thread's last one if
   * free). With every slot taken it goes to commons-pool2's idle set. If the pool closed meanwhile,
   * or a waiter became due, the connection is taken back and closed or handed over.
   *
   * @param nowNanos when the connection was returned
   */
  void keep(Affinity aff, EndpointState st, PooledChannel ch, long nowNanos) {
    PooledChannel[] slots = st.hotSlots();
    int n = slots.length;
    int first = aff.slot() < n ? aff.slot() : 0;
    ch.makeHot(); // before it is published: whoever clears the slot finds it hot
    int i = first;
    while (!SLOT.compareAndSet(slots, i, null, ch)) {
      i = i + 1 == n ? 0 : i + 1;
      if (i == first) { // every slot taken
        ch.tryTakeHot();
        connections.passOn(st, ch);
        return;
      }
    }
    aff.slot(i);
    // a waiter that became due after the return declined a hand-off, or a close that scanned the
    // slots before this one was published, would otherwise miss it
    if ((lifecycle.isClosed() || (!st.nobodyWaits() && st.waiters().due(nowNanos, false)))
        && take(slots, i, ch)) {
      connections.passOn(st, ch);
    }
  }

  /**
   * The fast path of a checkout: serves a hot connection of the endpoint (the one in this thread's
   * last slot first), if there is one, it was used within the validation window (no probe, no
   * validator), the breaker is CLOSED (no permission to take: a reused connection records no
   * outcome) and no waiter has waited its fairness window. Otherwise a connection it took goes to
   * the longest waiter or the idle set (or is destroyed by the time rules), and the full checkout
   * runs.
   *
   * @return the connection, taken and vetted, for the caller to lease out; null to run the full
   *     checkout
   */
  PooledChannel checkoutHot(Affinity aff, EndpointState st, long start) {
    PooledChannel ch = take(st, aff.slot());
    if (ch == null) {
      return null;
    }
    if (Thread.currentThread().isInterrupted()
        || start - ch.lastUsedNanos() >= validationWindowNanos
        || !st.trustsRecentUse(start)
        || !st.breakerClosed() // the state's copy, not the breaker's objects: see breakerClosed
        || !(st.nobodyWaits() || st.waiters().mayBarge(start))) { // the queue only if one waits
      connections.passOn(st, ch);
      return null;
    }
    DestroyReason reason = rules.expired(ch, start);
    if (reason != null) {
      connections.destroyActive(ch, reason);
      return null;
    }
    return ch;
  }

  /**
   * @return any hot connection of the endpoint, now taken; null if none
   */
  static PooledChannel steal(EndpointState st) {
    return take(st, 0);
  }

  /** Moves hot connections nobody took back within {@link #COOL_NANOS} into commons-pool2. */
  void cool(EndpointState st, long nowNanos) {
    PooledChannel[] slots = st.hotSlots();
    for (int i = 0; i < slots.length; i++) {
      PooledChannel ch = (PooledChannel) SLOT.getVolatile(slots, i);
      if (ch != null && nowNanos - ch.lastUsedNanos() > COOL_NANOS && take(slots, i, ch)) {
        connections.passOn(st, ch);
      }
    }
  }

  /**
   * Takes and destroys the endpoint's hot connections that match.
   *
   * @param connections where they are destroyed
   * @return how many were destroyed
   */
  static int destroy(
      EndpointState st,
      Predicate<PooledChannel> which,
      DestroyReason reason,
      Connections connections) {
    PooledChannel[] slots = st.hotSlots();
    int n = 0;
    for (int i = 0; i < slots.length; i++) {
      PooledChannel ch = (PooledChannel) SLOT.getVolatile(slots, i);
      if (ch != null && which.test(ch) && take(slots, i, ch)) {
        connections.destroyActive(ch, reason);
        n++;
      }
    }
    return n;
  }

  /**
   * @return how many connections of the endpoint are hot now
   */
  static int count(EndpointState st) {
    PooledChannel[] slots = st.hotSlots();
    int n = 0;
    for (int i = 0; i < slots.length; i++) {
      if ((PooledChannel) SLOT.getVolatile(slots, i) != null) {
        n++;
      }
    }
    return n;
  }

  /** Takes the hot connection in slot {@code from}, else the first one found after it. */
  private static PooledChannel take(EndpointState st, int from) {
    PooledChannel[] slots = st.hotSlots();
    int n = slots.length;
    int first = from < n ? from : 0;
    int i = first;
    do {
      PooledChannel ch = (PooledChannel) SLOT.getVolatile(slots, i);
      if (ch != null && take(slots, i, ch)) {
        return ch;
      }
      i = i + 1 == n ? 0 : i + 1;
    } while (i != first);
    return null;
  }

  private static boolean take(PooledChannel[] slots, int i, PooledChannel ch) {
    if (!SLOT.compareAndSet(slots, i, ch, null)) {
      return false;
    }
    if (!ch.tryTakeHot()) { // cannot happen: marked hot before published, taken only from here
      throw new IllegalStateException(
          "hot slot " + i + " of " + slots.length + " held a connection that was not hot: " + ch);
    }
    return true;
  }
}
