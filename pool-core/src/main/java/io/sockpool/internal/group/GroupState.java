package io.sockpool.internal.group;

import io.sockpool.Endpoint;
import io.sockpool.EndpointGroup;
import io.sockpool.GroupMemberStats;
import io.sockpool.GroupStats;
import io.sockpool.OutlierDetection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * One group as the pool runs it: its members' state, the balancer (power of two choices over {@link
 * Member#score}) and outlier ejection (Envoy's model: consecutive failures or a failure rate eject
 * a member for a time that grows with each ejection, at most a share of the group at once, probed
 * back in by one call).
 */
final class GroupState {
  /** Peak EWMA's decay time, Finagle's and Linkerd's default. */
  static final long DECAY_NANOS = 10_000_000_000L;

  private final String name;
  private final LongSupplier clock;
  private final GroupEvents events;
  private final Function<Endpoint, EndpointLoad> loads;
  private volatile EndpointGroup group;
  private volatile Member[] members;

  /** The outlier detection's interval in nanoseconds, read on every call's end (no conversion). */
  private volatile long intervalNanos;

  /** Calls served by members that left (the members count the calls: no group-wide counter). */
  private final LongAdder callsOfFormerMembers = new LongAdder();

  final LongAdder failedCalls = new LongAdder();
  private final LongAdder ejections = new LongAdder();
  private final LongAdder returns = new LongAdder();
  final LongAdder resolveFailures = new LongAdder();

  /** A group without an engine: its members count nothing in flight or served (tests). */
  GroupState(EndpointGroup group, LongSupplier clock, GroupEvents events) {
    this(group, clock, events, e -> null);
  }

  /**
   * @param loads the engine's current state of an endpoint (null if it knows none): the members'
   *     counts ({@link Member#follow})
   */
  GroupState(
      EndpointGroup group,
      LongSupplier clock,
      GroupEvents events,
      Function<Endpoint, EndpointLoad> loads) {
    this.name = group.name();
    this.clock = clock;
    this.events = events;
    this.loads = loads;
    this.group = group;
    this.intervalNanos = group.outlierDetection().interval().toNanos();
    this.members = membersOf(group, Map.of(), clock.getAsLong());
  }

  private Member[] membersOf(EndpointGroup g, Map<Endpoint, Member> keep, long now) {
    List<Endpoint> eps = g.members();
    Member[] ms = new Member[eps.size()];
    for (int i = 0; i < ms.length; i++) {
      Endpoint e = eps.get(i);
      Member old = keep.get(e);
      ms[i] =
          old != null && old.weight == g.weight(e)
              ? old
              : new Member(e, g.weight(e), DECAY_NANOS, now, loads.apply(e));
    }
    return ms;
  }

  String name() {
    return name;
  }

  EndpointGroup group() {
    return group;
  }

  Member[] members() {
    return members;
  }

  long now() {
    return clock.getAsLong();
  }

  /**
   * Replaces the membership; members that stay keep their state.
   *
   * @return the endpoints that left
   */
  synchronized List<Endpoint> update(EndpointGroup next) {
    Map<Endpoint, Member> byEndpoint = new HashMap<>();
    for (Member m : members) {
      byEndpoint.put(m.endpoint, m);
    }
    Member[] ms = membersOf(next, byEndpoint, clock.getAsLong());
    List<Endpoint> left = new ArrayList<>();
    for (Member m : members) {
      if (!next.members().contains(m.endpoint)) {
        left.add(m.endpoint);
        callsOfFormerMembers.add(m.calls());
      }
    }
    this.group = next;
    this.intervalNanos = next.outlierDetection().interval().toNanos();
    this.members = ms;
    return left;
  }

