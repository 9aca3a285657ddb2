package io.sockpool.faults;

import static io.sockpool.faults.FaultKit.BREAKER_OPEN;
import static io.sockpool.faults.FaultKit.MARGIN;
import static io.sockpool.faults.FaultKit.millis;
import static io.sockpool.faults.FaultKit.ping;
import static io.sockpool.faults.FaultKit.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.sockpool.CheckoutException;
import io.sockpool.Endpoint;
import io.sockpool.EndpointStats;
import io.sockpool.EndpointUnavailableException;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.ToxiproxyExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 64 callers want connections while the peer is down; when it comes back, all of them are served
 * and the pool never holds more than maxPerEndpoint connections (no connect storm).
 */
class RecoveryTest {
  @RegisterExtension static final ToxiproxyExtension TOXIPROXY = new ToxiproxyExtension();

  private static final int THREADS = 64;
  private static final int MAX_PER_ENDPOINT = 8;
  private static final Duration DEADLINE = Duration.ofSeconds(1);

  /** How long each served caller holds its connection: 64 callers share 8 connections. */
  private static final long HOLD_MILLIS = 10;

  /**
   * How long the peer stays down after every caller has failed once: longer than the breaker's
   * wait.
   */
  private static final Duration OUTAGE = BREAKER_OPEN.multipliedBy(3).dividedBy(2);

