package io.sockpool.bench.preconnect;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/** Times by arrival time (waits, lateness), for the p99 of windows after the run; and failures. */
final class WaitRecorder {
  private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
  private final AtomicLong failures = new AtomicLong();

  /** One time, by the arrival it belongs to ({@link System#nanoTime()}). */
  private record Sample(long arrival, long nanos) {}

  void record(long arrival, long nanos) {
    samples.add(new Sample(arrival, nanos));
  }

  void failed() {
    failures.incrementAndGet();
  }

  long failures() {
    return failures.get();
  }

  double p99Ms(long from, long to) {
    Histogram h = new Histogram(3);
    for (Sample s : samples) {
      if (s.arrival() - from >= 0 && s.arrival() - to < 0) {
        h.recordValue(Math.max(0, s.nanos()));
      }
    }
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(99) / 1e6;
  }
}
