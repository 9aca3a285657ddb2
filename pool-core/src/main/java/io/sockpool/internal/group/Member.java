package io.sockpool.internal.group;

import io.sockpool.Endpoint;
import io.sockpool.GroupMemberStats;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One member of one group: its load (calls in flight), its latency ({@link PeakEwma}), its failure
 * counts and its ejection state. Its calls in flight and calls served are the engine's counts of
 * the endpoint ({@link EndpointLoad}), so a call through the fast path adds no count of its own:
 * the success path reads, and writes only the latency estimate. The ejection decisions run under
 * the group's lock ({@link GroupState}), on failures only.
 */
final class Member {
  /** Takes calls. */
  static final int SERVING = 0;

  /** Ejected until {@link #ejectedUntil}; a probe may be claimed after it. */
  static final int EJECTED = 1;

  /** One caller holds the probe. */
  static final int PROBING = 2;

  final Endpoint endpoint;
  final int weight;
  private final double perWeight;
  final PeakEwma latency;
  final LongAdder failures = new LongAdder();

  /**
   * This group's checkouts of the member under way on the full path (waiting, connecting,
   * validating): calls in flight that the engine does not count yet.
   */
  @SuppressWarnings("unused") // through PENDING
  private volatile int pending;

  private static final VarHandle PENDING;

