package io.sockpool.internal.metrics;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Lock-free histogram of checkout wait times: log-scale buckets (8 per power of two, so a
 * percentile is good to about 10 %), plus exact count, sum and max.
 *
 * <p>Checkouts that did not wait at all (the fast path, {@link #recordNoWait()}) are one count in a
 * field of this object ({@link #noWaits}), read as waits of 1 ns: one compare-and-set on a line the
 * checkout already loaded, instead of a bucket, two adders and the maximum (five objects, each a
 * likely cache miss for an endpoint touched 1,000 checkouts ago). A compare-and-set that loses a
 * race moves that count to a {@link LongAdder} for good, as {@link LongAdder} itself does. The
 * pool's endpoint histograms go one step further: their zero waits are counted in the endpoint's
 * own state ({@link Metered#countNoWait()}), which the checkout holds anyway, and read from there.
 */
public final class WaitHistogram {
  private static final java.lang.invoke.VarHandle NO_WAITS;

  static {
    try {
      NO_WAITS =
          java.lang.invoke.MethodHandles.lookup()
              .findVarHandle(WaitHistogram.class, "noWaits", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Waits of zero while uncontended (see the class comment). */
  @SuppressWarnings("unused") // through NO_WAITS
  private volatile long noWaits;

  /** Waits of zero once a compare-and-set on {@link #noWaits} lost a race; null until then. */
  private volatile LongAdder contendedNoWaits;

  private static final int SUB_BUCKETS = 8;
  private static final int BUCKETS = 64 * SUB_BUCKETS;

  /** Zero waits counted elsewhere (the endpoint's state, {@link Metered#countNoWait()}). */
  private final java.util.function.LongSupplier noWaitsElsewhere;

  /** A histogram that counts its zero waits itself ({@link #recordNoWait()}). */
  public WaitHistogram() {
    this(() -> 0L);
  }

  /**
   * A histogram whose zero waits are also counted elsewhere.
   *
   * @param noWaitsElsewhere the zero waits counted outside, added to those of {@link
   *     #recordNoWait()}
   */
  public WaitHistogram(java.util.function.LongSupplier noWaitsElsewhere) {
    this.noWaitsElsewhere = noWaitsElsewhere;
  }

  private final AtomicLongArray buckets = new AtomicLongArray(BUCKETS);
  private final LongAdder count = new LongAdder();
  private final LongAdder sum = new LongAdder();
  private final LongAccumulator max = new LongAccumulator(Math::max, 0);

  public void record(long nanos) {
    long v = Math.max(1, nanos);
    buckets.incrementAndGet(index(v));
    count.increment();
    sum.add(v);
    max.accumulate(v);
  }

  /** Records a checkout that did not wait (its wait counts as 1 ns, as in {@link #record}). */
  public void recordNoWait() {
    LongAdder spill = contendedNoWaits;
    if (spill == null) {
      long v = noWaits;
      if (NO_WAITS.compareAndSet(this, v, v + 1)) {
        return;
      }
      spill = spill();
    }
    spill.increment();
  }

  private synchronized LongAdder spill() {
    if (contendedNoWaits == null) {
      contendedNoWaits = new LongAdder();
    }
    return contendedNoWaits;
  }

  /**
   * @return waits recorded by {@link #recordNoWait()}
   */
  private long noWaitCount() {
    LongAdder spill = contendedNoWaits;
    return noWaits + (spill == null ? 0 : spill.sum()) + noWaitsElsewhere.getAsLong();
  }

  public static int index(long v) {
    int exp = 63 - Long.numberOfLeadingZeros(v);
    int sub =
        exp >= 3 ? (int) ((v >>> (exp - 3)) & (SUB_BUCKETS - 1)) : (int) (v & (SUB_BUCKETS - 1));
    return exp * SUB_BUCKETS + sub;
  }

  /**
   * Upper bound of a bucket, in nanoseconds. Values under 8 ns have a bucket each (its index holds
   * the value itself); from 8 ns on a power of two is split into 8 buckets.
   */
  public static long upperBound(int index) {
    int exp = index / SUB_BUCKETS;
    int sub = index % SUB_BUCKETS;
    if (exp < 3) {
      return sub;
    }
    return (1L << exp) + ((long) (sub + 1) << (exp - 3)) - 1;
  }

  public long count() {
    return count.sum() + noWaitCount();
  }

  public Duration mean() {
    long zeros = noWaitCount();
    long c = count.sum() + zeros;
    return c == 0 ? Duration.ZERO : Duration.ofNanos((sum.sum() + zeros) / c);
  }

  public Duration max() {
    return Duration.ofNanos(maxNanos(noWaitCount()));
  }

  private long maxNanos(long zeros) {
    return Math.max(max.get(), zeros > 0 ? 1 : 0);
  }

  public Duration percentile(double p) {
    long zeros = noWaitCount();
    long c = count.sum() + zeros;
    if (c == 0) {
      return Duration.ZERO;
    }
    long rank = (long) Math.ceil(c * p);
    long seen = 0;
    int zeroBucket = index(1);
    for (int i = 0; i < BUCKETS; i++) {
      seen += buckets.get(i) + (i == zeroBucket ? zeros : 0);
      if (seen >= rank) {
        return Duration.ofNanos(Math.min(upperBound(i), maxNanos(zeros)));
      }
    }
    return max();
  }

  public void addTo(WaitHistogram total) {
    for (int i = 0; i < BUCKETS; i++) {
      long b = buckets.get(i);
      if (b != 0) {
        total.buckets.addAndGet(i, b);
      }
    }
    long zeros = noWaitCount();
    if (zeros != 0) {
      total.buckets.addAndGet(index(1), zeros);
    }
    total.count.add(count.sum() + zeros);
    total.sum.add(sum.sum() + zeros);
    total.max.accumulate(maxNanos(zeros));
  }
}
