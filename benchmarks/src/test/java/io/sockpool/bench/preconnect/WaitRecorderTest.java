package io.sockpool.bench.preconnect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The step measurement's p99 per window of arrival times, and the three-window split. */
class WaitRecorderTest {

  @Test
  void theP99OfAWindowCountsOnlyTheArrivalsInsideIt() {
    WaitRecorder r = new WaitRecorder();
    for (int i = 0; i < 100; i++) {
      r.record(1_000 + i, 1_000_000L); // 1 ms each, inside [1000, 1100)
    }
    r.record(1_100, 50_000_000L); // 50 ms, at the window's end: outside it
    assertEquals(1.0, r.p99Ms(1_000, 1_100), 0.01);
    assertEquals(50.0, r.p99Ms(1_100, 1_200), 0.1);
    assertTrue(Double.isNaN(r.p99Ms(2_000, 3_000)), "no arrival: no p99");
  }

  @Test
  void theSplitTakesTheSecondBeforeTheStepTheSecondAfterItAndTheLastSecond() {
    long sec = 1_000_000_000L;
    long step = 5 * sec;
    long end = step + 3 * sec;
    WaitRecorder r = new WaitRecorder();
    r.record(step - sec / 2, 1_000_000L);
    r.record(step + sec / 2, 2_000_000L);
    r.record(step + 3 * sec / 2, 99_000_000L); // the middle of the high phase: in no window
    r.record(end - sec / 2, 3_000_000L);
    PreconnectStep.Split s = PreconnectStep.Split.of(r, step, end);
    assertEquals(1.0, s.steadyMs(), 0.01);
    assertEquals(2.0, s.stepMs(), 0.01);
    assertEquals(3.0, s.lastMs(), 0.01);
    assertEquals("1.00 / 2.00 / 3.00", s.show());
  }
}
