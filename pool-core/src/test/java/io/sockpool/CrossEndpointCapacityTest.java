package io.sockpool;

import static io.sockpool.TestSupport.endpoint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.ProcessResources;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Capacity held idle by one endpoint is reclaimed for another endpoint within the other's deadline,
 * oldest idle connection first: {@code maxTotal} is shared, and idle connections must not starve a
 * busy endpoint until their idle timeout.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CrossEndpointCapacityTest {
  private static final int MAX_TOTAL = 4;

  private static PoolConfig config() {
    return PoolConfig.builder()
        .maxTotal(MAX_TOTAL)
        .maxPerEndpoint(MAX_TOTAL)
        .checkoutTimeout(Duration.ofSeconds(2))
        .idleTimeout(Duration.ofMinutes(5))
        .build();
  }

  @Test
  void checkoutOfAnotherEndpointReclaimsTheOldestIdleConnection() throws Exception {
    try (FakePeer a = new FakePeer();
        FakePeer b = new FakePeer();
        SocketPool pool = SocketPool.create(config())) {
      List<SocketChannel> byAge = fillWithIdle(pool, endpoint(a));
      assertEquals(MAX_TOTAL, pool.stats(endpoint(a)).idle());

      long start = System.nanoTime();
      try (PooledConnection c = pool.checkout(endpoint(b), Duration.ofSeconds(1))) {
        TestSupport.ping(c);
      }
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(tookMillis < 900, "served well within its 1 s deadline, took " + tookMillis);
      EndpointStats sa = pool.stats(endpoint(a));
      assertEquals(
          1, sa.destroyed(DestroyReason.IDLE), "one idle connection of A reclaimed: " + sa);
      assertEquals(MAX_TOTAL - 1, sa.idle(), sa.toString());
      assertFalse(byAge.get(0).isOpen(), "the oldest idle connection of A went first");
      for (SocketChannel younger : byAge.subList(1, byAge.size())) {
        assertTrue(younger.isOpen(), "younger idle connections of A stay");
      }
      assertEquals(
          MAX_TOTAL - 1,
          ProcessResources.awaitAtMost(a::open, MAX_TOTAL - 1, Duration.ofSeconds(5)));
    }
  }

  @Test
  void parkedCheckoutGetsTheCapacityOfAConnectionThatGoesIdleLater() throws Exception {
    try (FakePeer a = new FakePeer();
        FakePeer b = new FakePeer();
        SocketPool pool = SocketPool.create(config())) {
      List<PooledConnection> held = new ArrayList<>();
      for (int i = 0; i < MAX_TOTAL; i++) {
        held.add(pool.checkout(endpoint(a)));
      }
      CompletableFuture<Long> waiter =
          CompletableFuture.supplyAsync(
              () -> {
                long start = System.nanoTime();
                try (PooledConnection c = pool.checkout(endpoint(b), Duration.ofSeconds(10))) {
                  TestSupport.ping(c);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
                return System.nanoTime() - start;
              });
      assertEquals(
          0,
          ProcessResources.awaitAtMost(
              () -> 1 - waitingOn(pool, endpoint(b)), 0, Duration.ofSeconds(5)),
          "B's checkout is parked on the global limit");

      long returned = System.nanoTime();
      held.remove(0).close(); // A has no waiter: the connection would go idle
      long waitedNanos = waiter.get(5, TimeUnit.SECONDS);
      long afterReturnMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - returned);
      assertTrue(
          afterReturnMillis < 2000,
          "served soon after A's connection went idle, not at the deadline: " + afterReturnMillis);
      assertTrue(waitedNanos < TimeUnit.SECONDS.toNanos(10));
      assertEquals(1, pool.stats(endpoint(a)).destroyed(DestroyReason.IDLE));
      for (PooledConnection c : held) {
        c.close();
      }
    }
  }

  @Test
  void aFullEndpointDoesNotReclaimAnotherEndpointsIdleConnections() throws Exception {
    try (FakePeer a = new FakePeer();
        FakePeer b = new FakePeer();
        SocketPool pool =
            SocketPool.create(
                PoolConfig.builder()
                    .maxTotal(MAX_TOTAL)
                    .maxPerEndpoint(2)
                    .idleTimeout(Duration.ofMinutes(5))
                    .build())) {
      fillWithIdle(pool, endpoint(a), 2);
      try (PooledConnection b1 = pool.checkout(endpoint(b));
          PooledConnection b2 = pool.checkout(endpoint(b))) {
        assertTrue(b1 != b2);
        long start = System.nanoTime();
        try {
          pool.checkout(endpoint(b), Duration.ofMillis(200)).close();
          throw new AssertionError("B is at its own limit: the checkout must time out");
        } catch (CheckoutTimeoutException expected) {
          assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(200));
        }
      }
      assertEquals(2, pool.stats(endpoint(a)).idle(), "A's idle connections are untouched");
      assertEquals(0, pool.stats(endpoint(a)).destroyedTotal());
    }
  }

  private static List<SocketChannel> fillWithIdle(SocketPool pool, Endpoint e) throws Exception {
    return fillWithIdle(pool, e, MAX_TOTAL);
  }

  /**
   * Checks out {@code n} connections, then returns them one by one, so that the first returned is
   * the oldest idle one.
   *
   * @return their channels, oldest idle first
   */
  private static List<SocketChannel> fillWithIdle(SocketPool pool, Endpoint e, int n)
      throws Exception {
    List<PooledConnection> held = new ArrayList<>();
    List<SocketChannel> channels = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      PooledConnection c = pool.checkout(e);
      TestSupport.ping(c);
      held.add(c);
    }
    for (PooledConnection c : held) {
      channels.add(c.channel()); // raw mode: the pool must be told the exchange is complete
      c.exchangeComplete();
      c.close();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // distinct idle ages
    }
    return channels;
  }

  private static int waitingOn(SocketPool pool, Endpoint e) {
    EndpointStats s = pool.stats(e);
    return s == null ? 0 : s.waiting();
  }
}
