package io.sockpool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.Endpoint;
import io.sockpool.PreconnectPolicy;
import io.sockpool.internal.metrics.Listeners;
import io.sockpool.sizing.ErlangC;
import java.time.Duration;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Predictive preconnect on a simulated clock: checkouts and returns are fed to it as a pool would,
 * ticks run every interval of simulated time, and the connects it asks for are counted by a fake
 * engine (no sockets: what is checked is how many connections the model makes it open, and when).
 */
@Timeout(60)
class PreconnectorTest {
  private static final Endpoint EP = Endpoint.of("127.0.0.1", 7000);
  private static final long MS = 1_000_000L;
  private static final double TARGET = 0.01;

  private final AtomicLong now = new AtomicLong(1_000 * MS);
  private final FakeEngine engine = new FakeEngine();
  private final PriorityQueue<Long> returnsDue = new PriorityQueue<>();

  /** The engine as preconnect sees it: every connect it asks for opens at once. */
  private static final class FakeEngine implements Preconnector.Pool {
    final AtomicInteger open = new AtomicInteger();
    final Listeners listeners = new Listeners("preconnect-test");

    @Override
    public String name() {
      return "preconnect-test";
    }

    @Override
    public int maxPerEndpoint() {
      return 200;
    }

    @Override
    public int maxConnecting() {
      return 4;
    }

    @Override
    public int openOrConnecting(Endpoint endpoint) {
      return open.get();
    }

    @Override
    public int connectsInFlight(Endpoint endpoint) {
      return 0;
    }

    @Override
    public int openAhead(Endpoint endpoint, int count) {
      open.addAndGet(count);
      return count;
    }

    @Override
    public Listeners listeners() {
      return listeners;
    }
  }

  private Preconnector preconnector(Duration window, Duration interval) {
    return preconnector(window, interval, 1.0);
  }

  private Preconnector preconnector(Duration window, Duration interval, double headroom) {
    PreconnectPolicy policy =
        new PreconnectPolicy(TARGET, window, interval, Duration.ofMillis(50), Duration.ofSeconds(1))
            .withRateHeadroom(headroom);
    return new Preconnector(engine, policy, now::get, Runnable::run);
  }

  private static int model(double rate, Duration hold) {
    return ErlangC.smallestSize(rate, hold, TARGET).connections();
  }

  /** Moves the clock to {@code t}, handing the preconnector the returns due until then. */
  private void advance(Preconnector p, long t) {
    while (!returnsDue.isEmpty() && returnsDue.peek() - t <= 0) {
      long at = returnsDue.poll();
      now.set(at);
      p.returned(EP, holdOf(at));
    }
    now.set(t);
  }

  private long lastHold;

  private long holdOf(long at) {
    return lastHold; // every hold of a run is the same length, or drawn into lastHold at arrival
  }

  /**
   * Evenly spaced arrivals at {@code rate}/s for {@code span}, each held {@code hold}, with a tick
   * every {@code interval}.
   */
  private void drive(Preconnector p, double rate, long span, long hold, long interval) {
    long end = now.get() + span;
    double gap = 1e9 / rate;
    double next = now.get();
    long nextTick = now.get() - now.get() % interval + interval;
    lastHold = hold;
    while (next < end) {
      long arrival = (long) next;
      while (nextTick - arrival <= 0) {
        advance(p, nextTick);
        p.tick();
        nextTick += interval;
      }
      advance(p, arrival);
      p.checkedOut(EP, 0, false);
      returnsDue.add(arrival + hold);
      next += gap;
    }
    while (nextTick - end <= 0) {
      advance(p, nextTick);
      p.tick();
      nextTick += interval;
    }
    advance(p, end);
  }

  @Test
  void aStepFromOneToTenThousandPerSecondIsSizedWithinAFewIntervalsNotAWindow() {
    Duration hold = Duration.ofMillis(1);
    Preconnector p = preconnector(Duration.ofSeconds(2), Duration.ofMillis(10));
    try {
      drive(p, 1_000, 3_000 * MS, hold.toNanos(), 10 * MS);
      int low = model(1_000, hold);
      assertEquals(low, p.wanted(EP), "the model's size at 1k/s");
      assertEquals(low, engine.open.get(), "opened at 1k/s");

      drive(p, 10_000, 100 * MS, hold.toNanos(), 10 * MS);
      int high = model(10_000, hold);
      // the 2 s window alone says 1,450/s here; the recent span (40 ms) says 10,000/s
      assertEquals(high, p.wanted(EP), "the model's size 100 ms after the step to 10k/s");
      assertEquals(high, engine.open.get(), "opened 100 ms after the step");
    } finally {
      p.close();
    }
  }

