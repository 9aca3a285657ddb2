package io.sockpool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.sockpool.Endpoint;
import io.sockpool.EndpointStats;
import io.sockpool.PoolConfig;
import io.sockpool.SocketPool;
import io.sockpool.internal.metrics.Listeners;
import io.sockpool.internal.resolve.Names;
import io.sockpool.testkit.FakePeer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pool's state cached in the {@link Endpoint} instance ({@link EndpointCache}): a checkout
 * through the instance the state was made with uses it, a second pool on the same instance never
 * gets the first pool's state (or its connections), and neither a forgotten endpoint nor a closed
 * pool stays reachable from a user's endpoint constant.
 */
@Timeout(30)
class EndpointCacheTest {
  private FakePeer peer;
  private Endpoint endpoint;

  @BeforeEach
  void startPeer() throws Exception {
    peer = new FakePeer();
    endpoint = Endpoint.of(peer.host(), peer.port());
  }

  @AfterEach
  void stopPeer() {
    peer.close();
  }

  private static SocketPool pool(String name) {
    return SocketPool.create(PoolConfig.builder().poolName(name).build());
  }

  @Test
  void theInstanceAStateWasMadeWithCachesIt() throws Exception {
    try (SocketPool pool = pool("cached")) {
      pool.checkout(endpoint).close();
      Object cached = EndpointCache.get(endpoint);
      assertNotNull(cached, "the first checkout's instance holds the pool's state");
      pool.checkout(endpoint).close();
      assertSame(cached, EndpointCache.get(endpoint), "the second checkout found the same state");
      assertEquals(2, pool.stats().total().checkouts());
    }
  }

  @Test
  void anEqualInstanceMadePerCallIsNotWrittenTo() throws Exception {
    try (SocketPool pool = pool("per-call")) {
      pool.checkout(endpoint).close();
      Endpoint again = Endpoint.of(peer.host(), peer.port());
      pool.checkout(again).close();
      assertNull(EndpointCache.get(again), "no store per call for a new instance");
      assertEquals(2, pool.stats().byEndpoint().get(endpoint).checkouts(), "one state for both");
    }
  }

  @Test
  void aSecondPoolOnTheSameInstanceUsesItsOwnStateAndConnections() throws Exception {
    try (SocketPool first = pool("first");
        SocketPool second = pool("second")) {
      first.checkout(endpoint).close();
      Object firstState = EndpointCache.get(endpoint);
      for (int i = 0; i < 3; i++) {
        second.checkout(endpoint).close();
      }
      assertSame(firstState, EndpointCache.get(endpoint), "the first pool keeps the instance");
      EndpointStats a = first.stats().byEndpoint().get(endpoint);
      EndpointStats b = second.stats().byEndpoint().get(endpoint);
      assertEquals(1, a.checkouts(), "the second pool's checkouts went to its own state");
      assertEquals(3, b.checkouts());
      assertEquals(1, a.created());
      assertEquals(1, b.created(), "the second pool connected for itself");
      waitFor(() -> peer.accepted() == 2); // the peer counts its accepts in its own thread
    }
  }

  @Test
  void closingThePoolLetsGoOfTheCachedStateAndTheNextPoolCachesItsOwn() throws Exception {
    Object closedState;
    try (SocketPool pool = pool("closing")) {
      pool.checkout(endpoint).close();
      closedState = EndpointCache.get(endpoint);
      assertNotNull(closedState);
    }
    assertNull(EndpointCache.get(endpoint), "a closed pool is not reachable from the endpoint");
    try (SocketPool next = pool("next")) {
      next.checkout(endpoint).close();
      Object nextState = EndpointCache.get(endpoint);
      assertNotNull(nextState);
      assertNotSame(closedState, nextState);
    }
  }

  @Test
  void aForgottenEndpointIsNotLeftCachedAndComesBackAsANewState() throws Exception {
    try (SocketPool pool =
        SocketPool.create(
            PoolConfig.builder()
                .poolName("forgetting")
                .idleTimeout(Duration.ofMillis(200))
                .evictionInterval(Duration.ofMillis(50))
                .build())) {
      pool.checkout(endpoint).close();
      Object before = EndpointCache.get(endpoint);
      assertNotNull(before);
      waitFor(() -> pool.stats().byEndpoint().isEmpty());
      assertNull(EndpointCache.get(endpoint), "the forgotten state was cleared from the endpoint");
      pool.checkout(endpoint).close();
      Object after = EndpointCache.get(endpoint);
      assertNotNull(after);
      assertNotSame(before, after, "a new state, cached again");
      assertEquals(2, pool.stats().total().checkouts(), "totals keep the forgotten endpoint");
    }
  }

  /**
   * The race the cacher's second look closes: the state is forgotten between the map's lookup and
   * the store into the endpoint (the forgetting thread found nothing to clear). Without the look at
   * the retiring flag after the store, the forgotten state stays cached.
   */
  @Test
  void aStateForgottenBetweenTheLookupAndTheStoreIsNotLeftCached() {
    PoolConfig config = PoolConfig.builder().poolName("race").build();
    Names names = new Names(config, null, Duration.ofSeconds(1));
    EndpointRegistry registry =
        new EndpointRegistry(CircuitBreakerRegistry.ofDefaults(), names, new Listeners("race"), 4);
    EndpointState first = registry.state(endpoint);
    assertSame(first, EndpointCache.get(endpoint));
    EndpointCache.clear(endpoint, first); // the next lookup goes to the map
    registry.afterLookup =
        () -> {
          registry.afterLookup = () -> {};
          assertEquals(1, registry.forgetIdle(System.nanoTime() + TimeUnit.SECONDS.toNanos(1)));
        };
    EndpointState found = registry.state(endpoint);
    assertSame(first, found, "the lookup returned what it found (its caller then sees it retired)");
    assertTrue(found.retired());
    assertNull(EndpointCache.get(endpoint), "a forgotten state left cached in the endpoint");
    EndpointState next = registry.state(endpoint);
    assertNotSame(first, next, "the next lookup makes a new state");
    assertSame(next, EndpointCache.get(endpoint));
  }

  private static void waitFor(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < end, "condition not met in 20 s");
      Thread.sleep(20);
    }
  }
}
