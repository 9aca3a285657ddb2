package io.sockpool.bench.preconnect;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/** Times by arrival time (waits, lateness), for the p99 of windows after the run; and failures. */
final class WaitRecorder {
  private final ConcurrentLinkedQueue<long[]> samples = new ConcurrentLinkedQueue<>();
  private final AtomicLong failures = new AtomicLong();

  void record(long arrival, long waitNanos) {
    samples.add(new long[] {arrival, waitNanos});
  }

  void failed() {
    failures.incrementAndGet();
  }

  long failures() {
    return failures.get();
  }

  double p99Ms(long from, long to) {
    Histogram h = new Histogram(3);
    for (long[] s : samples) {
      if (s[0] - from >= 0 && s[0] - to < 0) {
        h.recordValue(Math.max(0, s[1]));
      }
    }
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(99) / 1e6;
  }
}
