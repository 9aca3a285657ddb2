package io.sockpool;

import static io.sockpool.TestSupport.endpoint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.ProcessResources;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link SocketPool#evict(Endpoint)}: idle connections closed now, checked-out ones on return. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class EvictAndRetireTest {

  @Test
  void evictClosesIdleConnectionsNowAndHeldOnesOnReturn() throws Exception {
    try (FakePeer peer = new FakePeer();
        SocketPool pool = SocketPool.create(PoolConfig.builder().maxPerEndpoint(4).build())) {
      Endpoint e = endpoint(peer);
      assertEquals(3, pool.warmUp(e, 3));
      PooledConnection held = pool.checkout(e);
      TestSupport.ping(held);
      java.nio.channels.SocketChannel heldChannel = held.channel();

      assertEquals(2, pool.evict(e), "the two idle connections");
      awaitOpen(peer, 1);
      EndpointStats afterEvict = pool.stats(e);
      assertEquals(0, afterEvict.idle());
      assertEquals(2, afterEvict.destroyed(DestroyReason.RETIRED));

      TestSupport.ping(held); // still usable while held
      held.close();
      awaitOpen(peer, 0);
      assertEquals(
          3, pool.stats(e).destroyed(DestroyReason.RETIRED), "closed on return, not reused");

      try (PooledConnection fresh = pool.checkout(e)) {
        TestSupport.ping(fresh);
        assertNotSame(heldChannel, fresh.channel());
        fresh.exchangeComplete(); // channel() counts as raw I/O: declare it, or it is destroyed
      }
      assertEquals(1, pool.stats(e).idle(), "connections opened after evict are kept");
    }
  }

  static void awaitOpen(FakePeer peer, int expected) throws InterruptedException {
    ProcessResources.awaitTrue(() -> peer.open() == expected, Duration.ofSeconds(5));
    assertEquals(expected, peer.open(), "connections open at the peer");
  }
}