  @Test
  void aSteadyPoissonLoadOpensNoMoreThanTheModelAsksForPlusTenPercent() {
    Duration meanHold = Duration.ofMillis(2);
    double rate = 5_000;
    Preconnector p = preconnector(Duration.ofSeconds(2), Duration.ofMillis(10));
    try {
      drivePoisson(p, rate, meanHold, 30_000 * MS);
      int model = model(rate, meanHold);
      int opened = engine.open.get();
      assertTrue(
          opened <= Math.floor(model * 1.1),
          "opened " + opened + " over 30 s of Poisson arrivals; the model asks for " + model);
      assertTrue(opened >= model - 1, "opened " + opened + ", the model asks for " + model);
    } finally {
      p.close();
    }
  }

  @Test
  void aRateHeadroomOfTenOpensTheSizeForTenTimesTheRateBeforeTheStepComes() {
    Duration hold = Duration.ofMillis(1);
    Preconnector p = preconnector(Duration.ofSeconds(2), Duration.ofMillis(10), 10);
    try {
      drive(p, 1_000, 3_000 * MS, hold.toNanos(), 10 * MS);
      int forTheStep = model(10_000, hold);
      assertTrue(forTheStep > model(1_000, hold) + 10, "the step needs many more connections");
      assertEquals(forTheStep, p.wanted(EP), "the model's size at 1k/s with headroom 10");
      assertEquals(forTheStep, engine.open.get(), "open before the step to 10k/s");

      drive(p, 10_000, 400 * MS, hold.toNanos(), 10 * MS);
      int high = model(100_000, hold);
      assertEquals(high, p.wanted(EP), "after the step: sized for 10 x 10k/s");
      assertEquals(high, engine.open.get(), "opened 400 ms after the step");
    } finally {
      p.close();
    }
  }

  @Test
  void aSteadyPoissonLoadWithHeadroomOpensAtMostTheModelsSizePlusOne() {
    Duration meanHold = Duration.ofMillis(2);
    double rate = 5_000;
    double headroom = 3;
    Preconnector p = preconnector(Duration.ofSeconds(2), Duration.ofMillis(10), headroom);
    try {
      drivePoisson(p, rate, meanHold, 30_000 * MS);
      int model = model(rate * headroom, meanHold);
      int opened = engine.open.get();
      assertTrue(
          opened <= model + 1,
          "opened "
              + opened
              + " over 30 s of Poisson arrivals; with headroom 3 the model asks for "
              + model);
      assertTrue(
          opened >= model(0.9 * rate * headroom, meanHold),
          "opened " + opened + ", the model with headroom asks for " + model);
      assertTrue(opened > model(rate, meanHold) + 10, "the headroom opened more: " + opened);
    } finally {
      p.close();
    }
  }

  @Test
  void theLimitPerEndpointBoundsTheSizeWithHeadroom() {
    Duration hold = Duration.ofMillis(1);
    Preconnector p = preconnector(Duration.ofSeconds(2), Duration.ofMillis(10), 100);
    try {
      drive(p, 10_000, 3_000 * MS, hold.toNanos(), 10 * MS);
      assertEquals(engine.maxPerEndpoint(), p.wanted(EP), "1M/s asks for more than the limit");
      assertEquals(engine.maxPerEndpoint(), engine.open.get());
    } finally {
      p.close();
    }
  }

  /** Poisson arrivals at {@code rate}/s with exponential holds, a tick every 10 ms. */
  private void drivePoisson(Preconnector p, double rate, Duration meanHold, long span) {
    Random random = new Random(24);
    long end = now.get() + span;
    long interval = 10 * MS;
    long nextTick = now.get() + interval;
    double next = now.get();
    PriorityQueue<long[]> due = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
    while (next < end) {
      long arrival = (long) next;
      while (!due.isEmpty() && due.peek()[0] - arrival <= 0 || nextTick - arrival <= 0) {
        boolean returnFirst =
            !due.isEmpty() && (nextTick - arrival > 0 || due.peek()[0] - nextTick <= 0);
        if (returnFirst) {
          long[] r = due.poll();
          now.set(r[0]);
          p.returned(EP, r[1]);
        } else {
          now.set(nextTick);
          p.tick();
          nextTick += interval;
        }
      }
      now.set(arrival);
      p.checkedOut(EP, 0, false);
      long held = (long) (-Math.log(1 - random.nextDouble()) * meanHold.toNanos());
      due.add(new long[] {arrival + held, held});
      next += -Math.log(1 - random.nextDouble()) * 1e9 / rate;
    }
  }
}
