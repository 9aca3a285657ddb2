package io.sockpool.sizing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The sizing inputs exactly at their limits, and durations from seconds across their range. */
@Timeout(10)
class SizingEdgesTest {

  @Test
  void aSampleOfZerosAndOneWhereEveryCheckoutWaitedAreAccepted() {
    TrafficSample zeros = new TrafficSample(Duration.ZERO, 0, 0, 0, Duration.ZERO);
    assertEquals(0, zeros.ratePerSecond(), "no span: no rate");
    TrafficSample allWaited = new TrafficSample(Duration.ofSeconds(2), 10, 10, 0, Duration.ZERO);
    assertEquals(5.0, allWaited.ratePerSecond());
    assertEquals(10, allWaited.waited());
    assertThrows(
        IllegalArgumentException.class,
        () -> new TrafficSample(Duration.ofSeconds(1), 10, 11, 0, Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class,
        () -> new TrafficSample(Duration.ofSeconds(1), -1, 0, 0, Duration.ZERO));
  }

  @Test
  void theCheckedValuesComeBackUnchangedAtTheirLimits() {
    assertEquals(1, Checks.connections(1));
    assertEquals(7, Checks.connections(7));
    assertEquals(0.0, Checks.offeredLoad(0.0));
    assertEquals(2.5, Checks.offeredLoad(2.5));
    assertThrows(IllegalArgumentException.class, () -> Checks.connections(0));
    assertThrows(IllegalArgumentException.class, () -> Checks.offeredLoad(Double.NaN));
  }

  @Test
  void durationsOfSecondsAreExactBelowNineBillionAndSaturateBeyondTheRange() {
    assertEquals(Duration.ofMillis(1_500), Checks.durationOfSeconds(1.5));
    assertEquals(Duration.ofSeconds(9_000_000_000L), Checks.durationOfSeconds(9e9));
    assertEquals(
        Duration.ofSeconds(10_000_000_000L, 500_000_000), Checks.durationOfSeconds(1e10 + 0.5));
    assertEquals(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999), Checks.durationOfSeconds(0x1p63));
    assertEquals(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999), Checks.durationOfSeconds(1e300));
  }

  @Test
  void largeNumbersAreShownInENotationFromATrillion() {
    assertEquals("999999000000", Checks.show(new java.math.BigDecimal("999999000000")));
    assertEquals("1E+12", Checks.show(new java.math.BigDecimal("1000000000000")));
  }
}
