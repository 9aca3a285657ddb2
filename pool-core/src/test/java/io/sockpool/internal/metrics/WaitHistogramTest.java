package io.sockpool.internal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link WaitHistogram}: buckets, percentiles, the no-wait count and the merge into a total. */
@Timeout(10)
class WaitHistogramTest {
  private static final long MS = 1_000_000;

  @Test
  void smallValuesHaveABucketEachAndLargerOnesEightPerPowerOfTwo() {
    assertEquals(1, WaitHistogram.index(1));
    assertEquals(10, WaitHistogram.index(2));
    assertEquals(23, WaitHistogram.index(7));
    assertEquals(24, WaitHistogram.index(8));
    assertEquals(31, WaitHistogram.index(15));
    assertEquals(32, WaitHistogram.index(16));
    assertEquals(79, WaitHistogram.index(1000));
    assertEquals(1023, WaitHistogram.upperBound(79));
    assertEquals(8, WaitHistogram.upperBound(24));
    assertEquals(15, WaitHistogram.upperBound(31));
    assertEquals(1, WaitHistogram.upperBound(1));
    assertEquals(7, WaitHistogram.upperBound(23));
  }

  @Test
  void aValueUnderEightNanosecondsIsItsOwnBucketsBound() {
    for (long v = 1; v < 8; v++) {
      assertEquals(v, WaitHistogram.upperBound(WaitHistogram.index(v)), "bound of " + v + " ns");
    }
  }

  @Test
  void everyValueFallsInTheBucketWhoseBoundsHoldIt() {
    for (long v = 8; v < 1L << 40; v += 1 + v / 7) {
      int i = WaitHistogram.index(v);
      assertTrue(v <= WaitHistogram.upperBound(i), v + " above bucket " + i);
      assertTrue(v > WaitHistogram.upperBound(i - 1), v + " belongs below bucket " + i);
      assertTrue(WaitHistogram.upperBound(i) - v <= v / 8, "bucket " + i + " too wide for " + v);
    }
  }

  @Test
  void percentilesAreWithinABucketOfTheRecordedWaits() {
    WaitHistogram h = new WaitHistogram();
    for (int i = 0; i < 90; i++) {
      h.record(1 * MS);
    }
    for (int i = 0; i < 10; i++) {
      h.record(100 * MS);
    }
    assertEquals(100, h.count());
    assertNear(1 * MS, h.percentile(0.5));
    assertNear(1 * MS, h.percentile(0.85));
    assertNear(100 * MS, h.percentile(0.91));
    assertEquals(Duration.ofMillis(100), h.percentile(1.0), "capped at the exact maximum");
    assertEquals(Duration.ofMillis(100), h.max());
    assertEquals(Duration.ofNanos((90 * MS + 1000 * MS) / 100), h.mean());
  }

  @Test
  void aPercentileWhoseRankEndsABucketIsThatBucket() {
    WaitHistogram h = new WaitHistogram();
    h.record(1 * MS);
    h.record(100 * MS);
    assertNear(1 * MS, h.percentile(0.5)); // rank 1 of 2: the first wait, not the second
    assertNear(100 * MS, h.percentile(0.51));
  }

  @Test
  void anEmptyHistogramReportsZero() {
    WaitHistogram h = new WaitHistogram();
    assertEquals(0, h.count());
    assertEquals(Duration.ZERO, h.mean());
    assertEquals(Duration.ZERO, h.max());
    assertEquals(Duration.ZERO, h.percentile(0.99));
  }

  @Test
  void noWaitsCountAsWaitsOfOneNanosecond() {
    WaitHistogram h = new WaitHistogram();
    h.recordNoWait();
    h.recordNoWait();
    h.recordNoWait();
    h.record(10 * MS);
    h.record(0); // a zero wait recorded the slow way is one nanosecond too
    assertEquals(5, h.count());
    assertEquals(Duration.ofNanos(1), h.percentile(0.7));
    assertNear(10 * MS, h.percentile(0.81));
    assertEquals(Duration.ofMillis(10), h.max());
    assertEquals(Duration.ofNanos((4 + 10 * MS) / 5), h.mean());
  }

  @Test
  void noWaitsCountedElsewhereAreReadAsWaitsOfOneNanosecondToo() {
    java.util.concurrent.atomic.AtomicLong elsewhere = new java.util.concurrent.atomic.AtomicLong();
    WaitHistogram h = new WaitHistogram(elsewhere::get);
    elsewhere.set(2);
    h.recordNoWait();
    h.record(10 * MS);
    h.record(0);
    assertEquals(5, h.count(), "2 elsewhere, 1 recorded, 2 waits");
    assertEquals(Duration.ofNanos(1), h.percentile(0.7));
    assertNear(10 * MS, h.percentile(0.81));
    assertEquals(Duration.ofNanos((4 + 10 * MS) / 5), h.mean());
    WaitHistogram total = new WaitHistogram();
    h.addTo(total);
    assertEquals(5, total.count());
    assertEquals(Duration.ofNanos(1), total.percentile(0.7));
  }

  @Test
  void onlyNoWaitsHaveAMaximumOfOneNanosecond() {
    WaitHistogram h = new WaitHistogram();
    h.recordNoWait();
    assertEquals(Duration.ofNanos(1), h.max());
    assertEquals(Duration.ofNanos(1), h.percentile(0.99));
    assertEquals(Duration.ofNanos(1), h.mean());
  }

  @Test
  void mergingAddsBucketsCountsSumsAndTheMaximum() {
    WaitHistogram a = new WaitHistogram();
    WaitHistogram b = new WaitHistogram();
    for (int i = 0; i < 50; i++) {
      a.record(2 * MS);
      b.recordNoWait();
    }
    b.record(40 * MS);
    WaitHistogram total = new WaitHistogram();
    a.addTo(total);
    b.addTo(total);
    assertEquals(101, total.count());
    assertEquals(Duration.ofMillis(40), total.max());
    assertEquals(Duration.ofNanos((100 * MS + 50 + 40 * MS) / 101), total.mean());
    assertEquals(Duration.ofNanos(1), total.percentile(0.49), "b's no-waits came along");
    assertNear(2 * MS, total.percentile(0.5));
    assertNear(2 * MS, total.percentile(0.99));
    assertNear(40 * MS, total.percentile(1.0));
    assertEquals(51, b.count(), "the source is unchanged");
    assertEquals(50, a.count());
  }

  @Test
  void noWaitsRecordedConcurrentlyAreAllCounted() throws Exception {
    WaitHistogram h = new WaitHistogram();
    int threads = 4;
    int each = 20_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      Future<?>[] done = new Future<?>[threads];
      for (int t = 0; t < threads; t++) {
        done[t] =
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < each; i++) {
                    h.recordNoWait();
                  }
                  return null;
                });
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(8, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals((long) threads * each, h.count(), "no count lost to a lost compare-and-set");
  }

  private static void assertNear(long expectedNanos, Duration got) {
    long n = got.toNanos();
    assertTrue(
        n >= expectedNanos && n <= expectedNanos + expectedNanos / 8,
        "expected within 12.5 % above " + expectedNanos + " ns, got " + n + " ns");
  }
}
