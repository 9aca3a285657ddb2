package io.sockpool.internal.group;

import io.sockpool.CheckoutException;
import io.sockpool.CheckoutTimeoutException;
import io.sockpool.Endpoint;
import io.sockpool.EndpointUnavailableException;
import io.sockpool.GroupUnavailableException;
import io.sockpool.PooledConnection;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;

/**
 * One group checkout within one deadline. Picks a member by power of two choices among those that
 * may take a call (serving, or due for a probe; the breaker not open) and have room (an idle
 * connection or capacity for a new one); a member whose checkout fails is skipped and the next is
 * tried within the same deadline (each try gets an equal share of the time left, the last all of
 * it). Only when every such member is at capacity does the caller wait, on the member the balancer
 * picks among them, in that member's queue (arrival order, as a plain checkout).
 */
final class GroupCheckout {
  private final GroupState g;
  private final MemberAccess access;
  private final RandomGenerator rnd;
  private final long start;
  private final long deadline;
  private final Member[] ms;
  private final long all;
  private long excluded;
  private long full;
  private CheckoutException last;

  /** One member tried: which, with what budget, and whether the caller queues there. */
  record Attempt(Member member, long bit, long budgetNanos, boolean waitHere, long tried) {}

  private GroupCheckout(
      GroupState g, MemberAccess access, RandomGenerator rnd, long timeoutNanos, Endpoint avoid) {
    this.g = g;
    this.access = access;
    this.rnd = rnd;
    this.start = g.now();
    this.deadline = start + timeoutNanos;
    this.ms = g.members();
    this.all = ms.length == 64 ? -1L : (1L << ms.length) - 1;
    if (avoid != null && ms.length > 1) {
      for (int i = 0; i < ms.length; i++) {
        excluded |= ms[i].endpoint.equals(avoid) ? 1L << i : 0;
      }
    }
  }

  /**
   * Runs the checkout.
   *
   * @param g the group
   * @param access the engine
   * @param rnd the random source of the balancer
   * @param timeoutNanos the deadline, from now
   * @param avoid a member not to pick (the one a retry moves away from), or null
   * @return the lease
   * @throws CheckoutException the last member's failure, a {@link GroupUnavailableException} if no
   *     member could be tried, or a timeout
   */
  static PooledConnection run(
      GroupState g, MemberAccess access, RandomGenerator rnd, long timeoutNanos, Endpoint avoid)
      throws CheckoutException {
    GroupCheckout gc = new GroupCheckout(g, access, rnd, timeoutNanos, avoid);
    while (true) {
      Attempt a = gc.next();
      boolean ok = false;
      try {
        PooledConnection c = access.checkout(a.member().endpoint, Math.max(1, a.budgetNanos()));
        ok = true;
        return gc.served(a, c);
      } catch (CheckoutException e) {
        gc.failed(a, e, Thread.currentThread().isInterrupted());
      } finally {
        if (!ok) {
          a.member().pending(-1);
        }
      }
    }
  }

  /**
   * The fast path of a group checkout, tried before {@link #run}: power of two choices between two
   * members drawn at random, both serving, and the cheaper one's hot connection ({@link
   * MemberAccess#tryHot}) on its kept engine handle. One clock read serves the scores, the engine's
   * checkout and the lease's start; no scan of the members, no map lookup, no allocation besides
   * the leases. Anything else (a drawn member ejected or probing, no hot connection, the breaker
   * not closed, callers queued for the member) returns null and the full checkout decides: the same
   * choice among the same members, so the split between members does not change.
   *
   * @param g the group
   * @return the lease, or null to run the full checkout
   */
  static PooledConnection tryHot(GroupState g, MemberAccess access, RandomGenerator rnd) {
    Member[] ms = g.members();
    if (ms.length < 2) {
      return null;
    }
    long r = rnd.nextLong(); // one draw for both picks, as GroupState.pick
    int a = GroupState.first(r, ms.length);
    int b = GroupState.second(r, ms.length);
    Member ma = ms[a];
    Member mb = ms[b < a ? b : b + 1];
    if (ma.status.get() != Member.SERVING || mb.status.get() != Member.SERVING) {
      return null;
    }
    long now = g.now();
    Member m = mb.score(now) < ma.score(now) ? mb : ma;
    EndpointLoad h = access.handle(m.endpoint, m.handle);
    m.follow(h); // a new state if the engine forgot the one kept
    PooledConnection c = h != null ? access.tryHot(h, now) : null;
    if (c == null) {
      return null;
    }
    // no count of the group's own: the engine's lease counts the call, in flight and served
    return new MemberLease(c, g, m, access, now); // no wait: the checkout's start is the call's
  }

