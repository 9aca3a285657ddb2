package io.sockpool.internal.queue;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts capacity: connections open or connecting, per endpoint and in total. sockpool admits every
 * connect itself (commons-pool2 runs with no limits, so it never waits, spins or reclaims); a
 * reservation is taken before a connect and released when that connection is destroyed or its
 * connect failed. Released capacity goes straight to a waiter of the same endpoint ({@link
 * Waiters#handOffSlot()}); a freed global slot nudges a caller that was held back by the global
 * limit only.
 */
public final class Admission {
  // the limits; volatile: resize() changes them while the pool runs
  private volatile int maxTotal;
  private volatile int maxPerEndpoint;

  /**
   * Set (for good) before {@link #resize} first lowers {@link #maxPerEndpoint}. Until then no
   * endpoint can hold more than its limit (a reservation is taken only below it), so {@link
   * #overLimit} skips the endpoint's count: an object of its own, a likely cache miss on every
   * return to an endpoint last used 1,000 checkouts ago.
   */
  private volatile boolean perEndpointLowered;

  private final int maxConnecting;
  private final AtomicInteger total = new AtomicInteger();

  /**
   * Held while a reservation is taken or given back (never while waiting or doing I/O), so that an
   * endpoint's count and the total move together; a retirement flips an idle endpoint's count
   * without it.
   */
  private final ReentrantLock counts = new ReentrantLock();

  private final ConcurrentLinkedQueue<Account> heldBackGlobally = new ConcurrentLinkedQueue<>();

  /** Admission with no limit on connects in flight per endpoint. */
  public Admission(int maxTotal, int maxPerEndpoint) {
    this(maxTotal, maxPerEndpoint, Integer.MAX_VALUE);
  }

  /**
   * @param maxTotal connections open or connecting, all endpoints
   * @param maxPerEndpoint connections open or connecting, per endpoint
   * @param maxConnecting connects in flight per endpoint
   */
  public Admission(int maxTotal, int maxPerEndpoint, int maxConnecting) {
    this.maxTotal = maxTotal;
    this.maxPerEndpoint = maxPerEndpoint;
    this.maxConnecting = maxConnecting;
  }

  /**
   * What admission counts per endpoint: its reservations, its waiters (a released slot goes to them
   * first) and whether it is queued as held back by the global limit.
   */
  public interface Account {
    /**
     * @return connections open or connecting; negative once the endpoint is retired
     */
    AtomicInteger reservations();

    /**
     * @return the callers waiting for this endpoint
     */
    Waiters<?> waiters();

    /**
     * @return set while the endpoint is queued as held back by the global limit
     */
    AtomicBoolean heldBackGlobally();

    /**
     * @return reservations whose connect has not ended yet (at most {@code maxConnecting})
     */
    AtomicInteger connectPermits();
  }

  /** Why {@link #tryReserve} failed, or that it did not. */
  public enum Result {
    RESERVED,
    ENDPOINT_FULL,
    GLOBAL_FULL,
    /** The endpoint has room, but {@code maxConnecting} connects are in flight already. */
    CONNECTING_FULL,
    RETIRED
  }

  /**
   * Reserves one connection's worth of capacity for the endpoint, with the permission to connect
   * it: the caller connects, then calls {@link #connectDone} (made) or {@link #releaseUnopened}
   * (failed, or not used).
   *
   * @return RESERVED, or why not
   */
  public Result tryReserve(Account st) {
    Result r = reserveCapacity(st);
    if (r != Result.RESERVED) {
      return r;
    }
    int c;
    do {
      c = st.connectPermits().get();
      if (c >= maxConnecting) {
        uncount(st);
        return Result.CONNECTING_FULL;
      }
    } while (!st.connectPermits().compareAndSet(c, c + 1));
    return Result.RESERVED;
  }

  /**
   * The endpoint's count and the total, taken together under {@link #counts} and only when both
   * have room (linearizable with every other reserve and release); the endpoint's limit, which
   * binds most often, is read first without the lock.
   */
  private Result reserveCapacity(Account st) {
    AtomicInteger mine = st.reservations();
    int n = mine.get();
    if (n < 0) {
      return Result.RETIRED;
    }
    if (n >= maxPerEndpoint) {
      return Result.ENDPOINT_FULL;
    }
    counts.lock();
    try {
      while (true) {
        n = mine.get();
        if (n < 0) {
          return Result.RETIRED;
        }
        if (n >= maxPerEndpoint) {
          return Result.ENDPOINT_FULL;
        }
        if (total.get() >= maxTotal) {
          return Result.GLOBAL_FULL;
        }
        if (mine.compareAndSet(n, n + 1)) { // fails only if retired meanwhile (not under the lock)
          total.incrementAndGet();
          return Result.RESERVED;
        }
      }
    } finally {
      counts.unlock();
    }
  }

  private void uncount(Account st) {
    counts.lock();
    try {
      st.reservations().decrementAndGet();
      total.decrementAndGet();
    } finally {
      counts.unlock();
    }
  }

  /**
   * Gives back the reservation of a connection that was open (destroyed now): to the endpoint's
   * longest waiter if there is one and a connect is allowed for it, else to the counts (and then a
   * caller held back by the global limit is nudged). Over a limit lowered by {@link #resize}, it
   * goes to the counts.
   */
  public void release(Account st) {
    if (st.waiters().size() > 0 && !overLimit(st) && tryPermit(st)) {
      if (st.waiters().handOffSlot()) {
        return;
      }
      st.connectPermits().decrementAndGet();
    }
    giveBack(st);
  }

  /**
   * Gives back a reservation whose connect failed or never ran (it holds a connect permit): to the
   * endpoint's longest waiter, who connects with it, else to the counts.
   */
  public void releaseUnopened(Account st) {
    if (!overLimit(st) && st.waiters().handOffSlot()) {
      return;
    }
    st.connectPermits().decrementAndGet();
    giveBack(st);
  }

  /**
   * A connect made its connection: the reservation stays with it, the connect permit ends; if
   * callers wait and the endpoint has room, the longest one gets a slot to connect with.
   */
  public void connectDone(Account st) {
    st.connectPermits().decrementAndGet();
    serveWaiters(st);
  }

  /**
   * Hands slots to the endpoint's waiters while it has room and connects are allowed (after a
   * connect ended, or limits grew).
   *
   * @return how many slots were handed over
   */
  public int serveWaiters(Account st) {
    int n = 0;
    while (st.waiters().size() > 0 && tryReserve(st) == Result.RESERVED) {
      if (!st.waiters().handOffSlot()) {
        releaseUnopened(st);
        break;
      }
      n++;
    }
    return n;
  }

  /**
   * After the peer failed a connect or a new connection's validation ({@code attemptNanos} long):
   * if the endpoint has no open connection that could come back to its waiters, each waiter, in
   * order, gets a slot to try again while capacity remains and it has the attempt's time left, and
   * the others fail at once with {@code cause} ({@link Handoff.Failed}).
   *
   * @return how many waiters were failed
   */
  public int failFast(Account st, Throwable cause, long attemptNanos) {
    if (st.waiters().size() == 0
        || st.reservations().get() - st.connectPermits().get() > 0) { // an open one may come back
      return 0;
    }
    return st.waiters()
        .failAll(
            System.nanoTime(),
            attemptNanos,
            () -> tryReserve(st) == Result.RESERVED,
            () -> releaseUnopened(st),
            cause);
  }

  private boolean tryPermit(Account st) {
    int c;
    do {
      c = st.connectPermits().get();
      if (c >= maxConnecting) {
        return false;
      }
    } while (!st.connectPermits().compareAndSet(c, c + 1));
    return true;
  }

  /** Whether the endpoint or the pool holds more than a limit lowered by {@link #resize} allows. */
  public boolean overLimit(Account st) {
    return (perEndpointLowered && st.reservations().get() > maxPerEndpoint)
        || total.get() > maxTotal;
  }

  /**
   * Changes the limits. Lowering them closes nothing: the caller closes idle connections over them,
   * and connections coming back over them are closed ({@link #overLimit}); raising them lets
   * waiters in (the caller calls {@link #serveWaiters} per endpoint).
   */
  public void resize(int newMaxTotal, int newMaxPerEndpoint) {
    this.maxTotal = newMaxTotal;
    if (newMaxPerEndpoint < maxPerEndpoint) {
      perEndpointLowered = true; // before the new limit: whoever sees the limit sees the flag
    }
    this.maxPerEndpoint = newMaxPerEndpoint;
    for (Account other; (other = heldBackGlobally.poll()) != null; ) {
      other.heldBackGlobally().set(false);
      other.waiters().nudgeFirst();
    }
  }

  /** Returns the current limit per endpoint. */
  public int maxPerEndpoint() {
    return maxPerEndpoint;
  }

  /** Returns the current limit over all endpoints. */
  public int maxTotal() {
    return maxTotal;
  }

  /** Returns the limit on connects in flight per endpoint. */
  public int maxConnecting() {
    return maxConnecting;
  }

  private void giveBack(Account st) {
    uncount(st);
    for (Account other; (other = heldBackGlobally.poll()) != null; ) {
      other.heldBackGlobally().set(false);
      if (other.waiters().size() > 0) {
        other.waiters().nudgeFirst();
        return;
      }
    }
  }

  /** Remembers that a caller of this endpoint waits for global capacity only. */
  public void heldBackGlobally(Account st) {
    if (st.heldBackGlobally().compareAndSet(false, true)) {
      heldBackGlobally.add(st);
    }
  }

  /**
   * Whether a caller of an endpoint other than {@code self} waits for global capacity only: then a
   * connection of {@code self} that would go idle is better closed, so that its slot goes to that
   * caller. Forgets endpoints that no longer have anyone waiting.
   *
   * @param self the endpoint asking
   * @return true if another endpoint's caller is held back by the global limit
   */
  public boolean othersHeldBack(Account self) {
    if (heldBackGlobally.isEmpty()) {
      return false;
    }
    for (java.util.Iterator<Account> it = heldBackGlobally.iterator(); it.hasNext(); ) {
      Account other = it.next();
      if (other.waiters().size() == 0) {
        if (heldBackGlobally.remove(other)) {
          other.heldBackGlobally().set(false);
        }
      } else if (other != self) {
        return true;
      }
    }
    return false;
  }

  /**
   * @return connections open or connecting, all endpoints
   */
  public int total() {
    return total.get();
  }
}
