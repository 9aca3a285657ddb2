package io.sockpool.internal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The yardstick for "no answer": a decaying maximum of reply times, with a floor and a margin. */
@Timeout(5)
class RoundTripTest {
  private static long ms(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }

  @Test
  void beforeAnyReplyTheBoundIsTheFloor() {
    RoundTrip rt = new RoundTrip();
    assertEquals(-1, rt.normalNanos());
    assertEquals(RoundTrip.FLOOR_NANOS, rt.noAnswerBoundNanos());
    assertFalse(rt.isNoAnswer(ms(5)));
    assertTrue(rt.isNoAnswer(ms(50)));
  }

  @Test
  void aSlowPeersBoundIsItsRoundTripTimesTheMargin() {
    RoundTrip rt = new RoundTrip();
    rt.sample(ms(20));
    assertEquals(ms(80), rt.noAnswerBoundNanos());
    assertFalse(rt.isNoAnswer(ms(79)), "a caller's 5 ms (or 79 ms) deadline is its own");
    assertTrue(rt.isNoAnswer(ms(80)));
  }

  @Test
  void aFastPeersBoundNeverGoesBelowTheFloor() {
    RoundTrip rt = new RoundTrip();
    rt.sample(TimeUnit.MICROSECONDS.toNanos(50));
    assertEquals(RoundTrip.FLOOR_NANOS, rt.noAnswerBoundNanos());
  }

  @Test
  void aSlowerReplyRaisesTheEstimateAtOnceAndFasterOnesLowerItGradually() {
    RoundTrip rt = new RoundTrip();
    rt.sample(ms(1));
    rt.sample(ms(33));
    assertEquals(ms(33), rt.normalNanos());
    rt.sample(ms(1)); // 33 - 32/16 = 31
    assertEquals(ms(31), rt.normalNanos());
    for (int i = 0; i < 200; i++) {
      rt.sample(ms(1));
    }
    assertTrue(rt.normalNanos() < ms(2), "decays towards the typical reply: " + rt);
  }
}
