package io.sockpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The policy's rate headroom: its default, the wither and the values it refuses. */
@Timeout(10)
class PreconnectPolicyTest {
  private static final PreconnectPolicy BASE =
      new PreconnectPolicy(
          0.01,
          Duration.ofMillis(500),
          Duration.ofMillis(20),
          Duration.ofMillis(50),
          Duration.ofSeconds(2));

  @Test
  void withoutHeadroomThePolicySizesForTheMeasuredRate() {
    assertEquals(1.0, BASE.rateHeadroom());
    assertEquals(1.0, PreconnectPolicy.forWaitProbability(0.05).rateHeadroom());
  }

  @Test
  void withRateHeadroomChangesTheFactorAndKeepsEverythingElse() {
    PreconnectPolicy p = BASE.withRateHeadroom(10);
    assertEquals(10.0, p.rateHeadroom());
    assertEquals(
        new PreconnectPolicy(
            0.01,
            Duration.ofMillis(500),
            Duration.ofMillis(20),
            Duration.ofMillis(50),
            Duration.ofSeconds(2),
            10),
        p);
    assertEquals(BASE, p.withRateHeadroom(1));
  }

  @Test
  void aHeadroomBelowOneAboveTheMostOrNotANumberIsRefusedNamingTheRange() {
    for (double bad : new double[] {0.99, 0, -1, 100.5, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> BASE.withRateHeadroom(bad));
      assertTrue(
          e.getMessage().contains("rateHeadroom must be between 1.0 and 100.0")
              && e.getMessage().contains("but was " + bad),
          e.getMessage());
    }
  }
}