  @Test
  @Timeout(60)
  void allWaitingCallersAreServedOnRecoveryWithoutOpeningMoreThanMaxPerEndpoint(
      ToxiproxyClient client) throws Exception {
    try (FaultFixture f = FaultFixture.open(TOXIPROXY, client, "faults-recovery")) {
      FakePeer peer = f.upstream();
      Proxy proxy = f.proxy("recovery");
      Endpoint ep = f.endpoint(proxy);
      SocketPool pool =
          f.pool(FaultKit.config().maxPerEndpoint(MAX_PER_ENDPOINT).checkoutTimeout(DEADLINE));
      CircuitBreaker breaker = pool.circuitBreakers().circuitBreaker(ep.toString());

      long t0 = System.nanoTime();
      ConcurrentLinkedQueue<String> transitions = new ConcurrentLinkedQueue<>();
      breaker
          .getEventPublisher()
          .onStateTransition(
              e ->
                  transitions.add(
                      String.format(
                          java.util.Locale.ROOT,
                          "%s at %.0f ms",
                          e.getStateTransition(),
                          millis(System.nanoTime() - t0))));
      assertEquals(MAX_PER_ENDPOINT, pool.warmUp(ep, MAX_PER_ENDPOINT), "the pool starts full");
      proxy.disable(); // the peer goes down: connections closed, connects refused
      assertTrue(peer.awaitOpenAtMost(0, Duration.ofSeconds(5)));
      peer.resetPeak();

      // Invariant sampler: the pool never holds more than maxPerEndpoint connections.
      AtomicBoolean sampling = new AtomicBoolean(true);
      AtomicLong maxHeld = new AtomicLong();
      LongAdder samples = new LongAdder();
      Thread sampler =
          new Thread(
              () -> {
                while (sampling.get()) {
                  EndpointStats s = pool.stats(ep);
                  maxHeld.accumulateAndGet(s.created() - s.destroyedTotal(), Math::max);
                  samples.increment();
                  LockSupport.parkNanos(200_000);
                }
              },
              "recovery-sampler");
      sampler.start();

      CountDownLatch allRefused = new CountDownLatch(THREADS);
      CountDownLatch allServed = new CountDownLatch(THREADS);
      AtomicLong enabledAt = new AtomicLong();
      long[] servedAt = new long[THREADS];
      AtomicInteger attempts = new AtomicInteger();
      AtomicLong slowestAttempt = new AtomicLong();
      Map<String, LongAdder> failures = new ConcurrentHashMap<>();
      ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
      List<Thread> workers = new ArrayList<>();
      long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      for (int i = 0; i < THREADS; i++) {
        int id = i;
        Thread t =
            new Thread(
                () -> {
                  boolean refusedOnce = false;
                  while (System.nanoTime() - giveUp < 0) {
                    long start = System.nanoTime();
                    attempts.incrementAndGet();
                    try (PooledConnection c = pool.checkout(ep, DEADLINE)) {
                      ping(c, Duration.ofSeconds(2));
                      servedAt[id] = System.nanoTime();
                      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(HOLD_MILLIS));
                      break;
                    } catch (EndpointUnavailableException e) {
                      failures
                          .computeIfAbsent(e.getClass().getSimpleName(), k -> new LongAdder())
                          .increment();
                      FaultKit.backOffUntil(e.retryAfter());
                    } catch (CheckoutException e) {
                      failures
                          .computeIfAbsent(e.getClass().getSimpleName(), k -> new LongAdder())
                          .increment();
                      LockSupport.parkNanos(
                          TimeUnit.MILLISECONDS.toNanos(
                              ThreadLocalRandom.current().nextLong(10, 50)));
                    } catch (Throwable e) {
                      unexpected.add(e);
                      break;
                    } finally {
                      slowestAttempt.accumulateAndGet(System.nanoTime() - start, Math::max);
                      if (!refusedOnce && servedAt[id] == 0) {
                        refusedOnce = true;
                        allRefused.countDown();
                      }
                    }
                  }
                  allServed.countDown();
                },
                "recovery-caller-" + i);
        workers.add(t);
        t.start();
      }

      assertTrue(
          allRefused.await(20, TimeUnit.SECONDS), "all 64 callers tried while the peer was down");
      // The outage outlasts the breaker's wait: its half-open probes fail and it opens again.
      Thread.sleep(OUTAGE.toMillis()); // the outage's length is the point of this pause
      assertEquals(
          CircuitBreaker.State.OPEN, breaker.getState(), "the breaker is open during the outage");
      long outageAttempts = attempts.get();
      int acceptedBefore = peer.accepted();
      // taken before enable(): a caller may be served before enable() returns to this thread
      enabledAt.set(System.nanoTime());
      proxy.enable();
      transitions.add(
          String.format(
              java.util.Locale.ROOT, "peer back at %.0f ms", millis(enabledAt.get() - t0)));

      assertTrue(allServed.await(30, TimeUnit.SECONDS), "every caller finished");
      for (Thread t : workers) {
        t.join(5000);
      }
      sampling.set(false);
      sampler.join(5000);

      assertTrue(unexpected.isEmpty(), "only CheckoutExceptions may reach a caller: " + unexpected);
      long lastServed = 0;
      long firstServed = Long.MAX_VALUE;
      for (int i = 0; i < THREADS; i++) {
        assertTrue(servedAt[i] != 0, "caller " + i + " was served");
        assertTrue(servedAt[i] - enabledAt.get() > 0, "nobody was served while the peer was down");
        lastServed = Math.max(lastServed, servedAt[i] - enabledAt.get());
        firstServed = Math.min(firstServed, servedAt[i] - enabledAt.get());
      }
      long bound = BREAKER_OPEN.toMillis() + 1000 + MARGIN.toMillis();
      report("recovery", "breaker: %s", transitions);
      assertTrue(
          lastServed < TimeUnit.MILLISECONDS.toNanos(bound),
          "all 64 served " + millis(lastServed) + " ms after recovery; bound " + bound + " ms");
      assertTrue(
          slowestAttempt.get() < DEADLINE.plus(MARGIN).toNanos(),
          "slowest checkout attempt "
              + millis(slowestAttempt.get())
              + " ms, deadline "
              + DEADLINE.toMillis());

      int acceptedOnRecovery = peer.accepted() - acceptedBefore;
      assertTrue(
          maxHeld.get() <= MAX_PER_ENDPOINT, "pool held " + maxHeld + " connections at once");
      assertTrue(
          peer.peakOpen() <= MAX_PER_ENDPOINT,
          "the peer saw " + peer.peakOpen() + " connections at once");
      assertTrue(
          acceptedOnRecovery <= MAX_PER_ENDPOINT,
          "no connect storm: the peer accepted " + acceptedOnRecovery + " connections on recovery");
      assertEquals(CircuitBreaker.State.CLOSED, breaker.getState());

      report(
          "recovery",
          "%d callers, %d checkout attempts before the peer came back, %d in all; failed attempts by type %s",
          THREADS,
          outageAttempts,
          attempts.get(),
          failures);
      report(
          "recovery",
          "after the peer came back: first caller served after %.0f ms, all %d after %.0f ms "
              + "(breaker wait %d ms); slowest single checkout %.0f ms",
          millis(firstServed),
          THREADS,
          millis(lastServed),
          BREAKER_OPEN.toMillis(),
          millis(slowestAttempt.get()));
      report(
          "recovery",
          "max connections held (created - destroyed, %d samples) %d; peer: peak open %d, "
              + "accepted on recovery %d (maxPerEndpoint %d)",
          samples.sum(),
          maxHeld.get(),
          peer.peakOpen(),
          acceptedOnRecovery,
          MAX_PER_ENDPOINT);
      f.assertNoLeaks();
    }
  }
}
