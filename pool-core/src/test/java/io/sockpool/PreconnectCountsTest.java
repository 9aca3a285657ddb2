package io.sockpool;

import static io.sockpool.TestSupport.endpoint;
import static io.sockpool.TestSupport.ping;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.FakePeerExtension;
import io.sockpool.testkit.ProcessResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The pool counts who opened each connection: a waiting checkout (on demand), predictive
 * preconnect, or warm-up and min-idle; per endpoint and in total, against the connections a real
 * peer accepted.
 */
@Timeout(60)
@ExtendWith(FakePeerExtension.class)
class PreconnectCountsTest {
  private FakePeer peer;

  private static SocketPool pool() {
    return SocketPool.create(
        PoolConfig.builder()
            .maxPerEndpoint(8)
            .maxTotal(16)
            .checkoutTimeout(Duration.ofSeconds(30))
            .build());
  }

  @Test
  void checkoutsThatFindNoIdleConnectionCountAsOnDemandAndWarmUpAsAhead() throws Exception {
    try (SocketPool pool = pool()) {
      Endpoint ep = endpoint(peer);
      assertEquals(2, pool.warmUp(ep, 2));
      List<PooledConnection> held = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        held.add(pool.checkout(ep)); // two idle ones, then one connect
      }
      for (PooledConnection c : held) {
        ping(c);
        c.close();
      }
      EndpointStats s = pool.stats(ep);
      assertEquals(3, s.created(), s.toString());
      assertEquals(1, s.createdOnDemand(), "the third checkout found none idle: " + s);
      assertEquals(0, s.createdByPreconnect(), "preconnect is off: " + s);
      assertEquals(2, s.createdAhead(), "warm-up opened two: " + s);
      assertEquals(peer.accepted(), s.created(), "every connection the peer accepted");
    }
  }

  @Test
  void preconnectsOwnOpensAreCountedApartPerEndpointAndInTotal() throws Exception {
    try (FakePeer other = new FakePeer();
        SocketPool pool = pool()) {
      Endpoint ep = endpoint(peer);
      Endpoint warm = endpoint(other);
      assertEquals(1, pool.warmUp(warm, 1)); // an endpoint preconnect never sees traffic for
      pool.preconnect(
          new PreconnectPolicy(
              0.01,
              Duration.ofMillis(200),
              Duration.ofMillis(10),
              Duration.ofMillis(50),
              Duration.ofSeconds(1)));
      // one caller at a time, back to back, needs one connection; for at most 1 % waiting the
      // model asks for two or more at such a rate, so preconnect opens the second (or more)
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      boolean preconnected = false;
      while (!preconnected && System.nanoTime() - deadline < 0) {
        try (PooledConnection c = pool.checkout(ep)) {
          ping(c);
        }
        preconnected = pool.stats(ep).createdByPreconnect() >= 1;
      }
      assertTrue(preconnected, "preconnect opened nothing: " + pool.stats(ep));
      pool.stopPreconnect();
      // a connect preconnect started just before may still end: wait for the count to settle
      ProcessResources.awaitStable(
          () -> pool.stats(ep).created() * 100 + pool.stats(ep).connecting(),
          Duration.ofMillis(300),
          Duration.ofSeconds(10));
      EndpointStats s = pool.stats(ep);
      assertEquals(1, s.createdOnDemand(), "only the first checkout found none idle: " + s);
      assertEquals(s.created(), s.createdOnDemand() + s.createdByPreconnect(), s.toString());
      assertEquals(0, s.createdAhead(), s.toString());
      assertEquals(peer.accepted(), s.created(), "every connection the peer accepted");

      EndpointStats w = pool.stats(warm);
      assertEquals(1, w.createdAhead(), w.toString());
      assertEquals(0, w.createdByPreconnect() + w.createdOnDemand(), w.toString());

      EndpointStats total = pool.stats().total();
      assertEquals(s.created() + w.created(), total.created(), total.toString());
      assertEquals(s.createdByPreconnect(), total.createdByPreconnect(), total.toString());
      assertEquals(1, total.createdOnDemand(), total.toString());
      assertEquals(1, total.createdAhead(), total.toString());
    }
  }
}
