package io.sockpool.internal.group;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A member's latency estimate, after Finagle's and Linkerd's "peak EWMA", in two parts:
 *
 * <ul>
 *   <li>an EWMA of the latencies, each mixed in with a weight that grows with the time since the
 *       last observation ({@code 1 - exp(-dt / tau)}, tau {@link GroupState#DECAY_NANOS}); the
 *       first observation sets it;
 *   <li>a <em>peak</em>: a latency above the peak replaces it at once, and it is forgotten fast
 *       ({@code exp(-dt / peakTau)}, peakTau {@link #PEAK_DECAY_NANOS}).
 * </ul>
 *
 * <p>The estimate is the larger of the two, both decayed to now, so a member that turns slow costs
 * its new latency at once (the peak), one that is slow stays costly (the EWMA), and one that was
 * slow once (a scheduling stall: a single 250 ms call among sub-millisecond ones) is not avoided
 * for longer than the peak lasts. With Finagle's single estimate the stall's peak decayed with the
 * 10 s tau: for seconds a healthy member looked costlier than a slow one, which took its calls.
 * Reading decays both towards zero, so a member that got no call for a while is tried again.
 *
 * <p>The cost that the balancer compares is the estimate times (calls in flight + 1). Updates are
 * racy on purpose (opaque reads and writes, no lock): two calls ending at once may lose one
 * observation, which a heuristic can afford; the hot path pays no fence or lock.
 *
 * <p>Readers share a <em>snapshot</em>: the estimate as last computed and when, in one word. A read
 * within {@link #SNAPSHOT_FRACTION} of the shorter decay time (250 us for the peak's 25 ms) returns
 * it as it is: each part decays by less than 1 % in that time, so it is at most 1 % high. An
 * observation writes a new one (a new peak counts at once); a read that finds it older computes the
 * decay ({@code exp}) and stores the result. Without it, a member that loses the comparisons for a
 * while (a peak from one stalled call keeps it out for about 100 ms) paid an {@code exp} on every
 * draw: 7 % of a group checkout's CPU time in {@code GroupCostCpu}.
 */
final class PeakEwma {
  /** Finagle's cost of a member with calls in flight but no latency yet: a large finite number. */
  static final double PENALTY = (double) (Long.MAX_VALUE >> 16);

  /** How fast a peak is forgotten: after it, a peak weighs 1/e. */
  static final long PEAK_DECAY_NANOS = 25_000_000L;

  private static final VarHandle EWMA;
  private static final VarHandle PEAK;
  private static final VarHandle STAMP;
  private static final VarHandle SNAPSHOT;

  /** A snapshot younger than this fraction of the shorter decay time is read as it is. */
  static final double SNAPSHOT_FRACTION = 0.01;

  /** The snapshot's time unit: {@code nanoTime >>> 10}, about a microsecond. */
  private static final int TIME_SHIFT = 10;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      EWMA = l.findVarHandle(PeakEwma.class, "ewma", double.class);
      PEAK = l.findVarHandle(PeakEwma.class, "peak", double.class);
      STAMP = l.findVarHandle(PeakEwma.class, "stamp", long.class);
      SNAPSHOT = l.findVarHandle(PeakEwma.class, "snapshot", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** 1 / the decay times: a multiplication on the hot path instead of a division. */
  private final double perTau;

  private final double perPeakTau;

  @SuppressWarnings("unused") // through EWMA
  private double ewma;

  @SuppressWarnings("unused") // through PEAK
  private double peak;

  @SuppressWarnings("unused") // through STAMP
  private long stamp;

  /**
   * The estimate as last computed: its value as a {@code float} in the high 32 bits, its time in
   * {@link #TIME_SHIFT} units in the low 32 (one word: a reader never pairs one writer's value with
   * another's time). The time wraps every 73 minutes: a snapshot left untouched for a multiple of
   * that looks young for {@link #snapshotUnits} once, and is read undecayed then (a member idle for
   * over an hour looks as costly as it last was, for 250 us).
   */
  @SuppressWarnings("unused") // through SNAPSHOT
  private long snapshot;

  /** How many time units a snapshot is read as it is. */
  private final int snapshotUnits;

  /**
   * @param tauNanos the EWMA's decay time: after it, an old estimate weighs 1/e
   * @param nowNanos the clock now
   */
  PeakEwma(double tauNanos, long nowNanos) {
    this(tauNanos, PEAK_DECAY_NANOS, nowNanos);
  }

  /**
   * @param tauNanos the EWMA's decay time
   * @param peakTauNanos the peak's decay time
   * @param nowNanos the clock now
   */
  PeakEwma(double tauNanos, double peakTauNanos, long nowNanos) {
    this.perTau = 1 / tauNanos;
    this.perPeakTau = 1 / peakTauNanos;
    long units = (long) (Math.min(tauNanos, peakTauNanos) * SNAPSHOT_FRACTION) >>> TIME_SHIFT;
    this.snapshotUnits = (int) Math.max(1, Math.min(Integer.MAX_VALUE / 4, units));
    STAMP.setOpaque(this, nowNanos);
    SNAPSHOT.setOpaque(this, snapshot(0, nowNanos));
  }

  /**
   * Returns the estimate decayed to now, in nanoseconds (0 before the first observation).
   *
   * @param nowNanos the clock now
   */
  double estimate(long nowNanos) {
    long snap = (long) SNAPSHOT.getOpaque(this);
    int age = (int) (nowNanos >>> TIME_SHIFT) - (int) snap;
    if (age > -snapshotUnits && age < snapshotUnits) { // slightly ahead: another thread's later now
      return Float.intBitsToFloat((int) (snap >>> 32));
    }
    double x = decayed(nowNanos);
    SNAPSHOT.compareAndSet(this, snap, snapshot(x, nowNanos)); // never over an observation's
    return x;
  }

  /** The estimate decayed to now, computed: {@link #estimate} without the snapshot. */
  double decayed(long nowNanos) {
    double e = (double) EWMA.getOpaque(this);
    double p = (double) PEAK.getOpaque(this);
    long td = nowNanos - (long) STAMP.getOpaque(this);
    if (td <= 0) {
      return Math.max(e, p);
    }
    double decayed = e * weight(td, perTau);
    if (p <= e && perPeakTau >= perTau) {
      return decayed; // a peak below the EWMA decays faster: it cannot win (no exp to compute)
    }
    return Math.max(decayed, p * weight(td, perPeakTau));
  }

  /**
   * Adds one observed latency.
   *
   * @param rttNanos the latency
   * @param nowNanos the clock now
   */
  void observe(long rttNanos, long nowNanos) {
    double e = (double) EWMA.getOpaque(this);
    double p = (double) PEAK.getOpaque(this);
    long td = Math.max(0, nowNanos - (long) STAMP.getOpaque(this));
    double rtt = Math.max(0, rttNanos);
    double w = weight(td, perTau);
    double ne = e == 0 ? rtt : e * w + rtt * (1 - w);
    double np = p <= rtt ? rtt : Math.max(rtt, p * weight(td, perPeakTau));
    EWMA.setOpaque(this, ne);
    PEAK.setOpaque(this, np);
    STAMP.setOpaque(this, nowNanos);
    SNAPSHOT.setOpaque(this, snapshot(Math.max(ne, np), nowNanos));
  }

  private static long snapshot(double estimate, long nowNanos) {
    return ((long) Float.floatToRawIntBits((float) estimate) << 32)
        | ((nowNanos >>> TIME_SHIFT) & 0xFFFF_FFFFL);
  }

  /**
   * Returns the balancer's cost: the estimate times (inFlight + 1); {@link #PENALTY} for a member
   * with calls in flight and no latency yet (Finagle's rule: do not pile onto an unknown member).
   */
  double cost(long nowNanos, int inFlight) {
    double e = estimate(nowNanos);
    if (e == 0 && inFlight > 0) {
      return PENALTY;
    }
    return e * (inFlight + 1);
  }

  /** exp(-td / tau), by its first-order term when that is within 5e-5 (no exp on the hot path). */
  private static double weight(long td, double perTau) {
    double x = td * perTau;
    return x < 0.01 ? 1 - x : Math.exp(-x);
  }
}
