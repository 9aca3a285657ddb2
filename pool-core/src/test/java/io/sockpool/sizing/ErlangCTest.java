package io.sockpool.sizing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(10)
class ErlangCTest {
  private static final double[] LOADS = {0.01, 0.5, 1, 2, 2.5, 5, 9.99, 10, 37.3, 100, 999.5, 5000};

  // a = 2, c = 3 (the classic table value): B(1) = 2/3, B(2) = (4/3)/(2 + 4/3) = 2/5,
  // B(3) = (4/5)/(3 + 4/5) = 4/19; C = 3 B / (3 - 2 (1 - B)) = (12/19) / (27/19) = 4/9.
  @Test
  void twoErlangsOnThreeConnectionsWaitWithProbabilityFourNinths() {
    QueueEstimate q = ErlangC.evaluate(2, Duration.ofSeconds(1), 3);

    assertEquals(4.0 / 9, q.waitProbability(), 1e-12);
    assertEquals(4.0 / 19, ErlangC.erlangB(2, 3), 1e-12);
    // W = C x holdTime / (c - a) = 4/9 s
    assertEquals(4000.0 / 9, q.meanWaitMillis(), 1e-9);
    assertEquals(Duration.ofNanos(444_444_444), q.meanWait());
    assertEquals(2.0 / 3, q.utilization(), 1e-12);
  }

  // a = 1, c = 2 (M/M/2 at 50 % utilization): B(1) = 1/2, B(2) = (1/2)/(2 + 1/2) = 1/5,
  // C = 2 (1/5) / (2 - (4/5)) = (2/5) / (6/5) = 1/3, which matches the M/M/2 closed form
  // 2 rho^2 / (1 + rho) = (1/2) / (3/2) = 1/3. Mean wait = (1/3) x 100 ms / (2 - 1) = 33.3 ms.
  @Test
  void oneErlangOnTwoConnectionsWaitsWithProbabilityOneThird() {
    QueueEstimate q = ErlangC.evaluate(10, Duration.ofMillis(100), 2);

    assertEquals(1.0 / 3, q.waitProbability(), 1e-12);
    assertEquals(100.0 / 3, q.meanWaitMillis(), 1e-9);
  }

  // M/M/1: a checkout waits exactly when the one connection is busy, with probability rho.
  @ParameterizedTest(name = "rho {0}")
  @CsvSource({"0.01", "0.3", "0.5", "0.9", "0.999"})
  void oneConnectionWaitsWithProbabilityEqualToItsUtilization(double rho) {
    assertEquals(rho, ErlangC.erlangC(rho, 1), 1e-12);
    // M/M/1 mean wait: rho / (mu - lambda) = rho / (1 - rho) x holdTime
    QueueEstimate q = ErlangC.evaluate(rho, Duration.ofSeconds(1), 1);
    assertEquals(rho / (1 - rho) * 1000, q.meanWaitMillis(), 1e-6 * Math.max(1, rho / (1 - rho)));
  }

  @Test
  void recursionAgreesWithTheFactorialFormulaInExactArithmetic() {
    for (double a : new double[] {0.2, 1, 3.7, 12, 25.5, 60}) {
      for (int c = (int) Math.floor(a) + 1; c <= a + 40; c++) {
        double expected = factorialFormula(a, c);
        double actual = ErlangC.erlangC(a, c);
        assertEquals(expected, actual, 1e-12 + 1e-10 * expected, "a=" + a + " c=" + c);
      }
    }
  }

  // Large pools: the textbook formula's a^c / c! overflows a double past c = 170; the recursion
  // does not. Halfin-Whitt: with c = a + beta sqrt(a), C -> 1 / (1 + beta Phi(beta) / phi(beta))
  // as a grows; beta = 1: 1 / (1 + 0.841345 / 0.241971) = 0.223361, within about 1 % at a = 1e6.
  @Test
  void largePoolsStayAccurate() {
    double a = 1_000_000;
    int c = (int) (a + Math.sqrt(a)); // 1,001,000
    double p = ErlangC.erlangC(a, c);

    assertEquals(0.223361, p, 0.0035);
    assertTrue(ErlangC.erlangC(1000, 1001) > 0.9);
    assertTrue(ErlangC.erlangC(1000, 1200) < 1e-9);
    assertTrue(ErlangC.erlangC(1000, 1200) > 0);
  }

