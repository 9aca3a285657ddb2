package io.sockpool.internal.group;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A member's latency estimate, Finagle's and Linkerd's "peak EWMA": a latency above the estimate
 * replaces it at once (the peak), one below it is mixed in with a weight that grows with the time
 * since the last observation ({@code w = exp(-dt / tau)}); reading decays the estimate the same way
 * towards zero, so a member that got no call for a while is tried again. The cost that the balancer
 * compares is the estimate times (calls in flight + 1).
 *
 * <p>Updates are racy on purpose (opaque reads and writes, no lock): two calls ending at once may
 * lose one observation, which a heuristic can afford; the hot path pays no fence or lock.
 */
final class PeakEwma {
  /** Finagle's cost of a member with calls in flight but no latency yet: a large finite number. */
  static final double PENALTY = (double) (Long.MAX_VALUE >> 16);

  private static final VarHandle COST;
  private static final VarHandle STAMP;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      COST = l.findVarHandle(PeakEwma.class, "cost", double.class);
      STAMP = l.findVarHandle(PeakEwma.class, "stamp", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final double tauNanos;

  @SuppressWarnings("unused") // through COST
  private double cost;

  @SuppressWarnings("unused") // through STAMP
  private long stamp;

  /**
   * @param tauNanos the decay time: after it, an old estimate weighs 1/e
   * @param nowNanos the clock now
   */
  PeakEwma(double tauNanos, long nowNanos) {
    this.tauNanos = tauNanos;
    STAMP.setOpaque(this, nowNanos);
  }

  /**
   * Returns the estimate decayed to now, in nanoseconds (0 before the first observation).
   *
   * @param nowNanos the clock now
   */
  double estimate(long nowNanos) {
    double c = (double) COST.getOpaque(this);
    long td = nowNanos - (long) STAMP.getOpaque(this);
    return td <= 0 ? c : c * weight(td);
  }

  /**
   * Adds one observed latency.
   *
   * @param rttNanos the latency
   * @param nowNanos the clock now
   */
  void observe(long rttNanos, long nowNanos) {
    double c = (double) COST.getOpaque(this);
    long td = Math.max(0, nowNanos - (long) STAMP.getOpaque(this));
    double rtt = Math.max(0, rttNanos);
    double next;
    if (rtt > c) {
      next = rtt;
    } else {
      double w = weight(td);
      next = c * w + rtt * (1 - w);
    }
    COST.setOpaque(this, next);
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
  private double weight(long td) {
    double x = td / tauNanos;
    return x < 0.01 ? 1 - x : Math.exp(-x);
  }
}
