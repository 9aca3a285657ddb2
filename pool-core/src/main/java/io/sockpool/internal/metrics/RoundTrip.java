package io.sockpool.internal.metrics;

import java.util.concurrent.TimeUnit;

/**
 * What one endpoint normally takes to answer: the time from a request's first byte written to its
 * reply's first byte read, over recent exchanges (holders', validators', initializers'). It is the
 * yardstick for "no answer": a wait with no reply byte counts against the peer only when it is well
 * beyond what the peer normally takes ({@link #noAnswerBoundNanos()}), so that a caller whose own
 * deadline is shorter than the peer's normal round trip never blames the peer.
 *
 * <p>The estimate is a decaying maximum: a slower reply raises it at once, faster ones bring it
 * down by 1/16 of the difference each, so one slow kind of request among fast ones keeps it high
 * for a while. Until the first reply it is unknown, and the bound is {@link #FLOOR_NANOS}.
 *
 * <p>Thread-safe and lock-free; concurrent samples may overwrite each other, which an estimate
 * allows. A sample that changes nothing writes nothing, so a steady endpoint's callers do not
 * contend on it.
 */
public final class RoundTrip {
  /** The least wait without a reply byte that counts as no answer: 50 ms. */
  public static final long FLOOR_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  /** How many times its normal round trip the peer must be silent to count as not answering. */
  public static final int MARGIN = 4;

  private static final long UNKNOWN = -1;

  private volatile long normalNanos = UNKNOWN;

  /**
   * Records one reply's round trip.
   *
   * @param nanos from the request's first byte written to the reply's first byte read
   */
  public void sample(long nanos) {
    long current = normalNanos;
    long next = current == UNKNOWN || nanos >= current ? nanos : current - ((current - nanos) >> 4);
    if (next != current) {
      normalNanos = next;
    }
  }

  /**
   * @return the endpoint's normal round trip in nanoseconds, or -1 before its first reply
   */
  public long normalNanos() {
    return normalNanos;
  }

  /**
   * @return how long a request may go without a reply byte before that counts as the peer not
   *     answering: {@link #MARGIN} times its normal round trip, at least {@link #FLOOR_NANOS}
   */
  public long noAnswerBoundNanos() {
    long normal = normalNanos;
    return normal == UNKNOWN ? FLOOR_NANOS : Math.max(FLOOR_NANOS, MARGIN * normal);
  }

  /**
   * @param waitedNanos how long a request went without any reply byte
   * @return whether that is the peer's failure: at least {@link #noAnswerBoundNanos()}
   */
  public boolean isNoAnswer(long waitedNanos) {
    return waitedNanos >= noAnswerBoundNanos();
  }

  @Override
  public String toString() {
    long normal = normalNanos;
    return normal == UNKNOWN
        ? "not measured yet"
        : String.format(java.util.Locale.ROOT, "%.1f ms", normal / 1e6);
  }
}
