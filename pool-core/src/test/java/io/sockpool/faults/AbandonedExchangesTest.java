package io.sockpool.faults;

import static io.sockpool.faults.FaultKit.ascii;
import static io.sockpool.faults.FaultKit.echo;
import static io.sockpool.faults.FaultKit.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One borrower's reply never reaches another, whatever the borrowers do wrong: callers that abandon
 * after writing, read half a reply, time out mid-reply or throw inside {@code execute}, mixed with
 * callers doing clean exchanges, with every reply sliced into pieces on its way (slicer toxic).
 * Every request carries a unique token and every clean exchange checks that it read exactly its own
 * token's reply.
 */
class AbandonedExchangesTest {
  @RegisterExtension static final ToxiproxyExtension TOXIPROXY = new ToxiproxyExtension();

  private static final Duration EXCHANGE = Duration.ofSeconds(2);

  @Test
  @Timeout(60)
  void noReplyCrossesBorrowersWhenCallersAbandonExchangesMidReply(ToxiproxyClient client)
      throws Exception {
    try (FaultFixture f = FaultFixture.open(TOXIPROXY, client, "faults-abandoned")) {
      Proxy proxy = f.proxy("abandoned");
      Endpoint ep = f.endpoint(proxy);
      SocketPool pool = f.pool(FaultKit.config().maxPerEndpoint(4));
      // replies in 3-byte pieces, 2 ms apart: a reply of ~20 bytes takes ~14 ms to arrive
      proxy.toxics().slicer("pieces", ToxicDirection.DOWNSTREAM, 3, 2_000);
      Counts counts = new Counts();
      List<Thread> callers = new ArrayList<>();
      CountDownLatch done = new CountDownLatch(8);
      long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
      for (int t = 0; t < 8; t++) {
        SplittableRandom random = new SplittableRandom(t);
        int caller = t;
        Thread th =
            new Thread(
                () -> {
                  try {
                    for (int i = 0; System.nanoTime() < end; i++) {
                      oneExchange(pool, ep, caller + "-" + i, random.nextInt(5), counts);
                    }
                  } finally {
                    done.countDown();
                  }
                },
                "abandoning-caller-" + t);
        th.start();
        callers.add(th);
      }
      done.await();
      EndpointStats s = pool.stats(ep);
      assertEquals(0, counts.crossed.get(), "crossed replies: " + counts.firstCrossed.get());
      assertEquals(
          0, counts.cleanFailed.get(), "clean exchanges that failed: " + counts.firstOther);
      assertTrue(counts.clean.get() >= 20, "clean exchanges: " + counts.clean.get());
      assertTrue(counts.abandoned.get() >= 20, "abandoned exchanges: " + counts.abandoned.get());
      assertTrue(
          s.destroyed(DestroyReason.INCOMPLETE_EXCHANGE) + s.destroyed(DestroyReason.BROKEN)
              >= counts.abandoned.get(),
          "every abandoned exchange destroyed its connection: " + s);
      report(
          "abandoned",
          "%d clean exchanges with checked tokens, %d abandoned (after writing, half a reply, a"
              + " timeout mid-reply, an exception in execute), 0 crossed; destroyed: %s",
          counts.clean.get(),
          counts.abandoned.get(),
          s.destroyed());
      f.assertNoLeaks();
    }
  }

  /** What the callers did and saw. */
  private static final class Counts {
    final AtomicInteger clean = new AtomicInteger();
    final AtomicInteger abandoned = new AtomicInteger();
    final AtomicInteger crossed = new AtomicInteger();
    final AtomicInteger cleanFailed = new AtomicInteger();
    final AtomicReference<String> firstCrossed = new AtomicReference<>();
    final AtomicReference<String> firstOther = new AtomicReference<>();
  }

  private static void oneExchange(
      SocketPool pool, Endpoint ep, String token, int behaviour, Counts counts) {
    try {
      switch (behaviour) {
        case 0:
          try (PooledConnection c = pool.checkout(ep, EXCHANGE)) {
            echo(c, token, EXCHANGE); // throws CrossedReplyException on anyone else's bytes
          }
          counts.clean.incrementAndGet();
          return;
        case 1: // writes, then leaves (try-with-resources after an application exception)
          try (PooledConnection c = pool.checkout(ep, EXCHANGE)) {
            c.write(ByteBuffer.wrap(ascii("ECHO " + token + "\r\n")), EXCHANGE);
          }
          break;
        case 2: // reads half a reply, then leaves
          try (PooledConnection c = pool.checkout(ep, EXCHANGE)) {
            c.write(ByteBuffer.wrap(ascii("ECHO " + token + "\r\n")), EXCHANGE);
            c.readFully(ByteBuffer.allocate(3), EXCHANGE);
          }
          break;
        case 3: // times out mid-reply
          try (PooledConnection c = pool.checkout(ep, EXCHANGE)) {
            c.write(ByteBuffer.wrap(ascii("ECHO " + token + "\r\n")), EXCHANGE);
            c.readFully(ByteBuffer.allocate(64), Duration.ofMillis(5));
          } catch (SocketTimeoutException expected) {
            // the reply was still on its way
          }
          break;
        default: // throws inside execute after writing
          try {
            pool.execute(
                ep,
                c -> {
                  c.write(ByteBuffer.wrap(ascii("ECHO " + token + "\r\n")), EXCHANGE);
                  throw new IllegalStateException("application bug after writing " + token);
                });
          } catch (IllegalStateException expected) {
            // the operation's own exception
          }
          break;
      }
      counts.abandoned.incrementAndGet();
    } catch (FaultKit.CrossedReplyException e) {
      counts.crossed.incrementAndGet();
      counts.firstCrossed.compareAndSet(null, e.getMessage());
    } catch (IOException e) {
      if (behaviour == 0) {
        counts.cleanFailed.incrementAndGet();
        counts.firstOther.compareAndSet(null, e.toString());
      } else {
        counts.abandoned.incrementAndGet();
      }
    }
  }
}
