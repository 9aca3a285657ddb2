package io.sockpool.sizing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.Endpoint;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The live sizing computation from a measured sample (the measuring is in TrafficRecorderTest). */
@Timeout(10)
class LiveSizingTest {
  private static final Endpoint E = Endpoint.of("redis", 6379);

  /** 10 s at 1000/s, each held 5 ms: offered load 5, 10 % of checkouts waited. */
  private static TrafficSample fiveErlangs() {
    return new TrafficSample(Duration.ofSeconds(10), 10_000, 1_000, 10_000, Duration.ofSeconds(50));
  }

  @Test
  void predictsTheWaitAtTheCurrentSizeWithErlangC() {
    LiveSizing s = LiveSizing.of(E, fiveErlangs(), 8, 64, 0.01);
    assertEquals(1000.0, s.ratePerSecond(), 1e-9);
    assertEquals(Duration.ofMillis(5), s.meanHold().orElseThrow());
    assertEquals(0.10, s.measuredWaitProbability().getAsDouble(), 1e-12);
    assertEquals(ErlangC.erlangC(5.0, 8), s.predictedWaitProbability().getAsDouble(), 1e-12);
    assertEquals(8, s.currentSize());
  }

  @Test
  void recommendsTheSmallestSizeMeetingTheTarget() {
    LiveSizing s = LiveSizing.of(E, fiveErlangs(), 16, 64, 0.01);
    assertEquals(
        12, s.recommendedConnections().getAsInt(), "docs/sizing.md: 5 Erlangs need 12 for 1 %");
    assertEquals(12, s.neededConnections().getAsInt());
    assertFalse(s.capBinds());
    assertTrue(s.warning().isEmpty());
    assertEquals(
        10, LiveSizing.of(E, fiveErlangs(), 16, 64, 0.05).recommendedConnections().getAsInt());
  }

  @Test
  void capsTheRecommendationAtMaxPerEndpointAndWarns() {
    LiveSizing s = LiveSizing.of(E, fiveErlangs(), 8, 8, 0.01);
    assertEquals(12, s.neededConnections().getAsInt());
    assertEquals(8, s.recommendedConnections().getAsInt());
    assertTrue(s.capBinds());
    assertEquals(
        "redis:6379 needs 12 connections for at most 1.00 % of checkouts waiting"
            + " (1000/s x 5000 us mean hold), but maxPerEndpoint 8 (and maxTotal 8, shared by all"
            + " endpoints) caps it at 8: raise it, or expect about 16.7 % of checkouts to wait",
        s.warning().orElseThrow());
  }

  @Test
  void saysWhenTheCurrentSizeIsUnstable() {
    LiveSizing s = LiveSizing.of(E, fiveErlangs(), 4, 64, 0.01);
    assertFalse(s.atCurrentSize().orElseThrow().stable());
    assertTrue(s.predictedWaitProbability().isEmpty());
    assertTrue(
        s.warning()
            .orElseThrow()
            .endsWith("the queue of waiting checkouts to grow without bound (unstable)"),
        s.warning().orElseThrow());
  }

  @Test
  void hasNoAnswerWithoutTraffic() {
    LiveSizing s = LiveSizing.of(E, TrafficSample.EMPTY, 8, 64, 0.01);
    assertTrue(s.recommendedConnections().isEmpty());
    assertTrue(s.predictedWaitProbability().isEmpty());
    assertTrue(s.measuredWaitProbability().isEmpty());
    assertTrue(s.warning().isEmpty());
    assertFalse(s.capBinds());
  }

  @Test
  void rejectsInvalidArguments() {
    assertEquals(
        "targetWaitProbability must be > 0 and < 1 (0.01 means at most 1 % of checkouts wait),"
            + " but was 1.0",
        assertThrows(
                IllegalArgumentException.class, () -> LiveSizing.of(E, fiveErlangs(), 8, 64, 1.0))
            .getMessage());
    assertEquals(
        "maxTotal must be >= maxPerEndpoint (8), but was 4",
        assertThrows(
                IllegalArgumentException.class, () -> LiveSizing.of(E, fiveErlangs(), 8, 4, 0.01))
            .getMessage());
    assertEquals(
        "waited must be <= checkouts (1), but was 2",
        assertThrows(
                IllegalArgumentException.class,
                () -> new TrafficSample(Duration.ofSeconds(1), 1, 2, 0, Duration.ZERO))
            .getMessage());
  }

