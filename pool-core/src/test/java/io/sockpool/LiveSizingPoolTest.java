package io.sockpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.sizing.LiveSizing;
import io.sockpool.sizing.TrafficSample;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link SocketPool#sizing(Endpoint)} on real traffic to a peer of known latency. */
class LiveSizingPoolTest {

  @Test
  @Timeout(30)
  void measuresTheArrivalRateAndHoldTimeOfRealTraffic() throws Exception {
    try (DelayPeer peer = new DelayPeer();
        SocketPool pool = SocketPool.create(PoolConfig.builder().maxPerEndpoint(2).build())) {
      Endpoint e = peer.endpoint();
      assertTrue(pool.sizing(e).recommendedConnections().isEmpty(), "no traffic, no answer");
      long start = System.nanoTime();
      long inner = 0; // per exchange: from checkout's return to close's call (inside the hold)
      long outer = 0; // from checkout's call to close's return (around the hold)
      for (int i = 0; i < 100; i++) {
        long before = System.nanoTime();
        PooledConnection c = pool.checkout(e);
        long taken = System.nanoTime();
        DelayPeer.exchange(c, TimeUnit.MILLISECONDS.toNanos(3));
        long returning = System.nanoTime();
        c.close();
        long after = System.nanoTime();
        inner += returning - taken;
        outer += after - before;
      }
      long elapsed = System.nanoTime() - start;
      LiveSizing s = pool.sizing(e);
      TrafficSample m = s.sample();
      assertEquals(100, m.checkouts());
      assertEquals(100, m.returns());
      assertEquals(0, m.waited(), "one caller never waits");
      // the pool's hold lies between what this thread measured inside and around each hold (a
      // busy machine stretches both alike: 3 ms exchanges were measured at 23 ms)
      long holdMicros = s.meanHold().orElseThrow().toNanos() / 1000;
      long innerMicros = inner / 100 / 1000;
      long outerMicros = outer / 100 / 1000;
      assertTrue(
          holdMicros >= Math.max(3000, innerMicros - 1) && holdMicros <= outerMicros + 1,
          "hold "
              + holdMicros
              + " us, measured by the test between "
              + innerMicros
              + " and "
              + outerMicros
              + " us");
      double expectedRate = 100 * 1e9 / elapsed;
      assertEquals(expectedRate, s.ratePerSecond(), expectedRate * 0.25, s.toString());
      // one caller in a closed loop offers just under one connection's worth of load
      assertTrue(s.atCurrentSize().orElseThrow().offeredLoad() < 1.05, s.toString());
      assertTrue(s.recommendedConnections().getAsInt() >= 2, s.toString());
    }
  }

  /**
   * The measured share of waiting checkouts against Erlang C's prediction, as docs/sizing.md does
   * offline: Poisson arrivals at 400/s, exponential service of mean 5 ms (offered load 2) on 5
   * connections, where Erlang C predicts C(5, 2) = 0.060 (the prediction the test checks uses the
   * measured rate and hold time, which include the client's own overhead).
   */
  @Test
  @Timeout(60)
  void measuredWaitShareFollowsErlangC() throws Exception {
    try (DelayPeer peer = new DelayPeer();
        SocketPool pool =
            SocketPool.create(
                PoolConfig.builder()
                    .maxPerEndpoint(5)
                    .maxTotal(5)
                    .checkoutTimeout(Duration.ofSeconds(5))
                    .build())) {
      Endpoint e = peer.endpoint();
      pool.warmUp(e, 5);
      assertEquals(5, pool.stats(e).idle(), "warm: no checkout connects");
      SizingRun run = new SizingRun(pool, e, 400, TimeUnit.MILLISECONDS.toNanos(5));
      run.go(Duration.ofSeconds(7)); // the first seconds count too: the pool is warm
      assertEquals(0, run.failures.get(), "no checkout failed");
      // Erlang C holds for Poisson arrivals: a generator starved of CPU (a loaded machine)
      // releases them in bursts, and then the model's premise, not the pool, is what fails.
      Assumptions.assumeTrue(
          run.meanLatenessMicros() < 300,
          "arrivals were released "
              + run.meanLatenessMicros()
              + " us late on average: not Poisson");
      LiveSizing s = pool.sizing(e);
      double measured = s.measuredWaitProbability().getAsDouble();
      double predicted = s.predictedWaitProbability().getAsDouble();
      assertTrue(s.sample().checkouts() > 2000, s.toString());
      assertEquals(predicted, measured, 0.05, s.toString());
      assertEquals(400, s.ratePerSecond(), 40, s.toString());
    }
  }

  /** Open-loop Poisson arrivals handed to worker threads; each does one timed exchange. */
  private static final class SizingRun {
    final SocketPool pool;
    final Endpoint endpoint;
    final double ratePerSecond;
    final long meanServiceNanos;
    final AtomicInteger failures = new AtomicInteger();
    long lateNanos;
    long arrivals;

    SizingRun(SocketPool pool, Endpoint endpoint, double ratePerSecond, long meanServiceNanos) {
      this.pool = pool;
      this.endpoint = endpoint;
      this.ratePerSecond = ratePerSecond;
      this.meanServiceNanos = meanServiceNanos;
    }

    /**
     * @return how late, on average, the generator released an arrival (CPU starvation)
     */
    long meanLatenessMicros() {
      return arrivals == 0 ? 0 : lateNanos / arrivals / 1000;
    }

    void go(Duration duration) throws InterruptedException {
      SplittableRandom random = new SplittableRandom(42);
      ExecutorService workers = Executors.newFixedThreadPool(48);
      try {
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long next = start;
        while (next - end < 0) {
          next += (long) (-Math.log(1 - random.nextDouble()) / ratePerSecond * 1e9);
          long service = (long) (-Math.log(1 - random.nextDouble()) * meanServiceNanos);
          for (long left = next - System.nanoTime(); left > 0; left = next - System.nanoTime()) {
            LockSupport.parkNanos(left);
          }
          lateNanos += System.nanoTime() - next;
          arrivals++;
          workers.execute(
              () -> {
                try (PooledConnection c = pool.checkout(endpoint)) {
                  DelayPeer.exchange(c, service);
                } catch (Exception failed) {
                  failures.incrementAndGet();
                }
              });
        }
      } finally {
        workers.shutdown();
        workers.awaitTermination(20, TimeUnit.SECONDS);
      }
    }
  }
}