  static {
    try {
      PENDING = MethodHandles.lookup().findVarHandle(Member.class, "pending", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** {@link #SERVING}, {@link #EJECTED} or {@link #PROBING}. */
  final AtomicInteger status = new AtomicInteger(SERVING);

  volatile long ejectedUntil;

  /** Peer failures in a row; written on failure, reset on success (read first, so cheap). */
  volatile int consecutive;

  /**
   * How many of {@link #consecutive} went unanswered (a timed-out connect or validation, a reply
   * with no byte within the no-answer bound): they count towards ejection but not in the score.
   */
  volatile int unanswered;

  /**
   * The failure-rate window: its start, the calls served before it (its calls are those served
   * since, plus {@link #windowUnserved}), its failed checkouts and its failures.
   */
  volatile long windowStart;

  private volatile long windowServedBase;
  final AtomicInteger windowUnserved = new AtomicInteger();
  final AtomicInteger windowFailures = new AtomicInteger();

  /**
   * The engine's state of the endpoint ({@link MemberAccess#handle}): its counts are the member's
   * calls in flight and calls served, and the fast path checks out on it with no map lookup.
   * Written only through {@link #follow} (under this member's lock); revalidated on every use.
   */
  volatile EndpointLoad handle;

  /** Calls served on states of the endpoint the engine has forgotten since. */
  private long servedBefore; // guarded by this

  /** The handle's checkouts that are not the member's (served before it joined the group). */
  private long servedBase; // guarded by this

  /** Ejections so far (stats) and the multiplier of the next ejection's length. */
  long ejections; // guarded by the group

  int multiplier; // guarded by the group

  /** Since when it has served without an ejection (the multiplier decays by one per interval). */
  volatile long healthySince;

  /**
   * @param load the engine's state of the endpoint now (its checkouts so far are not the member's),
   *     or null if the engine does not know the endpoint yet
   */
  Member(Endpoint endpoint, int weight, double tauNanos, long nowNanos, EndpointLoad load) {
    this.endpoint = endpoint;
    this.weight = weight;
    this.perWeight = 1.0 / weight;
    this.latency = new PeakEwma(tauNanos, nowNanos);
    this.windowStart = nowNanos;
    this.healthySince = nowNanos;
    this.handle = load;
    this.servedBase = load != null ? load.served() : 0;
  }

  /**
   * Returns the calls in flight: the endpoint's connections checked out now (through this group,
   * another or none) plus this group's checkouts of it under way.
   */
  int inFlight() {
    EndpointLoad h = handle;
    return (int) PENDING.getVolatile(this) + (h != null ? h.leased() : 0);
  }

  /** Counts a checkout of the member under way on the full path ({@code +1}), or its end. */
  void pending(int delta) {
    PENDING.getAndAdd(this, delta);
  }

  /**
   * Moves the member to the engine's current state of the endpoint: the one the fast path found,
   * the one a full checkout was just served on, or the one the stats read. The calls served on the
   * state it leaves (forgotten by the engine: its counts are final) are kept; a state the engine
   * forgot already, or null (the engine forgot the endpoint), is not moved to.
   */
  void follow(EndpointLoad current) {
    if (current != null && current != handle) {
      move(current);
    }
  }

  private synchronized void move(EndpointLoad current) {
    EndpointLoad old = handle;
    if (current == old || current.forgotten()) {
      return; // another caller moved it, or a newer state replaced this one meanwhile
    }
    if (old != null) {
      servedBefore += old.served() - servedBase;
    }
    servedBase = 0; // a state newer than the member's last: all its checkouts came after the join
    handle = current;
  }

  /** Starts a new failure-rate window now. */
  void newWindow(long nowNanos) {
    windowStart = nowNanos;
    windowServedBase = calls();
    windowUnserved.set(0);
    windowFailures.set(0);
  }

  /** Returns the calls in the failure-rate window: served since it started, or failed to be. */
  int windowCalls() {
    long served = calls() - windowServedBase;
    return (int) Math.min(Integer.MAX_VALUE, Math.max(0, served) + windowUnserved.get());
  }

  /**
   * Returns the calls served so far: checkouts of the endpoint since the member joined the group
   * (through this group, another or none), on the states the member has followed.
   */
  synchronized long calls() {
    EndpointLoad h = handle;
    return servedBefore + (h != null ? h.served() - servedBase : 0);
  }

  /**
   * Returns the balancer's score, lower is better: the peak-EWMA cost over the weight, times one
   * plus the fast failures in a row (a member that fails fast must not look fast; one with no
   * latency yet and a failure costs {@link PeakEwma#PENALTY}). Unanswered calls do not raise it: a
   * member that never answers would otherwise be avoided before it reached the ejection threshold,
   * then tried again as its cost decays, each time costing a caller a timeout; it is ejection that
   * takes it out (each of those calls goes on to another member).
   */
  double score(long nowNanos) {
    double c = latency.cost(nowNanos, inFlight());
    int f = consecutive - unanswered;
    if (f > 0) {
      c = c == 0 ? PeakEwma.PENALTY : c * (1 + f);
    }
    return c * perWeight;
  }

  /**
   * Returns whether the balancer may consider it now: serving, or ejected with its time over (then
   * the caller that picks it must {@link #claimProbe} it).
   */
  boolean selectable(long nowNanos) {
    int s = status.get();
    return s == SERVING || (s == EJECTED && nowNanos - ejectedUntil >= 0);
  }

  /**
   * Makes this caller's call the probe of an ejected member whose time is over.
   *
   * @return true if it may go ahead: the member serves, or this caller holds the probe
   */
  boolean claimProbe() {
    int s = status.get();
    return s == SERVING || (s == EJECTED && status.compareAndSet(EJECTED, PROBING));
  }

  /** A probe that ended without a verdict (the caller's fault): the next caller may probe. */
  void releaseProbe(long nowNanos) {
    if (status.get() == PROBING) {
      ejectedUntil = nowNanos;
      status.set(EJECTED);
    }
  }

  GroupMemberStats stats(long nowNanos) {
    int s = status.get();
    long left = s == EJECTED ? Math.max(0, ejectedUntil - nowNanos) : 0;
    GroupMemberStats.Status st =
        s == SERVING
            ? GroupMemberStats.Status.SERVING
            : s == PROBING || left == 0
                ? GroupMemberStats.Status.PROBING
                : GroupMemberStats.Status.EJECTED;
    long ej;
    synchronized (this) {
      ej = ejections;
    }
    return new GroupMemberStats(
        endpoint,
        weight,
        st,
        inFlight(),
        Duration.ofNanos((long) latency.estimate(nowNanos)),
        calls(),
        failures.sum(),
        ej,
        Duration.ofNanos(left));
  }

  /** A line for an exception: the member and why it takes no call. */
  String describe(long nowNanos) {
    return switch (status.get()) {
      case EJECTED ->
          endpoint
              + " ejected for "
              + Math.max(0, (ejectedUntil - nowNanos) / 1_000_000)
              + " ms more";
      case PROBING -> endpoint + " being probed by another call";
      default -> endpoint + " serving";
    };
  }
}
