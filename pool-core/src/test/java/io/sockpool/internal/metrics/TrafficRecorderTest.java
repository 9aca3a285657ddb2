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

  /** An endpoint's state as the pool passes it: the current bucket counted in its own fields. */
  private static final class State extends Metered {
    private final Endpoint endpoint;

    State(Endpoint endpoint) {
      this.endpoint = endpoint;
    }

    @Override
    public Endpoint endpoint() {
      return endpoint;
    }
  }

  @Test
  void countsTheCurrentBucketInTheStateAndFoldsItIntoTheRingWhenItEnds() {
    State st = new State(a);
    java.util.List<long[]> events = new java.util.ArrayList<>(); // {time, kind, held}
    java.util.SplittableRandom random = new java.util.SplittableRandom(42);
    long start = clock.get();
    for (int i = 0; i < 400; i++) {
      clock.addAndGet(random.nextLong(SECOND / 3)); // several records per bucket, some gaps
      long now = clock.get();
      int kind = random.nextInt(3);
      long held = random.nextLong(1_000_000);
      if (kind == 2) {
        recorder.returned(st, now, held);
      } else {
        recorder.checkedOut(st, now, kind == 1);
      }
      events.add(new long[] {now, kind, held});
      if (i % 7 == 0) {
        clock.addAndGet(random.nextLong(3 * SECOND)); // sample after a quiet spell, too
        assertSampleMatches(events, start, recorder.sample(a));
      }
    }
    clock.addAndGet(4 * SECOND); // no record since: the current bucket is folded by the sample
    assertSampleMatches(events, start, recorder.sample(a));
    clock.addAndGet(30 * SECOND);
    assertEquals(0, recorder.sample(a).checkouts(), "everything fell out of the window");
  }

  /** The oracle: every event whose one-second bucket is among the window's last ten. */
  private void assertSampleMatches(java.util.List<long[]> events, long start, TrafficSample s) {
    long turn = Math.floorDiv(clock.get(), SECOND);
    long checkouts = 0;
    long waited = 0;
    long returns = 0;
    long held = 0;
    for (long[] e : events) {
      if (Math.floorDiv(e[0], SECOND) > turn - 10) {
        if (e[1] == 2) {
          returns++;
          held += e[2];
        } else {
          checkouts++;
          waited += e[1];
        }
      }
    }
    String at = "at " + (clock.get() - start) + " ns after the first record";
    assertEquals(checkouts, s.checkouts(), "checkouts " + at);
    assertEquals(waited, s.waited(), "waited " + at);
    assertEquals(returns, s.returns(), "returns " + at);
    assertEquals(Duration.ofNanos(held), s.held(), "held " + at);
  }

  @Test
  void aStateThatTakesOverAnEndpointKeepsWhatTheOldOneCounted() {
    State old = new State(a);
    recorder.checkedOut(old, clock.get(), true);
    recorder.checkedOut(old, clock.get(), false);
    State renewed = new State(a); // the endpoint forgotten and seen again within the window
    recorder.checkedOut(renewed, clock.get(), false);
    TrafficSample s = recorder.sample(a);
    assertEquals(3, s.checkouts());
    assertEquals(1, s.waited());
  }

  @Test
  void losesNoCountWhenBucketsEndWhileThreadsRecord() throws InterruptedException {
    State st = new State(a);
    int threads = 4;
    int each = 20_000;
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicInteger done =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.List<Thread> started = new java.util.ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread th =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < each; i++) {
                  recorder.checkedOut(st, clock.get(), false);
                  recorder.returned(st, clock.get(), 1);
                }
                done.incrementAndGet();
              });
      th.start();
      started.add(th);
    }
    go.countDown();
    while (done.get() < threads) { // a bucket ends every 2,000 ticks, within the 10 s window
      if (clock.get() < 1000 * SECOND + 9 * SECOND) {
        clock.addAndGet(SECOND / 2000);
      }
      Thread.onSpinWait();
    }
    for (Thread th : started) {
      th.join();
    }
    TrafficSample s = recorder.sample(a);
    assertEquals((long) threads * each, s.checkouts());
    assertEquals((long) threads * each, s.returns());
    assertEquals(Duration.ofNanos((long) threads * each), s.held());
  }
}
