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
  private final int maxTotal;
  private final int maxPerEndpoint;
  private final AtomicInteger total = new AtomicInteger();

  /**
   * Held while a reservation is taken or given back (never while waiting or doing I/O), so that an
   * endpoint's count and the total move together; a retirement flips an idle endpoint's count
   * without it.
   */
  private final ReentrantLock counts = new ReentrantLock();

  private final ConcurrentLinkedQueue<Account> heldBackGlobally = new ConcurrentLinkedQueue<>();

  public Admission(int maxTotal, int maxPerEndpoint) {
    this.maxTotal = maxTotal;
    this.maxPerEndpoint = maxPerEndpoint;
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
  }

  /** Why {@link #tryReserve} failed, or that it did not. */
  public enum Result {
    RESERVED,
    ENDPOINT_FULL,
    GLOBAL_FULL,
    RETIRED
  }

  /**
   * Reserves one connection's worth of capacity for the endpoint. Linearizable with every other
   * reserve and release: a reserve that fails is never seen by another as a reservation (the
   * endpoint's count and the total change together, under {@link #counts}, and only when both have
   * room), and the endpoint's limit, which binds most often, is read without the lock.
   *
   * @return RESERVED, or why not
   */
  public Result tryReserve(Account st) {
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

  /**
   * Gives back a reservation: to the endpoint's longest waiter if there is one, else to the counts
   * (and then a caller held back by the global limit is nudged).
   */
  public void release(Account st) {
    if (st.waiters().handOffSlot()) {
      return;
    }
    counts.lock();
    try {
      st.reservations().decrementAndGet();
      total.decrementAndGet();
    } finally {
      counts.unlock();
    }
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
