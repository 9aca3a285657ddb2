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
 * counts and its ejection state. The counts on the success path are cheap (an increment, a read);
 * the ejection decisions run under the group's lock ({@link GroupState}), on failures only.
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
   * The calls in flight (the low {@link #FLIGHT_BITS} bits) and the calls served (the rest, less
   * {@link #foldedCalls}) in one word, so the fast path counts both with one atomic add.
   */
  @SuppressWarnings("unused") // through LOAD
  private volatile long load;

  /** Calls moved out of {@link #load} before they reach its top bits. */
  private long foldedCalls; // guarded by this

  private static final VarHandle LOAD;

  static {
    try {
      LOAD = MethodHandles.lookup().findVarHandle(Member.class, "load", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Bits of {@link #load} that count the calls in flight: up to 16,777,215 at once. */
  static final int FLIGHT_BITS = 24;

  private static final long FLIGHT_MASK = (1L << FLIGHT_BITS) - 1;

  /** One call served, in {@link #load}. */
  static final long CALL = 1L << FLIGHT_BITS;

  /** How many calls {@link #load} holds at most before a fold (its 40 bits hold twice as many). */
  static final long FOLD_AT = 1L << 38;

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
   * since, counted in {@link #load} at no extra cost, plus {@link #windowUnserved}), its failed
   * checkouts and its failures.
   */
  volatile long windowStart;

  private volatile long windowServedBase;
  final AtomicInteger windowUnserved = new AtomicInteger();
  final AtomicInteger windowFailures = new AtomicInteger();

  /**
   * The engine's handle on the endpoint ({@link MemberAccess#handle}), kept for the fast path so a
   * healthy checkout does no map lookup; revalidated on every use.
   */
  volatile Object handle;

  /** Ejections so far (stats) and the multiplier of the next ejection's length. */
  long ejections; // guarded by the group

  int multiplier; // guarded by the group

  /** Since when it has served without an ejection (the multiplier decays by one per interval). */
  volatile long healthySince;

  Member(Endpoint endpoint, int weight, double tauNanos, long nowNanos) {
    this.endpoint = endpoint;
    this.weight = weight;
    this.perWeight = 1.0 / weight;
    this.latency = new PeakEwma(tauNanos, nowNanos);
    this.windowStart = nowNanos;
    this.healthySince = nowNanos;
  }

  /** Returns the calls in flight. */
  int inFlight() {
    return (int) ((long) LOAD.getVolatile(this) & FLIGHT_MASK);
  }

  /** Starts a new failure-rate window now. */
  void newWindow(long nowNanos) {
    windowStart = nowNanos;
    windowServedBase = (long) LOAD.getVolatile(this) >>> FLIGHT_BITS;
    windowUnserved.set(0);
    windowFailures.set(0);
  }

  /** Returns the calls in the failure-rate window: served since it started, or failed to be. */
  int windowCalls() {
    long served = ((long) LOAD.getVolatile(this) >>> FLIGHT_BITS) - windowServedBase;
    if (served < 0) {
      served += FOLD_AT / 2; // a fold moved calls out of the word meanwhile (one per 2^37 calls)
    }
    return (int) Math.min(Integer.MAX_VALUE, served + windowUnserved.get());
  }

  /** Returns the calls served so far. */
  long calls() {
    synchronized (this) { // a fold moves calls between the two counts under this lock
      return ((long) LOAD.getVolatile(this) >>> FLIGHT_BITS) + foldedCalls;
    }
  }

  /**
   * Counts calls in flight ({@code +1}, {@code -1}) and calls served ({@link #CALL}) in one atomic
   * add: the fast path adds {@code CALL + 1}.
   */
  void count(long delta) {
    long before = (long) LOAD.getAndAdd(this, delta);
    if (delta >= CALL && (before >>> FLIGHT_BITS) == FOLD_AT - 1) {
      fold(); // this add reached FOLD_AT calls: only one add does
    }
  }

  private synchronized void fold() {
    LOAD.getAndAdd(this, -(FOLD_AT / 2) * CALL);
    foldedCalls += FOLD_AT / 2;
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
