package io.sockpool.internal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.Endpoint;
import io.sockpool.sizing.TrafficSample;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The sliding window on a fake clock: no sleeps. */
@Timeout(10)
class TrafficRecorderTest {
  private static final long SECOND = 1_000_000_000L;
  private final AtomicLong clock = new AtomicLong(1000 * SECOND);
  private final TrafficRecorder recorder =
      new TrafficRecorder(Duration.ofSeconds(10), 10, clock::get);
  private final Endpoint a = Endpoint.of("a", 1);
  private final Endpoint b = Endpoint.of("b", 2);

  @Test
  void countsCheckoutsWaitsAndHoldTimesPerEndpoint() {
    recorder.checkedOut(a, 5, false);
    recorder.checkedOut(a, 5, true);
    recorder.returned(a, 2_000_000);
    recorder.returned(a, 4_000_000);
    recorder.checkedOut(b, 5, false);
    clock.addAndGet(2 * SECOND);

    TrafficSample s = recorder.sample(a);
    assertEquals(2, s.checkouts());
    assertEquals(1, s.waited());
    assertEquals(2, s.returns());
    assertEquals(Duration.ofMillis(3), s.meanHold().orElseThrow());
    assertEquals(Duration.ofSeconds(2), s.span(), "span since the endpoint was first seen");
    assertEquals(1.0, s.ratePerSecond(), 1e-9);
    assertEquals(0.5, s.waitedShare().getAsDouble(), 1e-9);
    assertEquals(1, recorder.sample(b).checkouts());
  }

  @Test
  void forgetsWhatFellOutOfTheWindow() {
    recorder.checkedOut(a, 5, true); // second 0
    clock.addAndGet(5 * SECOND);
    recorder.checkedOut(a, 5, false); // second 5
    clock.addAndGet(SECOND * 9 / 2); // 9.5 s: both inside
    assertEquals(2, recorder.sample(a).checkouts());

    clock.addAndGet(SECOND); // 10.5 s: the first bucket left the window
    TrafficSample s = recorder.sample(a);
    assertEquals(1, s.checkouts());
    assertEquals(0, s.waited());
    assertEquals(
        Duration.ofMillis(9500),
        s.span(),
        "once the endpoint is older than the window: nine whole buckets and the current half");
  }

  @Test
  void reusesABucketOnTheNextTurnWithoutItsOldCounts() {
    recorder.checkedOut(a, 5, true);
    clock.addAndGet(10 * SECOND); // same ring slot, one turn later
    recorder.checkedOut(a, 5, false);
    TrafficSample s = recorder.sample(a);
    assertEquals(1, s.checkouts());
    assertEquals(0, s.waited());
  }

  @Test
  void emptiesAfterAWindowWithoutTraffic() {
    recorder.checkedOut(a, 5, false);
    recorder.returned(a, 10);
    clock.addAndGet(30 * SECOND);
    TrafficSample s = recorder.sample(a);
    assertEquals(0, s.checkouts());
    assertTrue(s.meanHold().isEmpty());
    assertTrue(s.waitedShare().isEmpty());
    assertEquals(0.0, s.ratePerSecond());
  }

  @Test
  void forgetsARemovedEndpoint() {
    recorder.checkedOut(a, 5, false);
    recorder.endpointRemoved(a);
    assertEquals(TrafficSample.EMPTY, recorder.sample(a));
  }

  @Test
  void rejectsAWindowShorterThanItsBuckets() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new TrafficRecorder(Duration.ofNanos(5), 10, clock::get));
    assertEquals(
        "window must be at least 10 ns (one per bucket), but was PT0.000000005S", e.getMessage());
    assertEquals(
        "buckets must be >= 1, but was 0",
        assertThrows(
                IllegalArgumentException.class,
                () -> new TrafficRecorder(Duration.ofSeconds(1), 0, clock::get))
            .getMessage());
  }
}