  /**
   * Power of two choices among the candidates: two distinct members drawn at random, the one with
   * the lower score wins (a single candidate wins alone).
   *
   * @param ms the members
   * @param candidates a bit per member that may be picked
   * @param rnd the random source
   * @param now the clock now
   * @return the index picked, or -1 if there is no candidate
   */
  static int pick(Member[] ms, long candidates, RandomGenerator rnd, long now) {
    int n = Long.bitCount(candidates);
    if (n == 0) {
      return -1;
    }
    if (n == 1) {
      return Long.numberOfTrailingZeros(candidates);
    }
    long r = rnd.nextLong();
    int a = nthBit(candidates, first(r, n));
    int b = nthBit(candidates & ~(1L << a), second(r, n));
    return ms[b].score(now) < ms[a].score(now) ? b : a;
  }

  /**
   * The first of two distinct picks among {@code n} from one random long: its high 32 bits scaled
   * to {@code [0, n)} by a multiplication (Lemire's method, bias below n / 2^32), not the modulo of
   * {@code nextInt(n)}: two divisions per checkout cost about as much as the rest of the pick.
   */
  static int first(long random, int n) {
    return (int) (((random >>> 32) * n) >>> 32);
  }

  /** The second pick: the low 32 bits scaled to {@code [0, n - 1)}, skipping the first pick. */
  static int second(long random, int n) {
    return (int) (((random & 0xFFFF_FFFFL) * (n - 1)) >>> 32);
  }

  private static int nthBit(long mask, int n) {
    long m = mask;
    for (int i = 0; i < n; i++) {
      m &= m - 1; // drop the lowest set bit
    }
    return Long.numberOfTrailingZeros(m);
  }

  /** A call on the member ended without a peer failure. */
  void succeeded(Member m, long latencyNanos, long now) {
    m.latency.observe(latencyNanos, now);
    if (m.consecutive != 0) {
      m.consecutive = 0;
      m.unanswered = 0;
    }
    long interval = intervalNanos;
    rollWindow(m, now, interval); // the call was counted in the window when it was served
    if (m.status.get() == Member.PROBING) {
      back(m, now);
    } else if (m.multiplier > 0 && now - m.healthySince >= interval) {
      synchronized (m) {
        if (m.multiplier > 0) {
          m.multiplier--;
        }
        m.healthySince = now;
      }
    }
  }

  /**
   * A call that ended without a verdict on the member: the caller gave up on a reply sooner than
   * the member's no-answer bound. Its latency still counts (a lower bound of the real one).
   */
  void inconclusive(Member m, long latencyNanos, long now) {
    m.latency.observe(latencyNanos, now);
  }

  /**
   * A peer failure, that was fast, of a call the member served: an exchange's I/O error.
   *
   * @param m the member
   * @param latencyNanos how long the call took, or -1 for none
   * @param what the failure, for the log
   * @param now the clock now
   */
  void failed(Member m, long latencyNanos, String what, long now) {
    failed(m, latencyNanos, what, now, false);
  }

  /**
   * A peer failure of the member's checkout (no call was served): as {@link #failed(Member, long,
   * String, long, boolean)}, and it counts as a call of the failure-rate window.
   */
  void checkoutFailed(Member m, long latencyNanos, String what, long now, boolean unanswered) {
    failed(m, latencyNanos, what, now, unanswered, false);
  }

  /**
   * A peer failure of the member in a call it served (an exchange; see {@link #checkoutFailed}).
   *
   * @param m the member
   * @param latencyNanos how long the call took, or -1 for none
   * @param what the failure, for the log
   * @param now the clock now
   * @param unanswered whether the member did not answer at all (a connect or validation that timed
   *     out, a reply with no byte within the no-answer bound): it counts towards ejection like any
   *     peer failure but neither its wait (the timeout, not a latency) nor the failure raises the
   *     score, so the balancer keeps offering the member the calls that eject it
   */
  void failed(Member m, long latencyNanos, String what, long now, boolean unanswered) {
    failed(m, latencyNanos, what, now, unanswered, true);
  }

