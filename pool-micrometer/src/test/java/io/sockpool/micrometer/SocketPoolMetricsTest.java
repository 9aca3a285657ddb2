package io.sockpool.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sockpool.CheckoutException;
import io.sockpool.CheckoutTimeoutException;
import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.PoolExhaustedException;
import io.sockpool.PoolListener;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.testkit.FakePeer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.DoubleSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The binder against a SimpleMeterRegistry, a real pool and a real echo server. */
@Timeout(30)
class SocketPoolMetricsTest {
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private FakePeer server;
  private Endpoint echo;

  @BeforeEach
  void startServer() throws Exception {
    server = FakePeer.echo();
    echo = Endpoint.of("127.0.0.1", server.port());
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private static PoolConfig.Builder config(String name) {
    return PoolConfig.builder().poolName(name).maxPerEndpoint(3).maxTotal(6).minIdlePerEndpoint(1);
  }

  private double gauge(String name, String pool, Endpoint e) {
    return registry.get(name).tags("pool", pool, "endpoint", e.toString()).gauge().value();
  }

  private double counter(String name, String pool, Endpoint e, String... tags) {
    return registry
        .get(name)
        .tags("pool", pool, "endpoint", e.toString())
        .tags(tags)
        .functionCounter()
        .count();
  }

  private Timer timer(String name, String pool, Endpoint e) {
    return registry.get(name).tags("pool", pool, "endpoint", e.toString()).timer();
  }

  private List<Meter> metersOf(String pool) {
    return registry.getMeters().stream()
        .filter(m -> pool.equals(m.getId().getTag("pool")))
        .collect(Collectors.toList());
  }

  private static void echoOnce(PooledConnection c) throws Exception {
    c.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), Duration.ofSeconds(2));
    c.readFully(ByteBuffer.allocate(3), Duration.ofSeconds(2));
    c.exchangeComplete();
  }

  /** Polls a value until it matches, for state another thread changes. */
  private static void await(DoubleSupplier value, double expected) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (value.getAsDouble() != expected && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(1_000_000);
    }
    assertEquals(expected, value.getAsDouble());
  }

  @Test
  void gaugesAndTimersFollowCheckoutsAndReturns() throws Exception {
    try (SocketPool pool = SocketPool.create(config("p1").build());
        SocketPoolMetrics metrics = new SocketPoolMetrics(pool)) {
      assertEquals(2, pool.warmUp(echo, 2));
      metrics.bindTo(registry);
      assertEquals(0, gauge(MeterNames.ACTIVE, "p1", echo));
      assertEquals(2, gauge(MeterNames.IDLE, "p1", echo));
      assertEquals(2, gauge(MeterNames.CONNECTIONS, "p1", echo));
      assertEquals(3, gauge(MeterNames.MAX, "p1", echo));
      assertEquals(1, gauge(MeterNames.MIN, "p1", echo));
      assertEquals(2, counter(MeterNames.CREATED, "p1", echo), "counts from before binding too");
      assertEquals(2, counter(MeterNames.CREATED_BY_ORIGIN, "p1", echo, "origin", "warm_up"));
      assertEquals(0, counter(MeterNames.CREATED_BY_ORIGIN, "p1", echo, "origin", "checkout"));
      assertEquals(0, counter(MeterNames.CREATED_BY_ORIGIN, "p1", echo, "origin", "preconnect"));

      long outer;
      try (PooledConnection c = pool.checkout(echo)) {
        assertEquals(1, gauge(MeterNames.ACTIVE, "p1", echo));
        assertEquals(1, gauge(MeterNames.IDLE, "p1", echo));
        long start = System.nanoTime();
        echoOnce(c);
        outer = System.nanoTime() - start;
      }
      assertEquals(0, gauge(MeterNames.ACTIVE, "p1", echo));
      assertEquals(2, gauge(MeterNames.IDLE, "p1", echo));
      assertEquals(1, timer(MeterNames.ACQUIRE, "p1", echo).count());
      Timer usage = timer(MeterNames.USAGE, "p1", echo);
      assertEquals(1, usage.count());
      assertTrue(
          usage.totalTime(TimeUnit.NANOSECONDS) >= outer,
          "held at least as long as the echo took: "
              + usage.totalTime(TimeUnit.NANOSECONDS)
              + " ns");
      assertEquals(1, gauge(MeterNames.SIZING_RATE, "p1", echo) > 0 ? 1 : 0, "live sizing saw it");
    }
  }

  @Test
  void countsTimeoutsRejectionsPendingCallersAndDestroyedConnections() throws Exception {
    PoolConfig cfg =
        config("p2")
            .maxPerEndpoint(1)
            .maxTotal(1)
            .minIdlePerEndpoint(0)
            .maxWaitersPerEndpoint(1)
            .build();
    try (SocketPool pool = SocketPool.create(cfg);
        SocketPoolMetrics metrics = new SocketPoolMetrics(pool)) {
      metrics.bindTo(registry);
      PooledConnection held = pool.checkout(echo);
      assertEquals(1, counter(MeterNames.CREATED_BY_ORIGIN, "p2", echo, "origin", "checkout"));
      assertEquals(0, counter(MeterNames.CREATED_BY_ORIGIN, "p2", echo, "origin", "warm_up"));
      CountDownLatch started = new CountDownLatch(1);
      AtomicBoolean timedOut = new AtomicBoolean();
      Thread waiter =
          new Thread(
              () -> {
                started.countDown();
                try {
                  pool.checkout(echo, Duration.ofMillis(300)).close();
                } catch (CheckoutTimeoutException expected) {
                  timedOut.set(true);
                } catch (CheckoutException other) {
                  throw new AssertionError(other);
                }
              });
      waiter.start();
      started.await();
      await(() -> gauge(MeterNames.PENDING, "p2", echo), 1);
      assertThrows(
          PoolExhaustedException.class, () -> pool.checkout(echo), "one waiter is the bound");
      waiter.join();
      assertTrue(timedOut.get());
      assertEquals(0, gauge(MeterNames.PENDING, "p2", echo));
      assertEquals(1, counter(MeterNames.TIMEOUT, "p2", echo));
      assertEquals(1, counter(MeterNames.REJECTED, "p2", echo));

      held.invalidate();
      assertEquals(1, counter(MeterNames.DESTROYED, "p2", echo, "reason", "broken"));
      assertEquals(0, counter(MeterNames.DESTROYED, "p2", echo, "reason", "idle"));
      assertEquals(0, gauge(MeterNames.CONNECTIONS, "p2", echo));
    }
  }

  @Test
  void endpointsThatAppearLaterGetMeters() throws Exception {
    try (FakePeer second = FakePeer.echo();
        SocketPool pool = SocketPool.create(config("p3").build());
        SocketPoolMetrics metrics = new SocketPoolMetrics(pool, Tags.of("service", "billing"))) {
      metrics.bindTo(registry);
      assertTrue(metersOf("p3").isEmpty(), "no endpoint yet");
      Endpoint other = Endpoint.of("127.0.0.1", second.port());
      try (PooledConnection c = pool.checkout(other)) {
        echoOnce(c);
      }
      assertEquals(1, timer(MeterNames.ACQUIRE, "p3", other).count());
      assertEquals(
          "billing",
          registry
              .get(MeterNames.ACTIVE)
              .tags("endpoint", other.toString())
              .gauge()
              .getId()
              .getTag("service"));
      assertTrue(
          registry.find(MeterNames.ACTIVE).tags("endpoint", echo.toString()).meters().isEmpty());
    }
  }

  @Test
  void closingTheBinderRemovesEveryMeterItRegistered() throws Exception {
    try (SocketPool pool = SocketPool.create(config("p4").build())) {
      SocketPoolMetrics metrics = new SocketPoolMetrics(pool);
      metrics.bindTo(registry);
      pool.checkout(echo).close();
      assertTrue(
          metersOf("p4").size() > 20, "pool meters and breaker meters: " + metersOf("p4").size());
      assertTrue(
          metersOf("p4").stream().anyMatch(m -> m.getId().getName().startsWith("resilience4j.")));
      metrics.close();
      assertEquals(List.of(), metersOf("p4"));
      pool.checkout(echo).close(); // the pool goes on, unmeasured
      assertEquals(List.of(), metersOf("p4"));
      assertThrows(IllegalStateException.class, () -> metrics.bindTo(registry));
    }
  }

  @Test
  void closingThePoolRemovesEveryMeter() throws Exception {
    SocketPool pool = SocketPool.create(config("p5").build());
    try (SocketPoolMetrics metrics = new SocketPoolMetrics(pool)) {
      metrics.bindTo(registry);
      pool.checkout(echo).close();
      assertTrue(metersOf("p5").size() > 20);
      pool.close();
      assertEquals(List.of(), metersOf("p5"));
    }
  }

  @Test
  void breakerMetricsComeFromResilience4jAndKeepPoolsApart() throws Exception {
    int deadPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      deadPort = s.getLocalPort();
    }
    Endpoint dead = Endpoint.of("127.0.0.1", deadPort);
    CircuitBreakerConfig breaker =
        CircuitBreakerConfig.custom()
            .slidingWindowSize(2)
            .minimumNumberOfCalls(2)
            .failureRateThreshold(50)
            .waitDurationInOpenState(Duration.ofMinutes(1))
            .build();
    try (SocketPool a = SocketPool.create(config("pa").circuitBreakerConfig(breaker).build());
        SocketPool b = SocketPool.create(config("pb").circuitBreakerConfig(breaker).build());
        SocketPoolMetrics ma = new SocketPoolMetrics(a);
        SocketPoolMetrics mb = new SocketPoolMetrics(b)) {
      ma.bindTo(registry);
      mb.bindTo(registry);
      for (int i = 0; i < 2; i++) {
        assertThrows(CheckoutException.class, () -> a.checkout(dead));
      }
      assertThrows(CheckoutException.class, () -> b.checkout(dead));
      assertEquals(1, breakerState("pa", dead, "open"));
      assertEquals(0, breakerState("pa", dead, "closed"));
      assertEquals(1, breakerState("pb", dead, "closed"), "the same endpoint in another pool");
      assertEquals(0, breakerState("pb", dead, "open"));
      assertEquals(
          1.0,
          registry
                  .get("resilience4j.circuitbreaker.failure.rate")
                  .tags("pool", "pa", "name", dead.toString())
                  .gauge()
                  .value()
              / 100,
          1e-9);
    }
    assertNull(registry.find("resilience4j.circuitbreaker.state").meter(), "all removed on close");
  }

  private double breakerState(String pool, Endpoint e, String state) {
    return registry
        .get("resilience4j.circuitbreaker.state")
        .tags("pool", pool, "name", e.toString(), "state", state)
        .gauge()
        .value();
  }

  @Test
  void creationTimerTimesNewConnections() throws Exception {
    try (SocketPool pool = SocketPool.create(config("p6").build());
        SocketPoolMetrics metrics = new SocketPoolMetrics(pool)) {
      AtomicBoolean heard = new AtomicBoolean();
      pool.addListener(
          new PoolListener() {
            @Override
            public void connected(Endpoint endpoint, long connectNanos) {
              heard.set(true);
            }
          });
      metrics.bindTo(registry);
      assertEquals(2, pool.warmUp(echo, 2));
      assertTrue(heard.get(), "the engine reports connects (PoolListener.connected)");
      assertEquals(2, timer(MeterNames.CREATION, "p6", echo).count());
      assertTrue(timer(MeterNames.CREATION, "p6", echo).max(TimeUnit.NANOSECONDS) > 0);
    }
  }

  @Test
  void rejectsTagsTheBinderSetsItself() {
    try (SocketPool pool = SocketPool.create(config("p7").build())) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> new SocketPoolMetrics(pool, Tags.of("endpoint", "x")));
      assertEquals(
          "extraTags must not contain the key 'endpoint' (set by the binder), but had"
              + " tag(endpoint=x)",
          e.getMessage());
    }
  }
}
