package io.sockpool.faults;

import static io.sockpool.faults.FaultKit.echo;
import static io.sockpool.faults.FaultKit.millisSince;
import static io.sockpool.faults.FaultKit.ping;
import static io.sockpool.faults.FaultKit.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import eu.rekawek.toxiproxy.model.toxic.Latency;
import eu.rekawek.toxiproxy.model.toxic.ResetPeer;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.sockpool.DestroyReason;
import io.sockpool.Endpoint;
import io.sockpool.EndpointStats;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.testkit.ToxiproxyExtension;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Faults in the middle of a borrower's exchange: the peer resets the connection, or its reply comes
 * after the borrower gave up. Either way the connection is destroyed when it comes back, never made
 * idle, and the next borrower gets a clean one.
 */
class MidExchangeFaultsTest {
  @RegisterExtension static final ToxiproxyExtension TOXIPROXY = new ToxiproxyExtension();

  /**
   * reset_peer on the reply stream: the peer gets the request, the reply is dropped and the
   * connection torn down. Added to a live connection Toxiproxy closes it (FIN); in place when the
   * connection was opened, it resets it (RST, SO_LINGER 0).
   */
  @ParameterizedTest(name = "reset_peer in place {0} the connection opened")
  @ValueSource(strings = {"after", "before"})
  @Timeout(30)
  void resetPeerMidExchangeInvalidatesTheConnectionAndItIsNeverIdleAgain(
      String when, ToxiproxyClient client) throws Exception {
    boolean before = when.equals("before");
    try (FaultFixture f = FaultFixture.open(TOXIPROXY, client, "faults-reset-peer-" + when)) {
      Proxy proxy = f.proxy("reset-peer-" + when);
      Endpoint ep = f.endpoint(proxy);
      SocketPool pool = f.pool(FaultKit.config().maxPerEndpoint(2));
      ResetPeer reset = null;
      if (before) {
        reset = proxy.toxics().resetPeer("reset", ToxicDirection.DOWNSTREAM, 0);
      }

      PooledConnection c = pool.checkout(ep);
      SocketChannel raw = c.channel();
      if (!before) {
        ping(c, Duration.ofSeconds(1)); // a first exchange works
        reset = proxy.toxics().resetPeer("reset", ToxicDirection.DOWNSTREAM, 0);
      }
      IOException failure =
          assertThrows(
              IOException.class,
              () -> ping(c, Duration.ofSeconds(2)),
              "the exchange fails when the peer resets the connection");
      c.close(); // the holder returns it as usual, without invalidating it itself

      EndpointStats s = pool.stats(ep);
      assertFalse(raw.isOpen(), "the reset connection was closed on return");
      assertEquals(0, s.idle(), "the reset connection is not idle: " + s);
      assertEquals(1, s.destroyed(DestroyReason.BROKEN), "destroyed as BROKEN: " + s);

      reset.remove();
      try (PooledConnection next = pool.checkout(ep)) {
        assertNotSame(raw, next.channel(), "the next borrower gets another connection");
        ping(next, Duration.ofSeconds(1));
      }
      s = pool.stats(ep);
      assertEquals(2, s.created(), "one new connection replaced the reset one: " + s);
      assertEquals(1, s.idle());
      report(
          "reset-peer-" + when,
          "holder saw %s: %s; connection destroyed as BROKEN on return, "
              + "idle=0; next borrower served on a new connection",
          failure.getClass().getSimpleName(),
          failure.getMessage());
      f.assertNoLeaks();
    }
  }

