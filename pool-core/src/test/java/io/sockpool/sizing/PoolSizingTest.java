package io.sockpool.sizing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(10)
class PoolSizingTest {

  @Test
  void textbookExampleGivesTwelveConnectionsFromTenPlusTwo() {
    SizingRecommendation r = PoolSizing.recommend(1000, Duration.ofMillis(10), 0.20);

    assertEquals(12, r.connections());
    assertEquals(10.0, r.baseConcurrency(), 0.0);
    assertEquals(2.0, r.buffer(), 0.0);
    assertEquals(12.0, r.designLoad(), 0.0);
    assertEquals(12, r.ruleOfThumbConnections());
    assertEquals(SizingRecommendation.Model.RULE_OF_THUMB, r.model());
    assertTrue(r.queueEstimate().isEmpty());
    assertTrue(r.cap().isEmpty());
    assertFalse(r.exceedsCap());
    assertTrue(r.warning().isEmpty());
  }

  // The products are computed exactly: where the decimal product is a whole number, naive
  // doubles can land just above it (300 * 0.07 = 21.000000000000004, 3000 * 0.03 * 1.1 =
  // 99.00000000000001, 1500 * 0.07 * 1.2 = 126.00000000000001) and ceil() would then give one
  // connection too many.
  @ParameterizedTest(name = "{0}/s x {1} ms x (1 + {2}) -> {3}")
  @CsvSource({
    "1000, 10, 0.2, 12",
    "300, 40, 0.25, 15",
    "100, 30, 0.1, 4", // 3.3
    "700, 3, 0, 3", // 2.1
    "10, 100, 0.1, 2", // 1.1
    "3, 1000, 0.1, 4", // 3.3
    "110, 100, 0, 11",
    "0.3, 10000, 0, 3",
    "50000, 2, 0.3, 130",
    "300, 70, 0, 21",
    "3000, 30, 0.1, 99",
    "1500, 70, 0.2, 126",
    "600, 70, 0.5, 63",
  })
  void ruleOfThumbRoundsTheExactProductUp(double rate, long millis, double buffer, int expected) {
    assertEquals(
        expected, PoolSizing.recommend(rate, Duration.ofMillis(millis), buffer).connections());
  }

  @Test
  void partsAreReportedUnroundedAndTheTotalRoundedUp() {
    SizingRecommendation r = PoolSizing.recommend(1050, Duration.ofMillis(10), 0.20);

    assertEquals(10.5, r.baseConcurrency(), 1e-12);
    assertEquals(2.1, r.buffer(), 1e-12);
    assertEquals(12.6, r.designLoad(), 1e-12);
    assertEquals(13, r.connections());
  }

  @Test
  void zeroBufferGivesTheBaseConcurrencyRoundedUp() {
    SizingRecommendation r = PoolSizing.recommend(1000, Duration.ofMillis(10), 0);

    assertEquals(10, r.connections());
    assertEquals(0.0, r.buffer(), 0.0);
  }

  @Test
  void bufferDefaultsToZero() {
    SizingRequest request =
        SizingRequest.builder().ratePerSecond(250).latency(Duration.ofMillis(20)).build();

    assertEquals(0.0, request.bufferFraction(), 0.0);
    assertEquals(5, PoolSizing.recommend(request).connections());
  }

  @Test
  void aTinyLoadStillNeedsOneConnection() {
    assertEquals(1, PoolSizing.recommend(0.001, Duration.ofNanos(1), 0).connections());
    assertEquals(1, PoolSizing.recommend(Double.MIN_VALUE, Duration.ofNanos(1), 0).connections());
  }

  @Test
  void subMillisecondLatenciesAreExact() {
    // 40,000/s x 250 us = 10; x 1.5 = 15
    assertEquals(15, PoolSizing.recommend(40_000, Duration.ofNanos(250_000), 0.5).connections());
  }

  @Test
  void aBufferOfOneHundredPercentIsTheLargestAllowed() {
    assertEquals(20, PoolSizing.recommend(1000, Duration.ofMillis(10), 1.0).connections());
  }

