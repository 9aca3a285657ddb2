package io.sockpool.internal.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The latency estimate's snapshot: reads within 1 % of the peak's decay time (250 us) share the
 * last computed value, at most 1 % high; an observation replaces it at once; an older one is
 * computed again and kept. Times are a test clock's: no sleep.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PeakEwmaTest {
  private static final long MS = 1_000_000L;
  private static final long US = 1_000L;
  private static final long T = 1_000_000 * MS;

  private static PeakEwma withPeak() {
    PeakEwma e = new PeakEwma(GroupState.DECAY_NANOS, T);
    e.observe(MS, T);
    e.observe(50 * MS, T); // the peak: 50 ms, decaying with 25 ms
    return e;
  }

  @Test
  void aReadWithinTheSnapshotsAgeReturnsItAtMostOnePercentHigh() {
    PeakEwma e = withPeak();
    double exact = e.decayed(T + 240 * US);
    double read = e.estimate(T + 240 * US);
    assertEquals(50 * MS, read, 50 * MS * 1e-6, "the snapshot the observation wrote");
    assertTrue(read >= exact && read <= exact * 1.01, read + " against the exact " + exact);
  }

  @Test
  void anObservationReplacesTheSnapshotAtOnce() {
    PeakEwma e = new PeakEwma(GroupState.DECAY_NANOS, T);
    e.observe(MS, T);
    assertEquals(MS, e.estimate(T + 10 * US), MS * 1e-6);
    e.observe(50 * MS, T + 20 * US);
    assertEquals(50 * MS, e.estimate(T + 30 * US), 50 * MS * 1e-6, "the new peak, at once");
  }

  @Test
  void anOlderSnapshotIsComputedAgainAndKeptForTheNextReads() {
    PeakEwma e = withPeak();
    long later = T + 100 * MS;
    double computed = e.estimate(later);
    assertEquals(e.decayed(later), computed, computed * 1e-6, "decayed through exp");
    assertTrue(computed < 50 * MS / 50.0, "four decay times later: " + computed);
    double next = e.estimate(later + 200 * US);
    assertEquals(computed, next, computed * 1e-6, "the kept snapshot");
    assertTrue(next <= e.decayed(later + 200 * US) * 1.01, "within 1 %: " + next);
    double afterIt = e.estimate(later + 300 * US);
    assertEquals(e.decayed(later + 300 * US), afterIt, afterIt * 1e-6, "computed again");
  }

  @Test
  void aSnapshotWrittenWithAnotherThreadsLaterClockIsReadAsItIs() {
    PeakEwma e = new PeakEwma(GroupState.DECAY_NANOS, T);
    e.observe(2 * MS, T + 100 * US); // a thread whose clock read came later
    assertEquals(2 * MS, e.estimate(T + 50 * US), 2 * MS * 1e-6);
  }

  @Test
  void beforeAnyObservationTheEstimateIsZeroAndACallInFlightCostsThePenalty() {
    PeakEwma e = new PeakEwma(GroupState.DECAY_NANOS, T);
    assertEquals(0, e.estimate(T + 10 * US), 0);
    assertEquals(0, e.estimate(T + 10 * MS), 0);
    assertEquals(PeakEwma.PENALTY, e.cost(T + 10 * MS, 1), 0);
  }
}