  /**
   * The peer kills an idle pooled connection at the first exchange (reset_peer added to the live
   * connection: the reply is dropped and the connection closed). The peer is fine again by the time
   * of the retry (the operation removes the toxic after its first failure), so {@code
   * executeIdempotent} costs the caller nothing, while plain {@code execute} surfaces the failure;
   * both destroy the dead connection.
   */
  @Test
  @Timeout(30)
  void executeIdempotentRetriesOnceOnAFreshConnectionWhenTheFirstDiesAtItsFirstRead(
      ToxiproxyClient client) throws Exception {
    try (FaultFixture f = FaultFixture.open(TOXIPROXY, client, "faults-idempotent-retry")) {
      Proxy proxy = f.proxy("idempotent-retry");
      Endpoint ep = f.endpoint(proxy);
      SocketPool pool = f.pool(FaultKit.config().maxPerEndpoint(2));

      // Plain execute: the caller sees the failure, the connection is destroyed.
      assertEquals(1, pool.warmUp(ep, 1));
      ResetPeer kill = proxy.toxics().resetPeer("kill", ToxicDirection.DOWNSTREAM, 0);
      assertThrows(
          IOException.class,
          () ->
              pool.execute(
                  ep,
                  c -> {
                    echo(c, "once", Duration.ofSeconds(1));
                    return "once";
                  }));
      kill.remove();
      assertEquals(1, pool.stats(ep).destroyed(DestroyReason.BROKEN));
      assertEquals(0, pool.stats(ep).idle());

      // executeIdempotent: the same fault costs the caller nothing.
      assertEquals(1, pool.warmUp(ep, 1));
      ResetPeer killAgain = proxy.toxics().resetPeer("kill-again", ToxicDirection.DOWNSTREAM, 0);
      java.util.List<String> attempts = new java.util.concurrent.CopyOnWriteArrayList<>();
      String result =
          pool.executeIdempotent(
              ep,
              c -> {
                attempts.add(c.channel().toString());
                try {
                  echo(c, "twice", Duration.ofSeconds(1));
                  return "twice";
                } catch (IOException dead) {
                  killAgain.remove(); // the peer is healthy again for the retry
                  throw dead;
                }
              });
      assertEquals("twice", result);
      assertEquals(2, attempts.size(), "one retry: " + attempts);
      EndpointStats s = pool.stats(ep);
      assertEquals(2, s.destroyed(DestroyReason.BROKEN), "the dead connection was destroyed: " + s);
      assertEquals(1, s.idle(), "the retry's connection went back to the pool: " + s);
      report(
          "idempotent-retry",
          "execute surfaced the dead connection's failure; executeIdempotent "
              + "returned the result after %d attempts; dead connections destroyed as BROKEN: %d",
          attempts.size(),
          s.destroyed(DestroyReason.BROKEN));
      f.assertNoLeaks();
    }
  }

  /**
   * The reply is held back (latency toxic) longer than the borrower waits: the borrower times out
   * and returns the connection; the reply then arrives on a connection that no longer exists. With
   * maxPerEndpoint 1 and LIFO, a kept connection would go to the next borrower, whose own reply
   * would come only after the stale one.
   */
  @Test
  @Timeout(30)
  void lateReplyNeverReachesTheNextBorrower(ToxiproxyClient client) throws Exception {
    long latencyMillis = 1500;
    Duration readTimeout = Duration.ofMillis(200);
    try (FaultFixture f = FaultFixture.open(TOXIPROXY, client, "faults-late-reply")) {
      Proxy proxy = f.proxy("late-reply");
      Endpoint ep = f.endpoint(proxy);
      // No PING on borrow: this case is about the return path, and a PING would time out too.
      // A request unanswered for 200 ms is breaker evidence (docs/design.md, "Failure
      // attribution"); the default breaker, which needs 5 calls, keeps it out of this case.
      SocketPool pool =
          f.pool(
              FaultKit.config()
                  .maxPerEndpoint(1)
                  .validationWindow(Duration.ofMinutes(10))
                  .circuitBreakerConfig(CircuitBreakerConfig.ofDefaults()));
      assertEquals(1, pool.warmUp(ep, 1));
      Latency latency = proxy.toxics().latency("late", ToxicDirection.DOWNSTREAM, latencyMillis);

      CountDownLatch answered = f.upstream().watch("+late-a\r\n");
      PooledConnection a = pool.checkout(ep);
      SocketChannel raw = a.channel();
      long sent = System.nanoTime();
      assertThrows(SocketTimeoutException.class, () -> echo(a, "late-a", readTimeout));
      a.close();
      long returnedAfter = millisSince(sent);
      assertTrue(answered.await(5, TimeUnit.SECONDS), "the peer answered the request");
      assertFalse(raw.isOpen(), "the timed-out connection was destroyed on return");
      assertTrue(
          returnedAfter < latencyMillis,
          "returned "
              + returnedAfter
              + " ms after the request, before the reply could arrive ("
              + latencyMillis
              + " ms)");
      EndpointStats s = pool.stats(ep);
      assertEquals(0, s.idle(), "not idle: " + s);
      assertEquals(1, s.destroyed(DestroyReason.BROKEN), "destroyed as BROKEN: " + s);

      // The next borrower, while the stale reply is still on its way: its own reply only.
      long start = System.nanoTime();
      try (PooledConnection b = pool.checkout(ep)) {
        assertNotSame(raw, b.channel());
        echo(b, "late-b", Duration.ofMillis(latencyMillis * 4));
      }
      long bMillis = millisSince(start);
      latency.remove();
      try (PooledConnection b = pool.checkout(ep)) {
        echo(b, "late-c", Duration.ofSeconds(1));
      }
      s = pool.stats(ep);
      assertEquals(2, s.created(), s.toString());
      report(
          "late-reply",
          "borrower timed out after %d ms and returned the connection %d ms after "
              + "the request; reply due after %d ms; connection destroyed as BROKEN; next borrower read "
              + "only its own reply (%d ms, through the latency)",
          readTimeout.toMillis(),
          returnedAfter,
          latencyMillis,
          bMillis);
      f.assertNoLeaks();
    }
  }
}