  @Test
  void moreConnectionsNeverRaiseTheWaitProbabilityOrTheMeanWait() {
    for (double a : LOADS) {
      int first = (int) Math.floor(a) + 1;
      QueueEstimate previous = ErlangC.evaluate(a, Duration.ofSeconds(1), first);
      for (int c = first + 1; c <= first + 4 * Math.sqrt(a) + 30; c++) {
        QueueEstimate q = ErlangC.evaluate(a, Duration.ofSeconds(1), c);
        assertTrue(q.waitProbability() <= previous.waitProbability(), "a=" + a + " c=" + c);
        assertTrue(q.meanWaitMillis() <= previous.meanWaitMillis(), "a=" + a + " c=" + c);
        assertTrue(q.waitProbability() >= 0 && q.waitProbability() < 1, "a=" + a + " c=" + c);
        previous = q;
      }
    }
  }

  @Test
  void moreLoadNeverLowersTheWaitProbabilityOrTheMeanWait() {
    for (int c : new int[] {1, 2, 3, 5, 8, 13, 50, 200, 1000}) {
      double previousP = 0;
      double previousW = 0;
      double previousB = 0;
      for (int step = 1; step < 100; step++) {
        double a = c * step / 100.0;
        double p = ErlangC.erlangC(a, c);
        double w = ErlangC.evaluate(a, Duration.ofSeconds(1), c).meanWaitMillis();
        double b = ErlangC.erlangB(a, c);
        assertTrue(p >= previousP, "c=" + c + " a=" + a);
        assertTrue(w >= previousW, "c=" + c + " a=" + a);
        assertTrue(b >= previousB, "c=" + c + " a=" + a);
        assertTrue(p >= b, "waiting is at least as likely as blocking: c=" + c + " a=" + a);
        previousP = p;
        previousW = w;
        previousB = b;
      }
    }
  }

  @Test
  void smallestSizeMeetsTheTargetAndOneLessDoesNot() {
    for (double a : LOADS) {
      for (double target : new double[] {0.5, 0.1, 0.01, 0.001, 1e-6}) {
        QueueEstimate q = ErlangC.smallestSize(a, Duration.ofSeconds(1), target);
        assertTrue(q.waitProbability() <= target, "a=" + a + " target=" + target);
        QueueEstimate smaller =
            ErlangC.evaluate(
                a, Duration.ofSeconds(1), q.connections() - 1 == 0 ? 1 : q.connections() - 1);
        if (q.connections() > 1) {
          assertTrue(
              !smaller.stable() || smaller.waitProbability() > target,
              "a=" + a + " target=" + target + " c=" + q.connections());
        }
      }
    }
  }

  @Test
  void smallestSizeForTheBenchmarkLoad() {
    // 1000/s x 5 ms = 5 Erlangs: C(11, 5) = 0.01509, C(12, 5) = 0.005885
    QueueEstimate q = ErlangC.smallestSize(1000, Duration.ofMillis(5), 0.01);

    assertEquals(12, q.connections());
    assertEquals(factorialFormula(5, 12), q.waitProbability(), 1e-12);
    assertEquals(factorialFormula(5, 11), ErlangC.erlangC(5, 11), 1e-12);
    assertTrue(ErlangC.erlangC(5, 11) > 0.01);
  }

  @Test
  void aSizeAtOrBelowTheOfferedLoadIsUnstableAndHasNoNumbers() {
    for (int c : new int[] {9, 10}) {
      QueueEstimate q = ErlangC.evaluate(1000, Duration.ofMillis(10), c);

      assertFalse(q.stable());
      assertTrue(q.utilization() >= 1);
      IllegalStateException e = assertThrows(IllegalStateException.class, q::waitProbability);
      assertEquals(
          c
              + " connections are unstable for an offered load of 10.0 (rate 1000.0/s x"
              + " hold time PT0.01S): the pool cannot keep up and the wait grows without bound; a"
              + " stable pool needs more than 10.0 connections",
          e.getMessage());
      assertEquals(e.getMessage(), q.unstableMessage());
      assertThrows(IllegalStateException.class, q::meanWait);
      assertThrows(IllegalStateException.class, q::meanWaitMillis);
      assertThrows(
          IllegalStateException.class, () -> q.probabilityOfWaitingLongerThan(Duration.ZERO));
      assertTrue(q.toString().contains("unstable"), q.toString());
      IllegalArgumentException low =
          assertThrows(IllegalArgumentException.class, () -> ErlangC.erlangC(10, c));
      assertTrue(
          low.getMessage().startsWith("connections must be more than offeredLoad 10.0"),
          low.getMessage());
    }
    QueueEstimate justAbove = ErlangC.evaluate(1000, Duration.ofMillis(10), 11);
    assertTrue(justAbove.stable());
    assertEquals("", justAbove.unstableMessage());
  }