  /**
   * Starts the checkout without blocking: the same member choice, skip rules, deadline and failures
   * as {@link #run}, each member's checkout asynchronous ({@link MemberAccess#checkoutAsync}).
   *
   * @return the lease's future; {@code cancel()} cancels the member's checkout under way
   */
  static CompletableFuture<PooledConnection> runAsync(
      GroupState g, MemberAccess access, RandomGenerator rnd, long timeoutNanos) {
    return new GroupCheckoutAsync(new GroupCheckout(g, access, rnd, timeoutNanos, null), access)
        .start();
  }

  /**
   * Picks the next member to try, and takes its probe and a call in flight.
   *
   * @return the attempt
   * @throws CheckoutException the last failure, a timeout or {@link GroupUnavailableException}
   */
  Attempt next() throws CheckoutException {
    while (true) {
      long now = g.now();
      long left = deadline - now;
      if (left <= 0) {
        g.failedCalls.increment();
        throw last != null ? last : timeout(g, access, ms, start, now);
      }
      long open = all & ~excluded;
      long selectable = 0;
      for (long m = open; m != 0; m &= m - 1) {
        int i = Long.numberOfTrailingZeros(m);
        selectable |= ms[i].selectable(now) ? 1L << i : 0;
      }
      boolean waitHere = false;
      int i = GroupState.pick(ms, selectable & ~full, rnd, now);
      if (i < 0) {
        i = GroupState.pick(ms, selectable & full, rnd, now);
        if (i < 0) {
          g.failedCalls.increment();
          throw last != null ? last : unavailable(g, access, ms, start, now);
        }
        waitHere = true; // every member that may take a call is at capacity: queue on this one
      }
      Member m = ms[i];
      long bit = 1L << i;
      if (!waitHere) {
        if (access.refusing(m.endpoint) != null) {
          excluded |= bit;
          continue;
        }
        if (!access.hasRoom(m.endpoint)) {
          full |= bit;
          continue;
        }
      }
      if (!m.claimProbe()) {
        excluded |= bit; // another caller probes it
        continue;
      }
      int tries = Long.bitCount(selectable & ~excluded);
      long budget = waitHere || tries <= 1 ? left : left / tries;
      m.pending(1);
      return new Attempt(m, bit, budget, waitHere, g.now());
    }
  }

  /**
   * The attempt's member served: the member follows the state the engine served it on (the lease
   * counts the call there), its checkout is no longer pending, and the connection is wrapped.
   */
  PooledConnection served(Attempt a, PooledConnection c) {
    Member m = a.member();
    m.follow(access.handle(m.endpoint, m.handle)); // the lease's state: not forgotten while out
    m.pending(-1);
    return new MemberLease(c, g, m, access, g.now()); // the exchange's latency, not the connect's
  }

  /**
   * The attempt's member failed; the caller ends its pending checkout ({@link Member#pending}).
   *
   * @param interrupted whether the caller was interrupted
   * @throws CheckoutException if the whole checkout fails with it (an interrupt, a failure that is
   *     not the peer's while queued on the last member that may take a call)
   */
  void failed(Attempt a, CheckoutException e, boolean interrupted) throws CheckoutException {
    Member m = a.member();
    if (e instanceof EndpointUnavailableException) {
      m.releaseProbe(g.now());
      excluded |= a.bit(); // opened meanwhile: skipped, not a failure of the call
      return;
    }
    if (interrupted || !access.peerFault(e)) {
      m.releaseProbe(g.now());
      if (interrupted || a.waitHere()) {
        g.failedCalls.increment();
        throw e;
      }
    } else {
      long failedAt = g.now();
      g.checkoutFailed(
          m,
          failedAt - a.tried(),
          String.valueOf(e.getCause()),
          failedAt,
          e.getCause() instanceof SocketTimeoutException);
    }
    excluded |= a.bit();
    if (last != null) {
      e.addSuppressed(last);
    }
    last = e;
  }

  /** The attempt ended without a verdict (the caller gave up): its probe and call go back. */
  void abandoned(Attempt a) {
    a.member().releaseProbe(g.now());
    a.member().pending(-1);
  }

  private static CheckoutException unavailable(
      GroupState g, MemberAccess access, Member[] ms, long start, long now) {
    List<String> states = new ArrayList<>(ms.length);
    for (Member m : ms) {
      String why = m.status.get() == Member.SERVING ? access.refusing(m.endpoint) : null;
      states.add(why != null ? m.endpoint + " " + why : m.describe(now));
    }
    return new GroupUnavailableException(
        g.name(), states, access.state(ms[0].endpoint, now - start));
  }

  private static CheckoutException timeout(
      GroupState g, MemberAccess access, Member[] ms, long start, long now) {
    return new CheckoutTimeoutException(
        "no member of group '"
            + g.name()
            + "' served within the checkout timeout of "
            + (now - start) / 1_000_000
            + " ms",
        access.state(ms[0].endpoint, now - start),
        null);
  }
}