  @Test
  void nullArgumentsAreNamed() {
    assertEquals(
        "endpoint must not be null",
        assertThrows(
                IllegalArgumentException.class,
                () -> LiveSizing.of(null, fiveErlangs(), 8, 64, 0.01))
            .getMessage());
    assertEquals(
        "sample must not be null",
        assertThrows(IllegalArgumentException.class, () -> LiveSizing.of(E, null, 8, 64, 0.01))
            .getMessage());
  }

  @Test
  void reportsTheEndpointAndTargetItWasAskedFor() {
    LiveSizing s = LiveSizing.of(E, fiveErlangs(), 8, 64, 0.05);
    assertEquals(E, s.endpoint());
    assertEquals(0.05, s.targetWaitProbability(), 0);
  }

  @Test
  void returnsWithoutCheckoutsInTheWindowGiveNoAnswer() {
    // a hold time measured, but no arrival rate: nothing to model
    TrafficSample returnsOnly = new TrafficSample(Duration.ZERO, 0, 0, 5, Duration.ofMillis(25));
    LiveSizing s = LiveSizing.of(E, returnsOnly, 8, 64, 0.01);
    assertTrue(s.atCurrentSize().isEmpty());
    assertTrue(s.recommendedConnections().isEmpty());
    assertTrue(s.warning().isEmpty());
  }

  @Test
  void aLoadBeyondTheModelIsAWarningNotAnAnswer() {
    // ten million checkouts a second, each held a second: ten million connections busy
    TrafficSample huge =
        new TrafficSample(Duration.ofSeconds(1), 10_000_000, 0, 1, Duration.ofSeconds(1));
    LiveSizing s = LiveSizing.of(E, huge, 8, 64, 0.01);
    assertTrue(s.neededConnections().isEmpty());
    assertFalse(s.capBinds());
    assertEquals(
        "the measured load of 10000000 connections is beyond the model's range",
        s.warning().orElseThrow());
  }

  @Test
  void aSizeEqualToTheNeedIsEnough() {
    LiveSizing s = LiveSizing.of(E, fiveErlangs(), 12, 64, 0.01);
    assertEquals(12, s.neededConnections().getAsInt());
    assertEquals(12, s.recommendedConnections().getAsInt());
    assertFalse(s.capBinds());
    assertTrue(s.warning().isEmpty());
  }

  @Test
  void theWarningNamesMaxTotalOnlyWhenTheNeedIsAboveIt() {
    LiveSizing s = LiveSizing.of(E, fiveErlangs(), 8, 12, 0.01);
    String warning = s.warning().orElseThrow();
    assertTrue(warning.contains("but maxPerEndpoint 8 caps it at 8"), warning);
    assertFalse(warning.contains("maxTotal"), warning);
  }

  @Test
  void toStringShowsTheMeasurementTheAnswerAndTheWarning() {
    LiveSizing capped = LiveSizing.of(E, fiveErlangs(), 8, 8, 0.01);
    assertEquals(
        "LiveSizing{endpoint=redis:6379, span=PT10S, checkouts=10000, ratePerSecond=1000,"
            + " meanHoldMicros=5000, measuredWait=0.100, predictedWait=0.167, currentSize=8,"
            + " target=0.01, recommended=8, needed=12, warning="
            + capped.warning().orElseThrow()
            + "}",
        capped.toString());
    assertEquals(
        "LiveSizing{endpoint=redis:6379, span=PT0S, checkouts=0, ratePerSecond=0.00,"
            + " meanHoldMicros=-, measuredWait=-, predictedWait=-, currentSize=8, target=0.01,"
            + " recommended=-, needed=-}",
        LiveSizing.of(E, TrafficSample.EMPTY, 8, 64, 0.01).toString());
  }
}