  /** Both kinds of failure; an unserved call is counted in the window here, served ones were. */
  private void failed(
      Member m, long latencyNanos, String what, long now, boolean unanswered, boolean served) {
    m.failures.increment();
    if (latencyNanos >= 0 && !unanswered) {
      m.latency.observe(latencyNanos, now);
    }
    if (m.status.get() == Member.PROBING) {
      eject(m, now, "the probe after its ejection failed: " + what, true);
      return;
    }
    OutlierDetection od = group.outlierDetection();
    if (od.maxEjectionPercent() == 0) {
      return;
    }
    int c = m.consecutive + 1;
    m.consecutive = c;
    if (unanswered) {
      int u = m.unanswered + 1; // racy like consecutive: a heuristic may lose a count
      m.unanswered = u;
    }
    rollWindow(m, now, intervalNanos);
    if (!served) {
      m.windowUnserved.incrementAndGet();
    }
    int failed = m.windowFailures.incrementAndGet();
    int total = m.windowCalls();
    if (c >= od.consecutiveFailures()) {
      eject(m, now, c + " consecutive failures, the last: " + what, false);
    } else if (total >= od.minimumCalls()
        && failed * 100L >= (long) od.failureRatePercent() * total) {
      eject(
          m,
          now,
          failed
              + " of "
              + total
              + " calls failed within "
              + od.interval().toMillis()
              + " ms (threshold "
              + od.failureRatePercent()
              + " %), the last: "
              + what,
          false);
    }
  }

  private static void rollWindow(Member m, long now, long intervalNanos) {
    if (now - m.windowStart >= intervalNanos) {
      m.newWindow(now);
    }
  }

  /** How many members may be ejected at once: the percent, at least one, never all. */
  static int allowedEjections(int members, int percent) {
    if (percent == 0 || members < 2) {
      return 0;
    }
    return Math.min(members - 1, Math.max(1, members * percent / 100));
  }

  private void eject(Member m, long now, String reason, boolean again) {
    Duration length;
    synchronized (this) {
      Member[] ms = members;
      if (!again) {
        if (m.status.get() != Member.SERVING) {
          return; // ejected by another caller meanwhile
        }
        int ejected = 0;
        for (Member x : ms) {
          ejected += x.status.get() != Member.SERVING ? 1 : 0;
        }
        int allowed = allowedEjections(ms.length, group.outlierDetection().maxEjectionPercent());
        if (ejected >= allowed) {
          events.ejectionRefused(name, m.endpoint, reason, ejected, allowed);
          return;
        }
      }
      OutlierDetection od = group.outlierDetection();
      synchronized (m) {
        m.multiplier++;
        m.ejections++;
        long base = od.baseEjectionTime().toNanos();
        long max = od.maxEjectionTime().toNanos();
        long nanos = m.multiplier >= max / base + 1 ? max : Math.min(max, base * m.multiplier);
        length = Duration.ofNanos(nanos);
        m.ejectedUntil = now + nanos;
      }
      m.consecutive = 0;
      m.unanswered = 0;
      m.newWindow(now);
      m.status.set(Member.EJECTED);
    }
    ejections.increment();
    events.ejected(name, m.endpoint, length, reason);
  }

  private void back(Member m, long now) {
    if (!m.status.compareAndSet(Member.PROBING, Member.SERVING)) {
      return;
    }
    m.healthySince = now;
    returns.increment();
    events.returned(name, m.endpoint);
  }

  GroupStats stats() {
    long now = clock.getAsLong();
    Member[] ms = members;
    List<GroupMemberStats> list = new ArrayList<>(ms.length);
    long calls = callsOfFormerMembers.sum();
    for (Member m : ms) {
      m.follow(loads.apply(m.endpoint)); // calls made outside the group on a newer state count too
      GroupMemberStats s = m.stats(now);
      list.add(s);
      calls += s.calls();
    }
    return new GroupStats(
        name,
        list,
        calls,
        failedCalls.sum(),
        ejections.sum(),
        returns.sum(),
        resolveFailures.sum());
  }
}
