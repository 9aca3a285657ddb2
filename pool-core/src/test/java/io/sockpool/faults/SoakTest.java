package io.sockpool.faults;

import static io.sockpool.faults.FaultKit.BREAKER_OPEN;
import static io.sockpool.faults.FaultKit.MARGIN;
import static io.sockpool.faults.FaultKit.echo;
import static io.sockpool.faults.FaultKit.millis;
import static io.sockpool.faults.FaultKit.millisSince;
import static io.sockpool.faults.FaultKit.ping;
import static io.sockpool.faults.FaultKit.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import io.sockpool.CheckoutException;
import io.sockpool.Endpoint;
import io.sockpool.EndpointStats;
import io.sockpool.EndpointUnavailableException;
import io.sockpool.PoolExhaustedException;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.testkit.ToxiproxyExtension;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 64 threads check out, use, return and invalidate connections at random for {@link #DURATION}
 * while {@link ToxicChaos} adds and removes faults on one of two endpoints. Every checkout returns
 * within its deadline a working connection or a {@link CheckoutException}: at most {@link #LATE}
 * past it unless the machine held the thread up ({@link StallMeter}: a process stall, or the thread
 * waiting for a core), at most {@link #SOAK_MARGIN} in any case; no borrower ever reads another's
 * reply; a connection handed out while no fault was active (or had been for {@link #GRACE}) works;
 * the pool never holds more than its limits; afterwards it heals and nothing leaks.
 */
class SoakTest {
  @RegisterExtension static final ToxiproxyExtension TOXIPROXY = new ToxiproxyExtension();

  /**
   * Long enough for about 20 faults (150..1200 ms each, 300..1000 ms apart) to come and go; {@code
   * -Dsockpool.soak.seconds=60} runs the 60 s soak of docs/faults.md.
   */
  static final Duration DURATION = Duration.ofSeconds(Long.getLong("sockpool.soak.seconds", 30));

  static final int THREADS = 64;
  static final int MAX_PER_ENDPOINT = 8;
  static final int MAX_WAITERS = 40;

  /**
   * After a fault ends, connections it damaged may still be closing; then the pool must be clean.
   */
  static final Duration GRACE = Duration.ofMillis(500);

  /**
   * Checkouts may return this much after their deadline: 64 threads on 2 shared cores, where this
   * test's own sampler thread was seen waking up 650 ms late (see docs/faults.md).
   */
  static final Duration SOAK_MARGIN = Duration.ofSeconds(3);

  /** The long read timeout: an exchange on a healthy connection finishes well within it. */
  static final Duration PATIENT = Duration.ofSeconds(3);

  static final Duration IMPATIENT = Duration.ofMillis(150);

  private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
  private final AtomicLong maxOverrunNanos = new AtomicLong(Long.MIN_VALUE);
  private final LongAdder strictExchanges = new LongAdder();
  private final LongAdder strictFailures = new LongAdder();
  private final LongAdder crossedReplies = new LongAdder();
  private final LongAdder lateCheckouts = new LongAdder();

  /**
   * A checkout may return at most this much past its deadline unless the machine explains the rest:
   * its own thread's wait for a core, a pool thread's, or a process stall ({@link #overran}).
   */
  static final Duration LATE = Duration.ofMillis(50);

  private final StallMeter stalls = new StallMeter();

  /** Late checkouts whose own thread waited for a core at least as long as they were late. */
  private final LongAdder lateExcusedByOwnQueue = new LongAdder();

  /**
   * Late checkouts explained once a pool thread's wait for a core is added: a checkout in a
   * validation read sleeps in the kernel until the watchdog closes the channel at the read's
   * deadline, so the watchdog's wait is the checkout's, and its own thread's run-queue time does
   * not show it.
   */
  private final LongAdder lateExcusedByPoolThreads = new LongAdder();

  /**
   * Late checkouts explained once the process's pauses are added too: GC time, or the stalls {@link
   * StallMeter} saw less its own wait for a core (a safepoint stops every thread that reaches it,
   * off the run queue, until the last running thread gets a core and reaches it too).
   */
  private final LongAdder lateExcusedByPause = new LongAdder();

  /** The largest lateness past {@link #LATE} left once every measured delay is subtracted. */
  private final AtomicLong maxResidualNanos = new AtomicLong(Long.MIN_VALUE);

  private volatile PoolThreadDelays poolThreads;
  private final ConcurrentLinkedQueue<String> lateUnexplained = new ConcurrentLinkedQueue<>();
  private final LongAdder unexplainedCount = new LongAdder();
  private final ConcurrentLinkedQueue<String> late = new ConcurrentLinkedQueue<>();
  private final AtomicLong tokens = new AtomicLong();

  @Test
  @Timeout(120)
  void poolKeepsItsPromisesUnderRandomFaults(ToxiproxyClient client) throws Exception {
    long seed = System.nanoTime();
    try (FaultFixture f = FaultFixture.open(TOXIPROXY, client, "faults-soak")) {
      Proxy chaosProxy = f.proxy("soak-chaos");
      Proxy calmProxy = f.proxy("soak-calm");
      Endpoint chaos = f.endpoint(chaosProxy);
      Endpoint calm = f.endpoint(calmProxy);
      SocketPool pool =
          f.pool(
              FaultKit.config()
                  .maxPerEndpoint(MAX_PER_ENDPOINT)
                  .maxTotal(2 * MAX_PER_ENDPOINT)
                  .minIdlePerEndpoint(2)
                  .maxWaitersPerEndpoint(MAX_WAITERS)
                  .checkoutTimeout(Duration.ofMillis(500))
                  .validationTimeout(Duration.ofMillis(150))
                  .validationWindow(Duration.ofMillis(100))
                  .backgroundValidation(true)
                  .evictionInterval(Duration.ofMillis(200))
                  .idleTimeout(Duration.ofSeconds(5)));
      pool.warmUp(chaos);
      pool.warmUp(calm);
      poolThreads = new PoolThreadDelays(pool.config().poolName());

      long end = System.nanoTime() + DURATION.toNanos();
      ToxicChaos monkey = new ToxicChaos(chaosProxy, seed, end);
      Thread monkeyThread = new Thread(monkey, "soak-chaos");
      AtomicBoolean sampling = new AtomicBoolean(true);
      InvariantSampler sampler =
          new InvariantSampler(pool, List.of(chaos, calm), MAX_PER_ENDPOINT, sampling);
      Thread samplerThread = new Thread(sampler, "soak-sampler");
      Thread stallThread = new Thread(stalls, "soak-stall-meter");
      stallThread.setPriority(Thread.MAX_PRIORITY);
      stallThread.start();
      List<Thread> workers = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        Random r = new Random(seed + i);
        workers.add(new Thread(() -> work(pool, chaos, calm, monkey, r, end), "soak-worker-" + i));
      }
      monkeyThread.start();
      samplerThread.start();
      workers.forEach(Thread::start);
      for (Thread t : workers) {
        t.join(DURATION.toMillis() + 30_000);
        assertFalse(t.isAlive(), t.getName() + " finished");
      }
      monkeyThread.join(10_000);
      sampling.set(false);
      samplerThread.join(5_000);
      stalls.stop();
      stallThread.join(5_000);
      assertNull(monkey.failure(), "driving the Toxiproxy failed: " + monkey.failure());

      report(
          "soak",
          "seed %d, %d threads for %d s, faults applied %s",
          seed,
          THREADS,
          DURATION.toSeconds(),
          monkey.applied());
      report("soak", "outcomes %s", new java.util.TreeMap<>(outcomes));
      report(
          "soak",
          "%d successful exchanges judged strictly (endpoint without faults, or no fault within %d ms), "
              + "%d strict failures, %d crossed replies; max checkout overrun past its deadline %.0f ms, "
              + "%d checkouts more than 250 ms late, e.g. %s",
          strictExchanges.sum(),
          GRACE.toMillis(),
          strictFailures.sum(),
          crossedReplies.sum(),
          millis(maxOverrunNanos.get()),
          lateCheckouts.sum(),
          late);
      report(
          "soak",
          "%d invariant samples: max held per endpoint %d (limit %d), max held in total %d (limit %d), "
              + "max waiting gauge %d (limit %d); the sampler thread itself woke up to %.0f ms late (CPU, GC)",
          sampler.samples(),
          sampler.maxHeld(),
          MAX_PER_ENDPOINT,
          sampler.maxTotal(),
          2 * MAX_PER_ENDPOINT,
          sampler.maxWaiting(),
          MAX_WAITERS,
          millis(sampler.maxStallNanos()));
      report(
          "soak",
          "checkouts more than %d ms past their deadline: %d explained by their own thread's wait "
              + "for a core, %d once a pool thread's wait is added (%d pool threads measured), "
              + "%d once the process's pauses (GC, safepoints) are added, %d unexplained; largest "
              + "lateness left unexplained past %d ms: %.0f ms (%d stalls over %d ms seen, the "
              + "longest %.0f ms), e.g. %s",
          LATE.toMillis(),
          lateExcusedByOwnQueue.sum(),
          lateExcusedByPoolThreads.sum(),
          poolThreads.threadCount(),
          lateExcusedByPause.sum(),
          unexplainedCount.sum(),
          LATE.toMillis(),
          millis(Math.max(0, maxResidualNanos.get())),
          stalls.count(),
          TimeUnit.NANOSECONDS.toMillis(StallMeter.THRESHOLD_NANOS),
          millis(stalls.maxStallNanos()),
          lateUnexplained);
      List<String> v = new ArrayList<>(violations);
      v.addAll(lateUnexplained);
      v.addAll(sampler.violations());
      assertTrue(
          v.isEmpty(), v.size() + " violation(s), first: " + v.subList(0, Math.min(10, v.size())));
      assertTrue(
          strictExchanges.sum() > 1000, "enough exchanges ran outside faults: " + strictExchanges);

      // Heal: no fault left; the chaos endpoint serves within the breaker's wait + 1 s.
      chaosProxy.enable(); // a no-op unless the last fault was the peer going down
      assertTrue(chaosProxy.toxics().getAll().isEmpty(), "no toxic left");
      long healed = awaitServed(pool, chaos, BREAKER_OPEN.toMillis() + 1000 + MARGIN.toMillis());
      for (int i = 0; i < THREADS; i++) { // every connection now in the pool works
        for (Endpoint e : List.of(chaos, calm)) {
          try (PooledConnection c = pool.checkout(e, Duration.ofSeconds(2))) {
            echo(c, "after-" + i, PATIENT);
          }
        }
      }
      for (EndpointStats s : pool.stats().byEndpoint().values()) {
        assertEquals(0, s.active(), "nothing checked out: " + s);
        assertEquals(
            s.created() - s.destroyedTotal(), s.idle(), "every open connection is idle: " + s);
      }
      EndpointStats total = pool.stats().total();
      report(
          "soak",
          "served again %d ms after the faults stopped; pool totals: created %d, checkouts %d, "
              + "timeouts %d, rejected %d, destroyed %s",
          healed,
          total.created(),
          total.checkouts(),
          total.timeouts(),
          total.rejected(),
          FaultFixture.destroyedByReason(total));
      f.assertNoLeaks();
    }
  }

  /**
   * Run-queue counters ({@link StallMeter#runQueueNanos}) as a checkout starts.
   *
   * @param mine the checkout's own thread's
   * @param pool the pool's threads'
   * @param gcMillis the JVM's garbage collection time so far (a pause stops every thread without
   *     putting it on a run queue)
   */
  private record RunQueues(long mine, PoolThreadDelays.Reading pool, long gcMillis) {}

  /** The JVM's garbage collection time so far, summed over its collectors. */
  private static long gcMillis() {
    long sum = 0;
    for (java.lang.management.GarbageCollectorMXBean gc :
        java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
      sum += Math.max(0, gc.getCollectionTime());
    }
    return sum;
  }

  /** A run-queue counter's growth since {@code before}, 0 where it cannot be read. */
  private static long since(long before, long now) {
    return before < 0 || now < 0 ? 0 : now - before;
  }

  /** Retries until a checkout + PING succeeds; fails past {@code boundMillis}. */
  private static long awaitServed(SocketPool pool, Endpoint ep, long boundMillis) throws Exception {
    long start = System.nanoTime();
    while (true) {
      try (PooledConnection c = pool.checkout(ep, Duration.ofSeconds(1))) {
        ping(c, PATIENT);
        return millisSince(start);
      } catch (EndpointUnavailableException e) {
        FaultKit.backOffUntil(e.retryAfter());
      }
      assertTrue(millisSince(start) < boundMillis, "served again within " + boundMillis + " ms");
    }
  }

  private void work(
      SocketPool pool, Endpoint chaos, Endpoint calm, ToxicChaos monkey, Random r, long end) {
    while (System.nanoTime() - end < 0) {
      Endpoint ep = r.nextInt(4) == 0 ? calm : chaos;
      long epoch = monkey.epoch();
      long start = System.nanoTime();
      boolean quiet = ep == calm || monkey.quietSince() <= start - GRACE.toNanos();
      String token = Thread.currentThread().getName() + "-" + tokens.incrementAndGet();
      int op = r.nextInt(100);
      Duration readTimeout = r.nextBoolean() ? PATIENT : IMPATIENT;
      try {
        if (op < 15) {
          String got =
              pool.executeIdempotent(
                  ep,
                  c -> {
                    echo(c, token, PATIENT);
                    return token;
                  });
          assertSame(token, got);
          count("executeIdempotent ok");
          judged(ep == calm || quiet && monkey.epoch() == epoch);
          continue;
        }
        Duration deadline = Duration.ofMillis(200 + r.nextInt(600));
        PooledConnection c;
        RunQueues queued =
            new RunQueues(StallMeter.runQueueNanos(), poolThreads.read(), gcMillis());
        // timed from here to the return, as the pool sees it: the readings above and the
        // description below (a busy machine can hold either for long) are the test's own work
        long asked = System.nanoTime();
        try {
          c = pool.checkout(ep, deadline);
          overran(asked, System.nanoTime(), queued, deadline, ep == calm ? "calm" : "chaos", null);
        } catch (CheckoutException e) {
          overran(asked, System.nanoTime(), queued, deadline, ep == calm ? "calm" : "chaos", e);
          throw e;
        }
        count("checkout ok");
        try {
          if (op < 25) {
            c.invalidate();
            count("invalidated unused");
          } else if (op < 35) {
            c.close();
            count("returned unused");
          } else {
            echo(c, token, readTimeout);
            if (op < 50) {
              c.invalidate();
              count("exchange ok, invalidated");
            } else {
              LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(r.nextInt(op < 60 ? 30 : 2)));
              c.close();
              count("exchange ok, returned");
            }
            judged(ep == calm || quiet && monkey.epoch() == epoch);
          }
        } catch (IOException e) {
          c.close(); // a plain return: the pool must notice by itself that the connection is broken
          exchangeFailed(e, ep == calm || quiet && monkey.epoch() == epoch, readTimeout, ep);
        }
      } catch (EndpointUnavailableException e) {
        count(e.getClass().getSimpleName());
        FaultKit.backOffUntil(e.retryAfter()); // a well-behaved caller backs off
      } catch (PoolExhaustedException e) {
        count(e.getClass().getSimpleName());
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1 + r.nextInt(10)));
      } catch (CheckoutException e) {
        count(e.getClass().getSimpleName());
      } catch (IOException e) { // from executeIdempotent's operation
        exchangeFailed(e, ep == calm || quiet && monkey.epoch() == epoch, PATIENT, ep);
      } catch (RuntimeException | Error e) {
        violations.add("undocumented failure on " + ep + ": " + e);
      }
    }
  }

  /**
   * Records how far past its deadline a checkout returned; past {@link #SOAK_MARGIN} is a
   * violation. Past {@link #LATE}, the lateness is set against what the machine measurably did to
   * it: its own thread's wait for a core during the checkout, plus the longest wait for a core of
   * any pool thread (the watchdog ends validation reads), or else process stalls covering the late
   * part; what none of them covers is unexplained, and a violation.
   */
  private void overran(
      long start,
      long now,
      RunQueues queuedBefore,
      Duration deadline,
      String endpoint,
      CheckoutException failure) {
    long overrun = now - start - deadline.toNanos();
    String outcome = failure == null ? "served" : failure.toString();
    if (overrun > LATE.toNanos()) {
      long excess = overrun - LATE.toNanos();
      long queued = since(queuedBefore.mine(), StallMeter.runQueueNanos());
      long poolQueued = poolThreads.read().maxSince(queuedBefore.pool());
      long gc = TimeUnit.MILLISECONDS.toNanos(gcMillis() - queuedBefore.gcMillis());
      long stalled = stalls.stalledWithin(start + deadline.toNanos(), now);
      long paused = Math.max(gc, stalls.pausedWithin(start + deadline.toNanos(), now));
      maxResidualNanos.accumulateAndGet(excess - (queued + poolQueued + paused), Math::max);
      if (queued >= excess) {
        lateExcusedByOwnQueue.increment();
      } else if (queued + poolQueued >= excess) {
        lateExcusedByPoolThreads.increment();
      } else if (queued + poolQueued + paused >= excess) {
        lateExcusedByPause.increment();
      } else {
        unexplainedCount.increment();
        if (lateUnexplained.size() < 20) {
          lateUnexplained.add(
              String.format(
                  java.util.Locale.ROOT,
                  "%s checkout returned %.0f ms past its deadline of %d ms, unexplained: %.0f ms"
                      + " waiting for a core, a pool thread %.0f ms, GC %.0f ms, process"
                      + " stalls %.0f ms (paused %.0f ms): %s",
                  endpoint,
                  millis(overrun),
                  deadline.toMillis(),
                  millis(queued),
                  millis(poolQueued),
                  millis(gc),
                  millis(stalled),
                  millis(paused),
                  outcome));
        }
      }
    }
    maxOverrunNanos.accumulateAndGet(overrun, Math::max);
    if (overrun > TimeUnit.MILLISECONDS.toNanos(250)) {
      lateCheckouts.increment();
      if (late.size() < 20) {
        late.add(
            String.format(
                java.util.Locale.ROOT,
                "%s endpoint, deadline %d ms, overrun %.0f ms, %s",
                endpoint,
                deadline.toMillis(),
                millis(overrun),
                outcome));
      }
    }
    if (overrun > SOAK_MARGIN.toNanos()) {
      violations.add(
          "checkout of the "
              + endpoint
              + " endpoint returned "
              + millis(overrun)
              + " ms past its deadline of "
              + deadline.toMillis()
              + " ms: "
              + outcome);
    }
  }

  private void judged(boolean strict) {
    if (strict) {
      strictExchanges.increment();
    }
  }

  private void exchangeFailed(IOException e, boolean strict, Duration readTimeout, Endpoint ep) {
    count("exchange failed: " + e.getClass().getSimpleName());
    if (e instanceof FaultKit.CrossedReplyException) {
      crossedReplies.increment();
      violations.add("crossed reply on " + ep + ": " + e.getMessage());
    } else if (strict && !(e instanceof SocketTimeoutException && readTimeout == IMPATIENT)) {
      // An impatient read may lose to CPU starvation; anything else outside a fault is a dead
      // or foreign connection handed out.
      strictFailures.increment();
      violations.add("exchange on " + ep + " failed with no fault active: " + e);
    }
  }

  private static void assertSame(String expected, String got) {
    if (!expected.equals(got)) {
      throw new AssertionError("executeIdempotent returned " + got + " for " + expected);
    }
  }

  private void count(String outcome) {
    outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
  }
}
