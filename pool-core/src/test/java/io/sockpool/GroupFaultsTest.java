package io.sockpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.ProcessResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Groups under load with a faulty member, on loopback: a slow member, a killed member that comes
 * back, a member that never answers a SYN. Bounds are generous (a busy 2-core machine).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GroupFaultsTest {

  /** Runs {@code threads} callers of {@code call} until stopped; collects their errors. */
  private static final class Load implements AutoCloseable {
    final AtomicBoolean running = new AtomicBoolean(true);
    final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    final ExecutorService exec;
    final List<Future<?>> loops = new ArrayList<>();

    Load(int threads, SocketPool.Operation<?> op, SocketPool pool, EndpointGroup g) {
      exec = Executors.newFixedThreadPool(threads);
      for (int i = 0; i < threads; i++) {
        loops.add(
            exec.submit(
                () -> {
                  while (running.get()) {
                    try {
                      pool.executeIdempotent(g, op);
                    } catch (Exception | Error e) {
                      errors.add(e);
                    }
                  }
                }));
      }
    }

    @Override
    public void close() throws Exception {
      running.set(false);
      for (Future<?> f : loops) {
        f.get(30, TimeUnit.SECONDS);
      }
      exec.shutdown();
    }
  }

  private static GroupMemberStats member(SocketPool pool, EndpointGroup g, Endpoint e) {
    return pool.stats(g).members().stream().filter(m -> m.endpoint().equals(e)).findFirst().get();
  }

  @Test
  void aSlowMemberGetsUnderTenPercentOfTheCalls() throws Exception {
    try (FakePeer a = new FakePeer();
        FakePeer b = new FakePeer();
        FakePeer slow = new FakePeer();
        SocketPool pool = SocketPool.create(PoolConfig.builder().poolName("slow").build())) {
      slow.answerAfter(Duration.ofMillis(20));
      EndpointGroup g =
          EndpointGroup.of(
              "slow3",
              List.of(
                  TestSupport.endpoint(a), TestSupport.endpoint(b), TestSupport.endpoint(slow)));
      try (Load load =
          new Load(
              8,
              c -> {
                TestSupport.ping(c);
                return null;
              },
              pool,
              g)) {
        ProcessResources.awaitTrue(() -> pool.stats(g).calls() > 20_000, Duration.ofSeconds(3));
      }
      GroupStats s = pool.stats(g);
      long slowCalls = member(pool, g, TestSupport.endpoint(slow)).calls();
      double share = 100.0 * slowCalls / s.calls();
      System.out.printf(
          "groups: slow member (+20 ms) took %d of %d calls (%.2f %%)%n",
          slowCalls, s.calls(), share);
      assertTrue(share < 10, "slow member's share " + share + " %: " + s);
      assertEquals(0, s.failedCalls());
    }
  }

  @Test
  void aKilledMemberLeavesTheRotationWithoutFailedCallsAndComesBackWithin15s() throws Exception {
    AddressPeer one = AddressPeer.start("127.0.0.1", 0);
    AddressPeer two = AddressPeer.start("127.0.0.2", 0);
    AddressPeer three = AddressPeer.start("127.0.0.3", 0);
    Endpoint victim = Endpoint.of("127.0.0.2", two.port());
    EndpointGroup g =
        EndpointGroup.of(
            "killed",
            List.of(
                Endpoint.of("127.0.0.1", one.port()),
                victim,
                Endpoint.of("127.0.0.3", three.port())));
    try (SocketPool pool = SocketPool.create(PoolConfig.builder().poolName("killed").build())) {
      Load load = new Load(4, AddressPeer::exchange, pool, g);
      try {
        ProcessResources.awaitTrue(
            () -> member(pool, g, victim).calls() > 100, Duration.ofSeconds(20));
        long killed = System.nanoTime();
        two.close();
        // out of rotation: ejected, its breaker open, or avoided by the balancer (its failures
        // raise its cost): no call served for 500 ms
        long[] seen = {member(pool, g, victim).calls(), System.nanoTime()};
        assertTrue(
            ProcessResources.awaitTrue(
                () -> {
                  long calls = member(pool, g, victim).calls();
                  if (calls != seen[0]) {
                    seen[0] = calls;
                    seen[1] = System.nanoTime();
                  }
                  return member(pool, g, victim).status() != GroupMemberStats.Status.SERVING
                      || pool.circuitBreakers().circuitBreaker(victim.toString()).getState()
                          == CircuitBreaker.State.OPEN
                      || System.nanoTime() - seen[1] > TimeUnit.MILLISECONDS.toNanos(500);
                },
                Duration.ofSeconds(10)),
            "the killed member left the rotation: " + pool.stats(g));
        long out = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        two = AddressPeer.start("127.0.0.2", two.port());
        long back = System.nanoTime();
        long before = member(pool, g, victim).calls();
        assertTrue(
            ProcessResources.awaitTrue(
                () -> member(pool, g, victim).calls() > before + 10, Duration.ofSeconds(15)),
            "serving again within 15 s of its return: " + pool.stats(g));
        long servingAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - back);
        System.out.printf(
            "groups: killed member out of rotation after %d ms, serving %d ms after its return;"
                + " %s%n",
            out, servingAfter, pool.stats(g));
      } finally {
        load.close();
        one.close();
        two.close();
        three.close();
      }
      assertEquals(List.of(), new ArrayList<>(load.errors), "idempotent calls: none failed");
    }
  }

  @Test
  void aMemberThatNeverAnswersTheSynLeavesTheRotationWithoutFailedCalls() throws Exception {
    try (TestSupport.Blackhole hole = new TestSupport.Blackhole();
        FakePeer a = new FakePeer();
        FakePeer b = new FakePeer();
        SocketPool pool =
            SocketPool.create(
                PoolConfig.builder()
                    .poolName("hole")
                    .connectTimeout(Duration.ofMillis(200))
                    .checkoutTimeout(Duration.ofSeconds(2))
                    .build())) {
      EndpointGroup g =
          EndpointGroup.of(
              "hole3", List.of(hole.endpoint(), TestSupport.endpoint(a), TestSupport.endpoint(b)));
      Load load =
          new Load(
              4,
              c -> {
                TestSupport.ping(c);
                return null;
              },
              pool,
              g);
      try {
        assertTrue(
            ProcessResources.awaitTrue(
                () ->
                    member(pool, g, hole.endpoint()).failures() > 0
                        && pool.stats(g).calls() > 5_000,
                Duration.ofSeconds(20)),
            "tried, and calls served: " + pool.stats(g));
      } finally {
        load.close();
      }
      GroupMemberStats m = member(pool, g, hole.endpoint());
      System.out.println("groups: never-answering member: " + pool.stats(g));
      assertEquals(List.of(), new ArrayList<>(load.errors), "every call was served in time");
      assertEquals(0, m.calls(), "the member never served");
      // out of rotation: ejected, or avoided by the balancer after its connect timeouts (each
      // failure raises its cost), so that only a few calls paid a connect timeout
      assertTrue(m.ejections() > 0 || m.failures() <= 10, "a few connect timeouts at most: " + m);
    }
  }
}
