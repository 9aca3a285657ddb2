package io.sockpool.sizing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.Endpoint;
import io.sockpool.internal.metrics.TrafficRecorder;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The sizing of a group: the members' traffic merged into one Erlang C queue, split back over the
 * members by their share of the load; fed by a {@link TrafficRecorder} on an injected clock.
 */
@Timeout(10)
class GroupSizingTest {
  private static final Endpoint A = Endpoint.of("10.0.0.1", 6379);
  private static final Endpoint B = Endpoint.of("10.0.0.2", 6379);
  private static final long MS = 1_000_000L;

  /**
   * Drives a recorder for 10 s of injected time: each member gets {@code perSecond} checkouts a
   * second, each held {@code holdMs}.
   */
  private static Map<Endpoint, TrafficSample> measured(int perSecondA, long holdMsA, long holdMsB) {
    AtomicLong clock = new AtomicLong(1_000 * MS);
    TrafficRecorder rec = new TrafficRecorder(Duration.ofSeconds(60), 60, clock::get);
    for (int ms = 0; ms < 10_000; ms++) {
      for (int i = 0; i < perSecondA / 1000; i++) {
        rec.checkedOut(A, 0, false);
        rec.returned(A, holdMsA * MS);
        rec.checkedOut(B, 0, ms % 10 == 0);
        rec.returned(B, holdMsB * MS);
      }
      clock.addAndGet(MS);
    }
    Map<Endpoint, TrafficSample> m = new LinkedHashMap<>();
    m.put(A, rec.sample(A));
    m.put(B, rec.sample(B));
    return m;
  }

  @Test
  void theGroupIsOneQueueOverAllItsMembersConnections() {
    GroupSizing s = GroupSizing.of("replicas", measured(1000, 5, 5), 16, 64, 0.01);
    assertEquals(2000, s.ratePerSecond(), 2000 * 0.01, "the members' rates summed");
    assertEquals(Duration.ofMillis(5), s.meanHold().orElseThrow());
    assertEquals(32, s.currentSize(), "2 members x maxPerEndpoint 16");
    int needed = s.neededConnections().getAsInt();
    assertEquals(
        ErlangC.smallestSize(s.ratePerSecond(), Duration.ofMillis(5), 0.01).connections(), needed);
    int separately =
        s.members().get(0).neededConnections().getAsInt()
            + s.members().get(1).neededConnections().getAsInt();
    assertTrue(needed < separately, "pooling: " + needed + " < " + separately + " (two queues)");
    assertEquals((needed + 1) / 2, s.neededConnections(A).getAsInt(), "half each, rounded up");
    assertEquals(s.neededConnections(A), s.neededConnections(B));
    assertEquals(s.neededConnections(A), s.recommendedMaxPerEndpoint());
    assertEquals(0.05, s.measuredWaitProbability().getAsDouble(), 0.001, "B's waits, merged");
    assertTrue(s.predictedWaitProbability().getAsDouble() < 0.01, "32 connections: " + s);
  }

  @Test
  void aMemberThatHoldsLongerGetsTheLargerPart() {
    GroupSizing s = GroupSizing.of("replicas", measured(1000, 5, 15), 16, 64, 0.01);
    int needed = s.neededConnections().getAsInt();
    int a = s.neededConnections(A).getAsInt();
    int b = s.neededConnections(B).getAsInt();
    assertEquals(Math.ceil(needed * 0.25 - 1e-9), a, 0, s.toString());
    assertEquals(Math.ceil(needed * 0.75 - 1e-9), b, 0, s.toString());
    assertTrue(a + b >= needed && a + b <= needed + 1, s.toString());
    assertEquals(b, s.recommendedMaxPerEndpoint().getAsInt());
  }

  @Test
  void withoutTrafficThereIsNoAnswerAndAStrangerIsRefused() {
    Map<Endpoint, TrafficSample> none = new LinkedHashMap<>();
    none.put(A, TrafficSample.EMPTY);
    none.put(B, TrafficSample.EMPTY);
    GroupSizing s = GroupSizing.of("idle", none, 8, 64, 0.01);
    assertFalse(s.neededConnections().isPresent());
    assertFalse(s.neededConnections(A).isPresent());
    assertFalse(s.recommendedMaxPerEndpoint().isPresent());
    assertEquals(16, s.currentSize());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> s.neededConnections(Endpoint.of("10.0.0.9", 6379)));
    assertEquals(
        "10.0.0.9:6379 is not a member of group 'idle' (members: [10.0.0.1:6379, 10.0.0.2:6379])",
        e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> GroupSizing.of("empty", Map.of(), 8, 64, 0.01));
  }
}
