package io.sockpool;

import static io.sockpool.TestSupport.endpoint;
import static io.sockpool.TestSupport.ping;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.FakePeerExtension;
import io.sockpool.testkit.ProcessResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(60)
@ExtendWith(FakePeerExtension.class)
class ResizeTest {
  private FakePeer peer;

  private SocketPool pool(int perEndpoint) {
    return SocketPool.create(
        PoolConfig.builder()
            .maxPerEndpoint(perEndpoint)
            .maxTotal(8)
            .checkoutTimeout(Duration.ofSeconds(30))
            .build());
  }

  @Test
  void shrinkingClosesIdleConnectionsFirstAndNeverInterruptsAHolder() throws Exception {
    try (SocketPool pool = pool(4)) {
      List<PooledConnection> held = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        held.add(pool.checkout(endpoint(peer)));
      }
      held.remove(3).close();
      held.remove(2).close(); // two idle, two held
      pool.resize(8, 1, 0);
      assertEquals(0, pool.stats(endpoint(peer)).idle(), "the idle ones closed at once");
      assertEquals(2, pool.stats(endpoint(peer)).active(), "the holders keep theirs");
      for (PooledConnection c : held) {
        ping(c); // still usable
      }
      held.get(0).close(); // over the new limit: closed on return
      assertEquals(0, pool.stats(endpoint(peer)).idle());
      held.get(1).close(); // now at the limit: kept
      assertEquals(1, pool.stats(endpoint(peer)).idle());
      assertEquals(new PoolLimits(8, 1, 0), pool.limits());
    }
  }

  @Test
  void growingServesWaitingCallersAtOnce() throws Exception {
    try (SocketPool pool = pool(1)) {
      PooledConnection c = pool.checkout(endpoint(peer));
      CompletableFuture<PooledConnection> waiting = pool.checkoutAsync(endpoint(peer));
      assertTrue(
          ProcessResources.awaitTrue(
              () -> pool.stats(endpoint(peer)).waiting() == 1, Duration.ofSeconds(10)));
      pool.resize(8, 2, 0);
      PooledConnection second = waiting.get(10, TimeUnit.SECONDS); // without any return
      ping(second);
      second.close();
      c.close();
      assertEquals(2, peer.accepted());
    }
  }

  @Test
  void badLimitsAreRejectedNamingTheField() {
    try (SocketPool pool = pool(1)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> pool.resize(0, 1, 0));
      assertTrue(e.getMessage().startsWith("maxTotal must be >= 1, but was 0"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> pool.resize(4, 5, 0));
      assertTrue(e.getMessage().contains("maxPerEndpoint must be >= 1 and <= maxTotal (4)"));
      e = assertThrows(IllegalArgumentException.class, () -> pool.resize(4, 2, -1));
      assertTrue(e.getMessage().contains("minIdlePerEndpoint"), e.getMessage());
      e =
          assertThrows(
              IllegalArgumentException.class,
              () -> PoolConfig.builder().maxConnectingPerEndpoint(0));
      assertEquals("maxConnectingPerEndpoint must be >= 1, but was 0", e.getMessage());
    }
  }
}
