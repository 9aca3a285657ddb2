package io.sockpool.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Lock-free histogram of checkout wait times: log-scale buckets (8 per power of two, so a
 * percentile is good to about 10 %), plus exact count, sum and max.
 */
final class WaitHistogram {
  private static final int SUB_BUCKETS = 8;
  private static final int BUCKETS = 64 * SUB_BUCKETS;

  private final AtomicLongArray buckets = new AtomicLongArray(BUCKETS);
  private final LongAdder count = new LongAdder();
  private final LongAdder sum = new LongAdder();
  private final LongAccumulator max = new LongAccumulator(Math::max, 0);

  void record(long nanos) {
    long v = Math.max(1, nanos);
    buckets.incrementAndGet(index(v));
    count.increment();
    sum.add(v);
    max.accumulate(v);
  }

  static int index(long v) {
    int exp = 63 - Long.numberOfLeadingZeros(v);
    int sub =
        exp >= 3 ? (int) ((v >>> (exp - 3)) & (SUB_BUCKETS - 1)) : (int) (v & (SUB_BUCKETS - 1));
    return exp * SUB_BUCKETS + sub;
  }

  /** Upper bound of a bucket, in nanoseconds. */
  static long upperBound(int index) {
    int exp = index / SUB_BUCKETS;
    int sub = index % SUB_BUCKETS;
    if (exp < 3) {
      return (1L << exp) + sub;
    }
    return (1L << exp) + ((long) (sub + 1) << (exp - 3)) - 1;
  }

  long count() {
    return count.sum();
  }

  Duration mean() {
    long c = count.sum();
    return c == 0 ? Duration.ZERO : Duration.ofNanos(sum.sum() / c);
  }

  Duration max() {
    return Duration.ofNanos(max.get());
  }

  Duration percentile(double p) {
    long c = count.sum();
    if (c == 0) {
      return Duration.ZERO;
    }
    long rank = (long) Math.ceil(c * p);
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += buckets.get(i);
      if (seen >= rank) {
        return Duration.ofNanos(Math.min(upperBound(i), max.get()));
      }
    }
    return max();
  }

  void addTo(WaitHistogram total) {
    for (int i = 0; i < BUCKETS; i++) {
      long b = buckets.get(i);
      if (b != 0) {
        total.buckets.addAndGet(i, b);
      }
    }
    total.count.add(count.sum());
    total.sum.add(sum.sum());
    total.max.accumulate(max.get());
  }
}
