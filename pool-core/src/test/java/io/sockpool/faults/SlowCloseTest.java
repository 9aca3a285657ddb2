package io.sockpool.faults;

import static io.sockpool.faults.FaultKit.MARGIN;
import static io.sockpool.faults.FaultKit.millis;
import static io.sockpool.faults.FaultKit.millisSince;
import static io.sockpool.faults.FaultKit.ping;
import static io.sockpool.faults.FaultKit.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import io.sockpool.DestroyReason;
import io.sockpool.Endpoint;
import io.sockpool.EndpointStats;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.testkit.ToxiproxyExtension;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * slow_close: the peer closes its connections (a server idle timeout or restart) but the close
 * reaches the pool only after a delay. Until then the idle connections look alive to the cheap
 * probe, yet nobody answers on them.
 */
class SlowCloseTest {
  @RegisterExtension static final ToxiproxyExtension TOXIPROXY = new ToxiproxyExtension();

  private static final long CLOSE_DELAY_MILLIS = 1500;
  private static final int IDLE = 2;
  private static final Duration DEADLINE = Duration.ofSeconds(2);

  @Test
  @Timeout(30)
  void connectionsWhoseCloseIsDelayedAreDestroyedCleanlyAndNeverHandedOut(ToxiproxyClient client)
      throws Exception {
    try (FaultFixture f = FaultFixture.open(TOXIPROXY, client, "faults-slow-close")) {
      Proxy proxy = f.proxy("slow-close");
      Endpoint ep = f.endpoint(proxy);
      SocketPool pool = f.pool(FaultKit.config().maxPerEndpoint(4).validationWindow(Duration.ZERO));
      assertEquals(IDLE, pool.warmUp(ep, IDLE));
      proxy.toxics().slowClose("slow-close", ToxicDirection.DOWNSTREAM, CLOSE_DELAY_MILLIS);

      long closedAt = System.nanoTime();
      f.upstream().closeAll();
      assertTrue(
          f.upstream().awaitOpenAtMost(0, Duration.ofSeconds(5)), "the peer closed its side");

      long start = System.nanoTime();
      SocketChannel served;
      try (PooledConnection c = pool.checkout(ep, DEADLINE)) {
        long checkoutMillis = millisSince(start);
        served = c.channel();
        ping(c, Duration.ofSeconds(1));
        long sinceClose = millisSince(closedAt);
        EndpointStats s = pool.stats(ep);
        assertEquals(
            IDLE,
            s.destroyed(DestroyReason.VALIDATION),
            "both half-closed idle connections failed validation: " + s);
        assertEquals(IDLE + 1, s.created(), "the checkout was served by a new connection: " + s);
        assertTrue(
            checkoutMillis < DEADLINE.toMillis() + MARGIN.toMillis(),
            "served after " + checkoutMillis + " ms, deadline " + DEADLINE.toMillis() + " ms");
        assertTrue(
            sinceClose < CLOSE_DELAY_MILLIS,
            "served "
                + sinceClose
                + " ms after the peer closed: "
                + "the delayed close must not have arrived yet, or this case tested nothing");
        report(
            "slow-close",
            "peer closed, close delayed %d ms: checkout noticed both idle connections "
                + "(validation timeout), destroyed them and served a new one after %d ms (%d ms after the "
                + "peer closed, before the delayed close arrived)",
            CLOSE_DELAY_MILLIS,
            checkoutMillis,
            sinceClose);

        // Destroying a connection never waits for the peer's (slow) close.
        long t = System.nanoTime();
        c.invalidate();
        long invalidateNanos = System.nanoTime() - t;
        assertFalse(served.isOpen(), "closed at once");
        assertTrue(
            invalidateNanos < TimeUnit.MILLISECONDS.toNanos(200),
            "invalidate took "
                + millis(invalidateNanos)
                + " ms with a "
                + CLOSE_DELAY_MILLIS
                + " ms slow close");
        report(
            "slow-close",
            "invalidate() returned after %.2f ms, socket closed at once",
            millis(invalidateNanos));
      }
      EndpointStats s = pool.stats(ep);
      assertEquals(s.created(), s.destroyedTotal(), "nothing left: " + s);
      assertEquals(1, s.destroyed(DestroyReason.BROKEN), s.toString());
      f.assertNoLeaks();
    }
  }
}
