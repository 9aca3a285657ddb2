package io.sockpool.faults;

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
import io.sockpool.Connection;
import io.sockpool.DestroyReason;
import io.sockpool.Endpoint;
import io.sockpool.EndpointStats;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.Validator;
import io.sockpool.testkit.Slack;
import io.sockpool.testkit.ToxiproxyExtension;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Replies that arrive in pieces (slicer) or cut short (limit_data). */
class ReplyShapeTest {
  @RegisterExtension static final ToxiproxyExtension TOXIPROXY = new ToxiproxyExtension();

  /** The pool's PING validator, counting how many reads each validation needed. */
  static final class CountingValidator implements Validator {
    final List<Integer> readsPerValidation = new CopyOnWriteArrayList<>();

    @Override
    public void validate(Connection connection, Duration timeout) throws IOException {
      AtomicInteger reads = new AtomicInteger();
      FaultKit.PING_PONG.validate(
          new Connection() {
            @Override
            public Endpoint endpoint() {
              return connection.endpoint();
            }

            @Override
            public SocketChannel channel() {
              return connection.channel();
            }

            @Override
            public void write(ByteBuffer src, Duration t) throws IOException {
              connection.write(src, t);
            }

            @Override
            public void exchangeComplete() {
              connection.exchangeComplete();
            }

            @Override
            public void requestHasNoReply() {
              connection.requestHasNoReply();
            }

            @Override
            public int read(ByteBuffer dst, Duration t) throws IOException {
              int n = connection.read(dst, t);
              reads.incrementAndGet();
              return n;
            }

            @Override
            public void readFully(ByteBuffer dst, Duration t) throws IOException {
              connection.readFully(dst, t);
              reads.incrementAndGet();
            }
          },
          timeout);
      readsPerValidation.add(reads.get());
    }
  }

  @Test
  @Timeout(30)
  void validationSucceedsWhenTheReplyArrivesInPieces(ToxiproxyClient client) throws Exception {
    int rounds = 5;
    try (FaultFixture f = FaultFixture.open(TOXIPROXY, client, "faults-slicer")) {
      Proxy proxy = f.proxy("slicer");
      Endpoint ep = f.endpoint(proxy);
      CountingValidator validator = new CountingValidator();
      SocketPool pool =
          f.pool(
              FaultKit.config()
                  .validator(validator)
                  // the pieces take ~140 ms; on a busy machine the proxy's 20 ms sleeps and the
                  // wake-ups run late (seen: a validation past 1 s at load average 27), and what
                  // is checked here is the reassembly, not the speed
                  .validationTimeout(Duration.ofSeconds(1).plus(Slack.SCHEDULING))
                  .validationWindow(Duration.ZERO));
      assertEquals(1, pool.warmUp(ep, 1));
      // One-byte pieces, 20 ms apart: "+PONG\r\n" arrives in 7 pieces over ~140 ms.
      proxy.toxics().slicer("slicer", ToxicDirection.DOWNSTREAM, 1, 20_000);

      for (int i = 0; i < rounds; i++) {
        Duration deadline = Duration.ofSeconds(4).plus(Slack.SCHEDULING);
        try (PooledConnection c = pool.checkout(ep, deadline)) {
          ping(c, Duration.ofSeconds(2)); // the holder's own readFully copes as well
        }
      }
      EndpointStats s = pool.stats(ep);
      assertEquals(rounds, validator.readsPerValidation.size(), "every borrow was validated");
      for (int reads : validator.readsPerValidation) {
        assertTrue(reads >= 2, "the reply came in pieces: " + validator.readsPerValidation);
      }
      assertEquals(0, s.destroyedTotal(), "no connection was destroyed: " + s);
      assertEquals(1, s.created(), "the one connection served every borrow: " + s);
      assertEquals(rounds, s.checkouts());
      report(
          "slicer",
          "%d validations with the reply in 1-byte pieces 20 ms apart succeeded; reads per "
              + "validation %s; 0 destroyed, 1 connection reused",
          rounds,
          validator.readsPerValidation);
      f.assertNoLeaks();
    }
  }

  /**
   * limit_data lets 10 reply bytes through per connection, then closes it: the first "+PONG\r\n" (7
   * bytes) passes, the second is cut after 3 bytes. Seen by a holder the connection is destroyed as
   * BROKEN; seen by the validator on borrow, as VALIDATION, and the checkout goes on with a new
   * connection.
   */
  @Test
  @Timeout(30)
  void connectionsCutShortByLimitDataAreDestroyedCleanly(ToxiproxyClient client) throws Exception {
    try (FaultFixture f = FaultFixture.open(TOXIPROXY, client, "faults-limit-data")) {
      Proxy proxy = f.proxy("limit-data");
      Endpoint ep = f.endpoint(proxy);
      // the cut is an EOF, not a timeout: a validation timeout that a busy machine cannot miss
      // (250 ms was missed by the healthy new connection under 4 busy loops)
      SocketPool pool =
          f.pool(
              FaultKit.config()
                  .maxPerEndpoint(2)
                  .validationWindow(Duration.ZERO)
                  .validationTimeout(Slack.SCHEDULING)
                  .checkoutTimeout(Slack.SCHEDULING.multipliedBy(3)));
      assertEquals(1, pool.warmUp(ep, 1));
      proxy.toxics().limitData("limit", ToxicDirection.DOWNSTREAM, 10);

      // A holder meets the cut: validation used 7 of 10 bytes, its own PING gets 3 and EOF.
      List<SocketChannel> gone = new ArrayList<>();
      try (PooledConnection c = pool.checkout(ep)) {
        gone.add(c.channel());
        assertThrows(EOFException.class, () -> ping(c, Duration.ofSeconds(1)));
      }
      EndpointStats s = pool.stats(ep);
      assertEquals(1, s.destroyed(DestroyReason.BROKEN), "the holder's connection: BROKEN, " + s);
      assertEquals(0, s.idle());

      // The validator meets the cut: a new connection (7 bytes used by the holder) comes back
      // idle; its next borrow's PING gets 3 bytes and EOF, so it is destroyed and the checkout
      // is served by another new connection, validated because the peer is now suspect.
      try (PooledConnection c = pool.checkout(ep)) {
        gone.add(c.channel());
        ping(c, Duration.ofSeconds(1));
      }
      assertEquals(1, pool.stats(ep).idle());
      try (PooledConnection c = pool.checkout(ep)) {
        assertNotSame(gone.get(1), c.channel(), "the cut connection was not handed out");
        s = pool.stats(ep);
        assertEquals(
            1, s.destroyed(DestroyReason.VALIDATION), "the idle one failed validation: " + s);
        c.invalidate(); // 3 bytes left on this one: done with it
      }
      for (SocketChannel ch : gone) {
        assertFalse(ch.isOpen(), "destroyed connections are closed");
      }
      s = pool.stats(ep);
      assertEquals(3, s.created(), s.toString());
      assertEquals(3, s.destroyedTotal(), s.toString());
      report(
          "limit-data",
          "10-byte limit: holder saw EOF after 3 bytes -> BROKEN; validator saw EOF -> "
              + "VALIDATION and the checkout was served by a new connection; created=%d destroyed=%s",
          s.created(),
          FaultFixture.destroyedByReason(s));
      f.assertNoLeaks();
    }
  }
}
