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
 */
final class PeakEwma {
  /** Finagle's cost of a member with calls in flight but no latency yet: a large finite number. */
  static final double PENALTY = (double) (Long.MAX_VALUE >> 16);

  /** How fast a peak is forgotten: after it, a peak weighs 1/e. */
  static final long PEAK_DECAY_NANOS = 25_000_000L;

  private static final VarHandle EWMA;
  private static final VarHandle PEAK;
  private static final VarHandle STAMP;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      EWMA = l.findVarHandle(PeakEwma.class, "ewma", double.class);
      PEAK = l.findVarHandle(PeakEwma.class, "peak", double.class);
      STAMP = l.findVarHandle(PeakEwma.class, "stamp", long.class);
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
    STAMP.setOpaque(this, nowNanos);
  }

  /**
   * Returns the estimate decayed to now, in nanoseconds (0 before the first observation).
   *
   * @param nowNanos the clock now
   */
  double estimate(long nowNanos) {
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
    EWMA.setOpaque(this, e == 0 ? rtt : e * w + rtt * (1 - w));
    PEAK.setOpaque(this, p <= rtt ? rtt : Math.max(rtt, p * weight(td, perPeakTau)));
    STAMP.setOpaque(this, nowNanos);
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