  @Test
  void aPercentageGivenAsTheBufferIsRejectedSayingFractionAndTheRange() {
    // recommend(1000, 10ms, 20) used to return 210: a 2,000 % buffer
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PoolSizing.recommend(1000, Duration.ofMillis(10), 20));
    assertEquals(
        "bufferFraction must be a fraction from 0.0 to 1.0 (0.2 means 20 % headroom), but was 20.0"
            + " (a percentage? 20.0 % is 0.2)",
        e.getMessage());
  }

  @Test
  void negativeZeroBufferIsZero() {
    SizingRequest r =
        SizingRequest.builder()
            .ratePerSecond(1)
            .latency(Duration.ofSeconds(1))
            .bufferFraction(-0.0)
            .build();

    assertEquals("0.0", Double.toString(r.bufferFraction()));
  }

  @ParameterizedTest(name = "rate {0}")
  @CsvSource({"0", "-1", "-0.0", "NaN", "Infinity", "-Infinity"})
  void invalidRateIsRejectedNamingTheFieldTheValueAndWhatIsAllowed(double rate) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PoolSizing.recommend(rate, Duration.ofMillis(10), 0.2));

    assertEquals(
        "ratePerSecond must be a finite number > 0 (requests per second), but was " + rate,
        e.getMessage());
  }

  @Test
  void zeroNegativeOrMissingLatencyIsRejected() {
    for (Duration d : new Duration[] {Duration.ZERO, Duration.ofMillis(-10), null}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> PoolSizing.recommend(1000, d, 0.2));
      assertEquals(
          "latency must be a Duration > 0 (the time a connection is held per request),"
              + " but was "
              + d,
          e.getMessage());
    }
  }

  @ParameterizedTest(name = "buffer {0}")
  @CsvSource({"-0.01", "-1", "NaN", "Infinity", "-Infinity", "1.0000001", "101"})
  void invalidBufferIsRejected(double buffer) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PoolSizing.recommend(1000, Duration.ofMillis(10), buffer));

    assertTrue(
        e.getMessage()
            .startsWith(
                "bufferFraction must be a fraction from 0.0 to 1.0 (0.2 means 20 % headroom),"
                    + " but was "
                    + buffer),
        e.getMessage());
  }

  @ParameterizedTest(name = "target {0}")
  @CsvSource({"0", "1", "-0.5", "1.5", "NaN", "Infinity"})
  void invalidTargetWaitProbabilityIsRejected(double target) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SizingRequest.builder().targetWaitProbability(target));

    assertEquals(
        "targetWaitProbability must be > 0 and < 1 (0.01 means at most 1 % of checkouts"
            + " wait), but was "
            + target,
        e.getMessage());
  }

  @Test
  void missingRateOrLatencyIsRejectedAtBuild() {
    IllegalArgumentException noRate =
        assertThrows(
            IllegalArgumentException.class,
            () -> SizingRequest.builder().latency(Duration.ofMillis(1)).build());
    IllegalArgumentException noLatency =
        assertThrows(
            IllegalArgumentException.class, () -> SizingRequest.builder().ratePerSecond(5).build());

    assertTrue(noRate.getMessage().startsWith("ratePerSecond is required"), noRate.getMessage());
    assertTrue(noLatency.getMessage().startsWith("latency is required"), noLatency.getMessage());
  }

  @Test
  void aLoadBeyondAnyPoolIsRejectedWithTheNumbers() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PoolSizing.recommend(1e9, Duration.ofSeconds(20), 0.5));

    assertEquals(
        "ratePerSecond x latency x (1 + bufferFraction) must be below 10000000"
            + " connections, but was 30000000000 (ratePerSecond 1.0E9, latency PT20S,"
            + " bufferFraction 0.5)",
        e.getMessage());
  }

  @Test
  void theLargestValuesStillGiveAClearMessage() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PoolSizing.recommend(Double.MAX_VALUE, Duration.ofSeconds(Long.MAX_VALUE), 0));

    assertTrue(
        e.getMessage().contains("must be below 10000000 connections, but was 1.65808E+327"),
        e.getMessage());
  }

  @Test
  void nullRequestIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> PoolSizing.recommend(null));
  }

  @Test
  void targetSwitchesToTheQueueingModelAtTheBufferedRate() {
    SizingRecommendation r =
        PoolSizing.recommend(
            SizingRequest.builder()
                .ratePerSecond(1000)
                .latency(Duration.ofMillis(10))
                .bufferFraction(0.20)
                .targetWaitProbability(0.01)
                .build());

    // Sized for 1200/s x 10 ms = 12 Erlangs: C(21, 12) = 0.01289 > 1 %, C(22, 12) = 0.006635
    // (checked against the factorial formula in ErlangCTest).
    assertEquals(SizingRecommendation.Model.ERLANG_C, r.model());
    assertEquals(22, r.connections());
    assertEquals(12, r.ruleOfThumbConnections());
    assertEquals(10.0, r.baseConcurrency(), 0.0);
    assertEquals(2.0, r.buffer(), 0.0);
    QueueEstimate q = r.queueEstimate().orElseThrow();
    assertEquals(22, q.connections());
    assertEquals(12.0, q.offeredLoad(), 1e-12);
    assertEquals(1200.0, q.ratePerSecond(), 1e-9);
    assertEquals(0.006635299373622228, q.waitProbability(), 1e-12);
    QueueEstimate nominal = r.queueEstimateAtNominalRate().orElseThrow();
    assertEquals(10.0, nominal.offeredLoad(), 0.0);
    assertTrue(nominal.waitProbability() < q.waitProbability());
  }

  @Test
  void withoutBufferTheQueueingModelGivesTheSmallestSizeMeetingTheTarget() {
    SizingRecommendation r =
        PoolSizing.recommend(
            SizingRequest.builder()
                .ratePerSecond(1000)
                .latency(Duration.ofMillis(5))
                .targetWaitProbability(0.01)
                .build());

    assertEquals(
        ErlangC.smallestSize(1000, Duration.ofMillis(5), 0.01).connections(), r.connections());
    assertEquals(12, r.connections());
  }

  @Test
  void capWithinLimitGivesNoWarning() {
    SizingRecommendation r =
        PoolSizing.recommend(
            SizingRequest.builder()
                .ratePerSecond(1000)
                .latency(Duration.ofMillis(10))
                .bufferFraction(0.2)
                .cap(10_000, 40)
                .build());

    assertEquals(250, r.cap().orElseThrow().perInstanceMax());
    assertFalse(r.exceedsCap());
    assertTrue(r.warning().isEmpty());
  }

  @Test
  void recommendationAboveTheCapIsKeptAndWarnedAbout() {
    // 30,000/s x 10 ms x 1.2 = 360 > 10000 / 40 = 250
    SizingRecommendation r =
        PoolSizing.recommend(
            SizingRequest.builder()
                .ratePerSecond(30_000)
                .latency(Duration.ofMillis(10))
                .bufferFraction(0.2)
                .cap(10_000, 40)
                .build());

    assertEquals(360, r.connections());
    assertTrue(r.exceedsCap());
    assertEquals(
        "the recommended 360 connections per instance exceed the per-instance maximum"
            + " of 250 (serverMaxConnections 10000 / instances 40): at 40 instances x 360 connections"
            + " the server would refuse connections; raise the server's limit, run fewer instances"
            + " or shorten the time a connection is held",
        r.warning().orElseThrow());
  }

  @Test
  void recommendationEqualToTheCapIsWithinIt() {
    SizingRecommendation r =
        PoolSizing.recommend(
            SizingRequest.builder()
                .ratePerSecond(25_000)
                .latency(Duration.ofMillis(10))
                .cap(10_000, 40)
                .build());

    assertEquals(250, r.connections());
    assertFalse(r.exceedsCap());
  }

  @Test
  void toStringShowsTheNumbers() {
    String s =
        PoolSizing.recommend(
                SizingRequest.builder()
                    .ratePerSecond(1000)
                    .latency(Duration.ofMillis(10))
                    .bufferFraction(0.2)
                    .targetWaitProbability(0.01)
                    .cap(10_000, 40)
                    .build())
            .toString();

    assertTrue(s.contains("connections=22"), s);
    assertTrue(s.contains("baseConcurrency=10.0"), s);
    assertTrue(s.contains("perInstanceMax=250"), s);
    assertTrue(s.contains("targetWaitProbability=0.01"), s);
  }
}
