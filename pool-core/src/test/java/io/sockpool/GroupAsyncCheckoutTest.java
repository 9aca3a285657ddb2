package io.sockpool;

import static io.sockpool.TestSupport.ping;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.ProcessResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Asynchronous group checkouts against real loopback peers: the member choice and skip rules of the
 * blocking group checkout, a place in a member's queue instead of a thread, cancel, the deadline,
 * and the failures.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GroupAsyncCheckoutTest {
  private final List<AutoCloseable> closeMe = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeMe) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T keep(T c) {
    closeMe.add(0, c);
    return c;
  }

  private List<Endpoint> peers(int n) throws Exception {
    List<Endpoint> eps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      eps.add(TestSupport.endpoint(keep(new FakePeer())));
    }
    return eps;
  }

  private static PoolConfig.Builder config(String name, int perEndpoint) {
    return PoolConfig.builder()
        .poolName(name)
        .maxPerEndpoint(perEndpoint)
        .fairnessWindow(Duration.ZERO)
        .checkoutTimeout(Duration.ofSeconds(30));
  }

  private static Throwable failureOf(CompletableFuture<?> f) throws InterruptedException {
    try {
      f.get(20, TimeUnit.SECONDS);
      throw new AssertionError("expected a failed future, got " + f);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("future not completed within 20 s", e);
    }
  }

  private static int waiting(SocketPool pool, List<Endpoint> eps) {
    return eps.stream().mapToInt(e -> pool.stats(e).waiting()).sum();
  }

  private static void awaitWaiting(SocketPool pool, List<Endpoint> eps, int n)
      throws InterruptedException {
    assertTrue(
        ProcessResources.awaitTrue(() -> waiting(pool, eps) == n, Duration.ofSeconds(30)),
        () -> "expected " + n + " waiting on the members, got " + waiting(pool, eps));
  }

  @Test
  void asyncGroupCheckoutsSpreadOverTheMembersAndNameTheMember() throws Exception {
    SocketPool pool = keep(SocketPool.create(config("async-spread", 4).build()));
    List<Endpoint> eps = peers(3);
    EndpointGroup g = EndpointGroup.of("three", eps);
    Map<Endpoint, Integer> served = new HashMap<>();
    for (int i = 0; i < 90; i++) {
      PooledConnection c = pool.checkoutAsync(g).get(10, TimeUnit.SECONDS);
      ping(c);
      served.merge(c.endpoint(), 1, Integer::sum);
      c.close();
    }
    assertEquals(3, served.size(), "every member served: " + served);
    GroupStats s = pool.stats(g);
    assertEquals(90, s.calls());
    assertEquals(0, s.failedCalls());
    assertTrue(s.members().stream().allMatch(m -> m.inFlight() == 0), s.toString());
  }

  @Test
  void aMemberThatRefusesConnectsIsSkippedWithinTheOneDeadline() throws Exception {
    SocketPool pool = keep(SocketPool.create(config("async-skip", 4).build()));
    Endpoint up = peers(1).get(0);
    Endpoint down = Endpoint.of("127.0.0.1", FakePeer.closedPort());
    EndpointGroup g = EndpointGroup.of("one-down", List.of(up, down));
    for (int i = 0; i < 20; i++) {
      PooledConnection c = pool.checkoutAsync(g, Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
      assertEquals(up, c.endpoint());
      ping(c);
      c.close();
    }
    assertEquals(20, pool.stats(g).calls());
    assertEquals(0, pool.stats(g).failedCalls(), "every call was served by the member that is up");
  }

  @Test
  void whenEveryMemberIsFullTheFutureHoldsAPlaceInOneMembersQueueNotAThread() throws Exception {
    SocketPool pool = keep(SocketPool.create(config("async-full", 1).build()));
    List<Endpoint> eps = peers(2);
    EndpointGroup g = EndpointGroup.of("two", eps);
    PooledConnection first = pool.checkout(g);
    PooledConnection second = pool.checkout(g);
    assertNotEquals(first.endpoint(), second.endpoint());
    CompletableFuture<PooledConnection> one = pool.checkoutAsync(g);
    awaitWaiting(pool, eps, 1);
    Set<String> before = threads();
    List<CompletableFuture<PooledConnection>> more = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      more.add(pool.checkoutAsync(g));
    }
    awaitWaiting(pool, eps, 1_001);
    Set<String> added = threads();
    added.removeAll(before);
    assertTrue(added.isEmpty(), "threads started by 1,000 pending group futures: " + added);
    more.forEach(f -> f.cancel(false));
    awaitWaiting(pool, eps, 1);
    PooledConnection held = pool.stats(first.endpoint()).waiting() == 1 ? first : second;
    Endpoint queuedOn = held.endpoint();
    held.close();
    PooledConnection got = one.get(10, TimeUnit.SECONDS);
    assertEquals(queuedOn, got.endpoint(), "served by the member it queued on");
    got.close();
    (held == first ? second : first).close();
    assertTrue(pool.stats(g).members().stream().allMatch(m -> m.inFlight() == 0));
  }

  @Test
  void cancelGivesThePlaceBackAtOnce() throws Exception {
    SocketPool pool = keep(SocketPool.create(config("async-cancel", 1).build()));
    List<Endpoint> eps = peers(2);
    EndpointGroup g = EndpointGroup.of("two", eps);
    PooledConnection first = pool.checkout(g);
    PooledConnection second = pool.checkout(g);
    CompletableFuture<PooledConnection> f = pool.checkoutAsync(g);
    awaitWaiting(pool, eps, 1);
    assertTrue(f.cancel(false));
    assertEquals(0, waiting(pool, eps), "left the member's queue inside cancel()");
    first.close();
    second.close();
    assertEquals(2, eps.stream().mapToInt(e -> pool.stats(e).idle()).sum(), "both went idle");
    assertTrue(pool.stats(g).members().stream().allMatch(m -> m.inFlight() == 0));
  }

  @Test
  void aConnectionHandedToAGroupFutureCancelledMeanwhileGoesBackToThePool() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    CountDownLatch stepQueued = new CountDownLatch(1);
    ExecutorService threads = Executors.newCachedThreadPool();
    // the pool's steps wait at the gate: the member's hand-off has happened, the member future's
    // completion has not, when the group future is cancelled
    Executor gated =
        task ->
            threads.execute(
                () -> {
                  stepQueued.countDown();
                  try {
                    gate.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  task.run();
                });
    try {
      SocketPool pool =
          keep(SocketPool.create(config("async-race", 1).asyncExecutor(gated).build()));
      List<Endpoint> eps = peers(2);
      EndpointGroup g = EndpointGroup.of("two", eps);
      PooledConnection first = pool.checkout(g);
      PooledConnection second = pool.checkout(g);
      CompletableFuture<PooledConnection> f = pool.checkoutAsync(g);
      awaitWaiting(pool, eps, 1);
      PooledConnection held = pool.stats(first.endpoint()).waiting() == 1 ? first : second;
      held.close(); // handed to f's member checkout: its step is queued at the gate
      assertTrue(stepQueued.await(10, TimeUnit.SECONDS));
      assertTrue(f.cancel(false));
      gate.countDown();
      Endpoint e = held.endpoint();
      assertTrue(
          ProcessResources.awaitTrue(() -> pool.stats(e).idle() == 1, Duration.ofSeconds(10)),
          () -> "the connection went back idle: " + pool.stats(e));
      PooledConnection again = pool.checkout(e);
      ping(again);
      again.close();
      (held == first ? second : first).close();
      assertTrue(pool.stats(g).members().stream().allMatch(m -> m.inFlight() == 0));
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aFullGroupTimesOutAtTheDeadline() throws Exception {
    SocketPool pool = keep(SocketPool.create(config("async-deadline", 1).build()));
    List<Endpoint> eps = peers(2);
    EndpointGroup g = EndpointGroup.of("two", eps);
    PooledConnection first = pool.checkout(g);
    PooledConnection second = pool.checkout(g);
    long start = System.nanoTime();
    Throwable t = failureOf(pool.checkoutAsync(g, Duration.ofMillis(300)));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertInstanceOf(CheckoutTimeoutException.class, t);
    assertTrue(tookMs >= 290, "timed out after " + tookMs + " ms");
    assertEquals(0, waiting(pool, eps));
    first.close();
    second.close();
    assertEquals(1, pool.stats(g).failedCalls());
  }

  @Test
  void aGroupWithNoMemberToTryFailsTheFutureWithGroupUnavailable() throws Exception {
    SocketPool pool =
        keep(
            SocketPool.create(
                config("async-unavailable", 1)
                    .circuitBreakerConfig(
                        CircuitBreakerConfig.custom()
                            .slidingWindowSize(2)
                            .minimumNumberOfCalls(1)
                            .waitDurationInOpenState(Duration.ofSeconds(30))
                            .build())
                    .build()));
    int[] ports = FakePeer.closedPorts(2); // two closedPort() calls may give the same port
    EndpointGroup g =
        EndpointGroup.builder("down")
            .member(Endpoint.of("127.0.0.1", ports[0]))
            .member(Endpoint.of("127.0.0.1", ports[1]))
            .outlierDetection(OutlierDetection.DEFAULTS.withConsecutiveFailures(1))
            .build();
    Throwable firstCall = failureOf(pool.checkoutAsync(g));
    assertInstanceOf(CheckoutException.class, firstCall);
    assertEquals(1, firstCall.getSuppressed().length, "both members were tried: " + firstCall);
    long t0 = System.nanoTime();
    Throwable second = failureOf(pool.checkoutAsync(g));
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1), "at once");
    assertInstanceOf(GroupUnavailableException.class, second);
    assertEquals(2, pool.stats(g).failedCalls());
  }

  @Test
  void executeAsyncOnAGroupReturnsTheConnectionWhenTheStageCompletes() throws Exception {
    SocketPool pool = keep(SocketPool.create(config("async-execute", 2).build()));
    List<Endpoint> eps = peers(2);
    EndpointGroup g = EndpointGroup.of("two", eps);
    Endpoint served =
        pool.executeAsync(
                g,
                c -> {
                  try {
                    ping(c);
                  } catch (java.io.IOException e) {
                    return CompletableFuture.failedFuture(e);
                  }
                  return CompletableFuture.completedFuture(c.endpoint());
                })
            .get(10, TimeUnit.SECONDS);
    assertTrue(eps.contains(served));
    assertEquals(1, pool.stats(served).idle(), "the connection went back");
    assertEquals(1, pool.stats(g).calls());
  }

  @Test
  void aClosedPoolReturnsAFailedGroupFuture() throws Exception {
    SocketPool pool = SocketPool.create(config("async-closed", 1).build());
    EndpointGroup g = EndpointGroup.of("two", peers(2));
    pool.close();
    assertInstanceOf(IllegalStateException.class, failureOf(pool.checkoutAsync(g)));
  }

  private static Set<String> threads() {
    Set<String> names = new HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (!t.getName().contains("CompilerThread") && !t.getName().startsWith("fake-peer")) {
        names.add(t.getName() + "#" + t.getId());
      }
    }
    return names;
  }
}