  // In M/M/c the wait of those who wait is exponential with rate (c - a) / holdTime.
  @Test
  void probabilityOfWaitingLongerThanFallsExponentially() {
    QueueEstimate q = ErlangC.evaluate(2, Duration.ofSeconds(1), 3); // C = 4/9, c - a = 1

    assertEquals(4.0 / 9, q.probabilityOfWaitingLongerThan(Duration.ZERO), 1e-12);
    assertEquals(
        4.0 / 9 * Math.exp(-0.5), q.probabilityOfWaitingLongerThan(Duration.ofMillis(500)), 1e-12);
    assertEquals(
        4.0 / 9 * Math.exp(-3), q.probabilityOfWaitingLongerThan(Duration.ofSeconds(3)), 1e-12);
    assertThrows(
        IllegalArgumentException.class,
        () -> q.probabilityOfWaitingLongerThan(Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class, () -> q.probabilityOfWaitingLongerThan(null));
  }

  @Test
  void erlangBHasItsKnownValues() {
    assertEquals(1.0, ErlangC.erlangB(3, 0), 0.0);
    assertEquals(0.5, ErlangC.erlangB(1, 1), 1e-15);
    assertEquals(0.0, ErlangC.erlangB(0, 5), 0.0);
    assertEquals(0.0, ErlangC.erlangC(0, 5), 0.0);
  }

  @Test
  void invalidArgumentsAreRejectedNamingThem() {
    assertMessage(
        "ratePerSecond must be a finite number > 0 (requests per second), but was NaN",
        () -> ErlangC.evaluate(Double.NaN, Duration.ofMillis(1), 3));
    assertMessage(
        "holdTime must be a Duration > 0 (the time a connection is held per request),"
            + " but was PT0S",
        () -> ErlangC.evaluate(5, Duration.ZERO, 3));
    assertMessage(
        "connections must be >= 1, but was 0", () -> ErlangC.evaluate(5, Duration.ofMillis(1), 0));
    assertMessage(
        "connections must be <= 10000000, but was 10000001",
        () -> ErlangC.evaluate(5, Duration.ofMillis(1), 10_000_001));
    assertMessage(
        "targetWaitProbability must be > 0 and < 1 (0.01 means at most 1 % of checkouts"
            + " wait), but was 0.0",
        () -> ErlangC.smallestSize(5, Duration.ofMillis(1), 0));
    assertMessage(
        "offeredLoad must be a finite number >= 0 (rate x latency, in connections), but"
            + " was -1.0",
        () -> ErlangC.erlangB(-1, 3));
    assertMessage(
        "offeredLoad must be a finite number >= 0 (rate x latency, in connections), but"
            + " was Infinity",
        () -> ErlangC.erlangC(Double.POSITIVE_INFINITY, 3));
    assertMessage("connections must be in 0..10000000, but was -1", () -> ErlangC.erlangB(1, -1));
    assertMessage(
        "offered load (rate x latency) must be below 10000000 connections, but was"
            + " 20000000 (ratePerSecond 2.0E9, latency PT0.01S)",
        () -> ErlangC.smallestSize(2e9, Duration.ofMillis(10), 0.01));
  }

  private static void assertMessage(
      String expected, org.junit.jupiter.api.function.Executable call) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
  }

  /** C(c, a) = (a^c / c! x c / (c - a)) / (sum_{k<c} a^k / k! + a^c / c! x c / (c - a)). */
  private static double factorialFormula(double load, int c) {
    MathContext mc = new MathContext(40);
    BigDecimal a = new BigDecimal(load);
    BigDecimal term = BigDecimal.ONE; // a^k / k!
    BigDecimal sum = BigDecimal.ZERO;
    for (int k = 0; k < c; k++) {
      sum = sum.add(term, mc);
      term = term.multiply(a, mc).divide(BigDecimal.valueOf(k + 1), mc);
    }
    BigDecimal top =
        term.multiply(BigDecimal.valueOf(c), mc).divide(BigDecimal.valueOf(c).subtract(a, mc), mc);
    return top.divide(sum.add(top, mc), mc).doubleValue();
  }
}
