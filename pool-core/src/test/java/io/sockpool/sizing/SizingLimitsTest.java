package io.sockpool.sizing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The sizing model at its limits (exactly {@value Checks#MAX_CONNECTIONS} connections, no
 * connection at all, a buffer given as a percentage of exactly 100), the tail of the wait with a
 * hold time other than one second, and what the requests, recommendations and estimates say about
 * themselves.
 */
@Timeout(30)
class SizingLimitsTest {
  private static final int MAX = Checks.MAX_CONNECTIONS;

  private static String message(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void erlangBTakesZeroConnectionsAndExactlyTheLargestSize() {
    assertEquals(1.0, ErlangC.erlangB(5.0, 0), "no connection: every arrival is blocked");
    double atMax = ErlangC.erlangB(5.0, MAX);
    assertTrue(atMax >= 0 && atMax < 1e-9, "ten million connections for 5 Erlangs: " + atMax);
    assertTrue(message(() -> ErlangC.erlangB(5.0, MAX + 1)).contains("0.." + MAX));
    assertTrue(message(() -> ErlangC.erlangB(5.0, -1)).contains("but was -1"));
  }

  @Test
  void evaluateTakesExactlyTheLargestSizeAndNotOneMore() {
    QueueEstimate q = ErlangC.evaluate(1000, Duration.ofMillis(5), MAX);
    assertEquals(MAX, q.connections());
    assertTrue(q.stable());
    assertTrue(
        message(() -> ErlangC.evaluate(1000, Duration.ofMillis(5), MAX + 1))
            .contains("connections must be <= " + MAX + ", but was " + (MAX + 1)));
  }

  @Test
  void anOfferedLoadOfExactlyTheLargestSizeIsRejectedBeforeAnySearch() {
    String m = message(() -> ErlangC.smallestSize(MAX, Duration.ofSeconds(1), 0.01));
    assertTrue(m.startsWith("offered load (rate x latency) must be below " + MAX), m);
    String built =
        message(
            () ->
                SizingRequest.builder().ratePerSecond(MAX).latency(Duration.ofSeconds(1)).build());
    assertTrue(built.contains("must be below " + MAX + " connections"), built);
  }

  @Test
  void aBufferOfExactly100IsTakenForAPercentage() {
    String m = message(() -> SizingRequest.builder().bufferFraction(100));
    assertTrue(m.endsWith("(a percentage? 100.0 % is 1.0)"), m);
    String beyond = message(() -> SizingRequest.builder().bufferFraction(100.5));
    assertFalse(beyond.contains("a percentage?"), beyond);
  }

  @Test
  void theTailOfTheWaitScalesWithTheWaitOverTheHoldTime() {
    QueueEstimate q = ErlangC.evaluate(1000, Duration.ofMillis(5), 8); // 5 Erlangs on 8
    double expected = q.waitProbability() * Math.exp(-(8 - 5.0) * 2); // 10 ms over 5 ms
    assertEquals(expected, q.probabilityOfWaitingLongerThan(Duration.ofMillis(10)), 1e-12);
    assertEquals(Duration.ofMillis(5), q.holdTime());
    String s = q.toString();
    assertTrue(s.contains("holdTime=PT0.005S"), s);
    assertTrue(s.endsWith(", meanWaitMillis=" + q.meanWaitMillis() + "}"), s);
  }

  @Test
  void aRequestReportsWhatItWasGiven() {
    SizingRequest r =
        SizingRequest.builder()
            .ratePerSecond(250)
            .latency(Duration.ofMillis(4))
            .bufferFraction(0.5)
            .cap(100, 4)
            .build();
    assertEquals(250, r.ratePerSecond(), 0);
    assertEquals(0.5, r.bufferFraction(), 0);
    assertEquals(ConnectionCap.of(100, 4), r.cap().orElseThrow());
    assertTrue(r.toString().endsWith(", cap=" + ConnectionCap.of(100, 4) + "}"), r.toString());
    assertTrue(
        SizingRequest.builder()
            .ratePerSecond(250)
            .latency(Duration.ofMillis(4))
            .build()
            .toString()
            .endsWith(", cap=none}"));
    SizingRequest capped =
        SizingRequest.builder()
            .cap(ConnectionCap.of(100, 4))
            .ratePerSecond(250)
            .latency(Duration.ofMillis(4))
            .build();
    assertEquals(ConnectionCap.of(100, 4), capped.cap().orElseThrow());
  }

  @Test
  void aCapSaysItsPartsAndCapsThatDifferHashDifferently() {
    assertEquals(
        "ConnectionCap{serverMaxConnections=100, instances=4, perInstanceMax=25}",
        ConnectionCap.of(100, 4).toString());
    assertEquals(ConnectionCap.of(100, 4).hashCode(), ConnectionCap.of(100, 4).hashCode());
    assertNotEquals(ConnectionCap.of(100, 4).hashCode(), ConnectionCap.of(200, 4).hashCode());
    assertNotEquals(ConnectionCap.of(100, 4).hashCode(), ConnectionCap.of(100, 5).hashCode());
  }

  @Test
  void aRecommendationShowsItsQueueEstimateAndCapOnlyWhenItHasThem() {
    SizingRequest queued =
        SizingRequest.builder()
            .ratePerSecond(1000)
            .latency(Duration.ofMillis(5))
            .targetWaitProbability(0.01)
            .cap(100, 4)
            .build();
    SizingRecommendation withBoth = PoolSizing.recommend(queued);
    assertEquals(queued, withBoth.request());
    String s = withBoth.toString();
    assertTrue(s.contains(", waitProbability="), s);
    assertTrue(s.contains(", perInstanceMax=25, exceedsCap=false"), s);

    String plain = PoolSizing.recommend(1000, Duration.ofMillis(5), 0.2).toString();
    assertFalse(plain.contains("waitProbability="), plain);
    assertFalse(plain.contains("perInstanceMax="), plain);
  }
}
