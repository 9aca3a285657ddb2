package io.sockpool.internal.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.Endpoint;
import io.sockpool.EndpointGroup;
import io.sockpool.GroupListener;
import io.sockpool.GroupMemberStats;
import io.sockpool.OutlierDetection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The balancer and outlier ejection as data structures, on a test clock and a seeded random source:
 * no socket, no sleep.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BalancerAndEjectionTest {
  private static final long MS = 1_000_000L;
  private final AtomicLong clock = new AtomicLong(1_000_000 * MS);
  private final List<String> heard = new ArrayList<>();
  private final GroupEvents events = new GroupEvents("test");
  private final Map<Endpoint, FakeLoad> engine = new HashMap<>();

  BalancerAndEjectionTest() {
    events.add(
        new GroupListener() {
          @Override
          public void memberEjected(String group, Endpoint m, Duration d, String reason) {
            heard.add("ejected " + m.port() + " for " + d.toMillis());
          }

          @Override
          public void memberReturned(String group, Endpoint m) {
            heard.add("returned " + m.port());
          }
        });
  }

  private static Endpoint ep(int port) {
    return Endpoint.of("127.0.0.1", port);
  }

  private GroupState group(int n, OutlierDetection od) {
    EndpointGroup.Builder b = EndpointGroup.builder("g").outlierDetection(od);
    for (int i = 1; i <= n; i++) {
      b.member(ep(i));
    }
    return new GroupState(
        b.build(), clock::get, events, e -> engine.computeIfAbsent(e, x -> new FakeLoad(0)));
  }

  /** The engine served a checkout of the member. */
  private void served(Member m) {
    engine.get(m.endpoint).served++;
  }

  private static long all(int n) {
    return (1L << n) - 1;
  }

  @Test
  void powerOfTwoChoicesNeverPicksTheWorseOfTwo() {
    GroupState g = group(2, OutlierDetection.DEFAULTS);
    Member[] ms = g.members();
    ms[0].latency.observe(20 * MS, clock.get()); // slow
    ms[1].latency.observe(1 * MS, clock.get());
    RandomGenerator rnd = new SplittableRandom(1);
    for (int i = 0; i < 1000; i++) {
      assertEquals(1, GroupState.pick(ms, all(2), rnd, clock.get()));
    }
  }

  @Test
  void aSlowMemberGetsASmallShareOfThreeWithoutConfiguration() {
    GroupState g = group(3, OutlierDetection.DEFAULTS);
    Member[] ms = g.members();
    RandomGenerator rnd = new SplittableRandom(7);
    int[] picks = new int[3];
    // closed loop: each pick is a call that ends at once with the member's latency (member 0 is
    // 20 ms slower); the clock moves 0.1 ms per call
    for (int i = 0; i < 20_000; i++) {
      long now = clock.addAndGet(MS / 10);
      int p = GroupState.pick(ms, all(3), rnd, now);
      picks[p]++;
      g.succeeded(ms[p], p == 0 ? 20 * MS : MS / 2, now);
    }
    assertTrue(picks[0] < 20_000 / 100, "slow member share: " + picks[0] + " of 20000");
    assertTrue(
        Math.abs(picks[1] - picks[2]) < 20_000 / 5,
        "healthy pair split: " + picks[1] + "/" + picks[2]);
  }

  @Test
  void theCostCountsCallsInFlight() {
    GroupState g = group(2, OutlierDetection.DEFAULTS);
    Member[] ms = g.members();
    ms[0].latency.observe(MS, clock.get());
    ms[1].latency.observe(MS, clock.get());
    ms[0].pending(3); // same latency, more load: member 1 wins
    assertEquals(1, GroupState.pick(ms, all(2), new SplittableRandom(3), clock.get()));
  }

  @Test
  void peakEwmaTakesAPeakAtOnceAndDecaysWithTime() {
    PeakEwma e = new PeakEwma(10_000 * MS, clock.get());
    e.observe(MS, clock.get());
    e.observe(50 * MS, clock.get());
    assertEquals(50 * MS, e.estimate(clock.get()), 1, "the peak, at once");
    // the peak is forgotten within a few of its 25 ms decay times; the EWMA (1 ms) stays
    assertEquals(MS, e.estimate(clock.get() + 200 * MS), MS / 50.0);
    // one EWMA decay time later the estimate weighs 1/e
    assertEquals(MS / Math.E, e.estimate(clock.get() + 10_000 * MS), MS / 100.0);
    // a member with calls in flight and no latency yet costs the penalty
    assertEquals(PeakEwma.PENALTY, new PeakEwma(10_000 * MS, 0).cost(0, 1), 0);
  }

  @Test
  void consecutiveFailuresEjectForAGrowingTimeAndAProbeTakesTheMemberBack() {
    GroupState g = group(3, OutlierDetection.DEFAULTS);
    Member m = g.members()[0];
    for (int i = 0; i < 4; i++) {
      g.checkoutFailed(m, -1, "refused", clock.get(), false);
    }
    assertTrue(m.selectable(clock.get()), "4 failures in a row eject nobody");
    g.checkoutFailed(m, -1, "refused", clock.get(), false);
    assertFalse(m.selectable(clock.get()));
    assertEquals(List.of("ejected 1 for 1000"), heard);
    // ejection over: one caller holds the probe, the others skip the member
    clock.addAndGet(1000 * MS);
    assertTrue(m.selectable(clock.get()));
    assertTrue(m.claimProbe());
    assertFalse(m.claimProbe(), "a second caller must not probe at the same time");
    g.checkoutFailed(
        m, -1, "refused", clock.get(), false); // the probe fails: ejected again, for twice as long
    assertEquals("ejected 1 for 2000", heard.get(1));
    clock.addAndGet(2000 * MS);
    assertTrue(m.claimProbe());
    g.succeeded(m, MS, clock.get());
    assertEquals("returned 1", heard.get(2));
    assertEquals(GroupMemberStats.Status.SERVING, g.stats().members().get(0).status());
    assertEquals(2, g.stats().ejections());
    assertEquals(1, g.stats().returns());
  }

  @Test
  void ejectionTimeIsCappedAndTheMultiplierDecaysWhileHealthy() {
    OutlierDetection od =
        OutlierDetection.DEFAULTS
            .withConsecutiveFailures(1)
            .withEjectionTime(Duration.ofSeconds(1), Duration.ofSeconds(3));
    GroupState g = group(2, od);
    Member m = g.members()[0];
    for (int i = 0; i < 5; i++) {
      g.checkoutFailed(m, -1, "refused", clock.get(), false);
      clock.addAndGet(m.ejectedUntil - clock.get());
      assertTrue(m.claimProbe());
    }
    assertEquals(
        List.of(
            "ejected 1 for 1000",
            "ejected 1 for 2000",
            "ejected 1 for 3000",
            "ejected 1 for 3000",
            "ejected 1 for 3000"),
        heard);
    g.succeeded(m, MS, clock.get()); // back
    for (int i = 0; i < 5; i++) { // 5 healthy intervals bring the multiplier down to 0
      clock.addAndGet(10_001 * MS);
      g.succeeded(m, MS, clock.get());
    }
    g.checkoutFailed(m, -1, "refused", clock.get(), false);
    assertEquals("ejected 1 for 1000", heard.get(heard.size() - 1));
  }

  @Test
  void aFailureRateEjectsOnceEnoughCallsWereSeen() {
    GroupState g = group(2, OutlierDetection.DEFAULTS); // 50 % of at least 20 calls
    Member m = g.members()[0];
    for (int i = 0; i < 9; i++) {
      served(m); // served (the engine counts the checkout), then ended
      g.succeeded(m, MS, clock.get());
      served(m);
      g.failed(m, MS, "reset", clock.get());
    }
    assertTrue(m.selectable(clock.get()), "18 calls are fewer than the minimum of 20");
    served(m);
    g.succeeded(m, MS, clock.get());
    served(m);
    g.failed(m, MS, "reset", clock.get());
    assertFalse(m.selectable(clock.get()), "10 of 20 failed: ejected");
  }

  @Test
  void theFailureRateWindowCountsServedCallsAndFailedCheckoutsOfItsIntervalOnly() {
    GroupState g = group(2, OutlierDetection.DEFAULTS); // 50 % of at least 20 calls in 10 s
    Member m = g.members()[0];
    for (int i = 0; i < 100; i++) { // an earlier interval's calls, all served
      served(m);
      g.succeeded(m, MS, clock.get());
    }
    clock.addAndGet(10_001 * MS);
    served(m);
    g.succeeded(m, MS, clock.get()); // opens a new window; served in the last one, counted there
    for (int i = 0; i < 9; i++) {
      g.checkoutFailed(m, MS, "refused", clock.get(), false);
      served(m);
      g.succeeded(m, MS, clock.get()); // the streak of failures ends: no consecutive ejection
    }
    assertEquals(18, m.windowCalls());
    assertTrue(m.selectable(clock.get()), "9 of 18: fewer calls than the minimum");
    served(m);
    g.succeeded(m, MS, clock.get());
    g.checkoutFailed(m, MS, "refused", clock.get(), false);
    assertFalse(m.selectable(clock.get()), "10 of 20 failed in this interval: ejected");
  }

  @Test
  void maxEjectionPercentKeepsMembersIn() {
    GroupState g = group(4, OutlierDetection.DEFAULTS.withConsecutiveFailures(1)); // 50 %: 2 of 4
    Member[] ms = g.members();
    for (Member m : ms) {
      g.checkoutFailed(m, -1, "refused", clock.get(), false);
    }
    int ejected = 0;
    for (Member m : ms) {
      ejected += m.selectable(clock.get()) ? 0 : 1;
    }
    assertEquals(2, ejected);
    assertEquals(2, g.stats().ejected());
    assertEquals(0, GroupState.allowedEjections(1, 100), "the only member is never ejected");
    assertEquals(1, GroupState.allowedEjections(3, 10), "at least one");
    assertEquals(2, GroupState.allowedEjections(3, 100), "never every member");
    assertEquals(0, GroupState.allowedEjections(3, 0));
  }

  @Test
  void aProbeGivenUpByTheCallerLetsTheNextCallerProbe() {
    GroupState g = group(2, OutlierDetection.DEFAULTS.withConsecutiveFailures(1));
    Member m = g.members()[0];
    g.checkoutFailed(m, -1, "refused", clock.get(), false);
    clock.addAndGet(1000 * MS);
    assertTrue(m.claimProbe());
    m.releaseProbe(clock.get());
    assertTrue(m.selectable(clock.get()));
    assertTrue(m.claimProbe());
  }
}
