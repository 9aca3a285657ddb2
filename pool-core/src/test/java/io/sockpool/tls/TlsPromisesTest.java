package io.sockpool.tls;

import static io.sockpool.tls.TlsConnectionTest.endpoint;
import static io.sockpool.tls.TlsConnectionTest.ping;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.DestroyReason;
import io.sockpool.Endpoint;
import io.sockpool.EndpointStats;
import io.sockpool.PoolConfig;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.TlsConfig;
import io.sockpool.Validator;
import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.Responder;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pool's promises over TLS: timed reads end at their deadline (the watchdog), bytes the peer
 * sent beyond the reply make the connection DIRTY (decrypted or not), the peer's {@code
 * close_notify} is a closed connection to the probe, validate-on-borrow runs over TLS, and a
 * closing pool sends {@code close_notify} without waiting.
 */
@Timeout(120)
class TlsPromisesTest extends TlsPeerTest {

  private Endpoint start(PoolConfig.Builder b) throws Exception {
    if (peer == null) {
      peer = FakePeer.tls(certs.serverContext(certs.server(), false), false);
    }
    pool =
        SocketPool.create(
            b.tls(TlsConfig.builder().trustPem(certs.caPem()).build())
                .checkoutTimeout(Duration.ofSeconds(10))
                .connectTimeout(Duration.ofSeconds(10))
                .build());
    return endpoint(peer);
  }

  static void waitUntil(BooleanSupplier condition) throws InterruptedException {
    assertTrue(
        io.sockpool.testkit.ProcessResources.awaitTrue(condition, Duration.ofSeconds(20)),
        "condition not met within 20 s");
  }

  @Test
  void aReadEndsAtItsDeadlineWhenThePeerStalls() throws Exception {
    Endpoint e = start(PoolConfig.builder());
    try (PooledConnection c = pool.checkout(e)) {
      assertEquals("+PONG\r\n", ping(c)); // handshake and session ticket done
      peer.stall(true);
      c.write(
          ByteBuffer.wrap("PING\r\n".getBytes(StandardCharsets.US_ASCII)), Duration.ofSeconds(5));
      long start = System.nanoTime();
      assertThrows(
          SocketTimeoutException.class,
          () -> c.read(ByteBuffer.allocate(16), Duration.ofMillis(300)));
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertTrue(tookMs >= 250 && tookMs < 5_000, "took " + tookMs + " ms");
    }
  }

  @Test
  void bytesBeyondTheReplyMakeTheConnectionDirty() throws Exception {
    peer =
        FakePeer.tls(
            () -> Responder.lines(r -> "+PONG\r\n+EXTRA\r\n"),
            certs.serverContext(certs.server(), false),
            false);
    Endpoint e = start(PoolConfig.builder().maxPerEndpoint(1));
    try (PooledConnection c = pool.checkout(e)) {
      assertEquals("+PONG\r\n", ping(c)); // reads 7 bytes; 8 more were sent in the same record
    }
    EndpointStats s = pool.stats(e);
    assertEquals(1, s.destroyed(DestroyReason.DIRTY), s.toString());
  }

  @Test
  void bytesSentLaterAreFoundByTheCheckoutsProbe() throws Exception {
    Endpoint e = start(PoolConfig.builder().maxPerEndpoint(1));
    try (PooledConnection c = pool.checkout(e)) {
      assertEquals("+PONG\r\n", ping(c));
    }
    peer.sendToAll("+UNASKED\r\n");
    waitUntil(
        () -> {
          try (PooledConnection c = pool.checkout(e)) {
            return pool.stats(e).destroyed(DestroyReason.DIRTY) == 1;
          } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
          }
        });
  }

  @Test
  void thePeersCloseNotifyIsSeenAsAClosedConnection() throws Exception {
    // validation window 0: every reuse is probed (within the window the pool trusts recent use)
    Endpoint e = start(PoolConfig.builder().maxPerEndpoint(1).validationWindow(Duration.ZERO));
    try (PooledConnection c = pool.checkout(e)) {
      assertEquals("+PONG\r\n", ping(c));
    }
    peer.closeAll(); // SSLSocket.close(): close_notify, then FIN
    assertTrue(peer.awaitOpenAtMost(0, Duration.ofSeconds(10)));
    waitUntil(
        () -> {
          try (PooledConnection c = pool.checkout(e)) {
            return ping(c).equals("+PONG\r\n");
          } catch (java.io.IOException ex) {
            return false;
          }
        });
    EndpointStats s = pool.stats(e);
    assertEquals(2, s.created(), s.toString());
    assertEquals(0, s.destroyed(DestroyReason.BROKEN), "seen before use, not by a failed exchange");
  }

  @Test
  void validateOnBorrowPingsOverTls() throws Exception {
    Endpoint e =
        start(
            PoolConfig.builder()
                .maxPerEndpoint(1)
                .validator(
                    Validator.expect(
                        "PING\r\n".getBytes(StandardCharsets.US_ASCII),
                        "+PONG\r\n".getBytes(StandardCharsets.US_ASCII)))
                .validationWindow(Duration.ZERO));
    for (int i = 0; i < 3; i++) {
      try (PooledConnection c = pool.checkout(e)) {
        assertEquals("+PONG\r\n", ping(c));
      }
    }
    waitUntil(() -> peer.requests() >= 5); // 3 PINGs of ours, at least 2 of the validator
    assertEquals(1, pool.tlsStats().handshakes());
  }

  @Test
  void idleConnectionsAreEvictedOverTls() throws Exception {
    Endpoint e =
        start(
            PoolConfig.builder()
                .maxPerEndpoint(2)
                .idleTimeout(Duration.ofMillis(200))
                .evictionInterval(Duration.ofMillis(50)));
    assertEquals(2, pool.warmUp(e, 2));
    waitUntil(() -> pool.stats(e).destroyed(DestroyReason.IDLE) == 2);
    assertTrue(peer.awaitOpenAtMost(0, Duration.ofSeconds(10)));
  }

  @Test
  void closingThePoolSendsCloseNotifyWithoutWaiting() throws Exception {
    Endpoint e = start(PoolConfig.builder().maxPerEndpoint(2));
    assertEquals(2, pool.warmUp(e, 2));
    long start = System.nanoTime();
    pool.close();
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(tookMs < 5_000, "close took " + tookMs + " ms");
    assertTrue(peer.awaitOpenAtMost(0, Duration.ofSeconds(10)), "the peer saw both closes");
  }

  @Test
  void aReloadUsesTheNewMaterialForNewConnectionsAndAFailedOneKeepsTheOld() throws Exception {
    Path ca = dir.resolve("rotating-ca.pem");
    java.nio.file.Files.copy(certs.caPem(), ca, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    peer = FakePeer.tls(certs.serverContext(certs.server(), false), false);
    pool =
        SocketPool.create(
            PoolConfig.builder()
                .maxPerEndpoint(2)
                .tls(TlsConfig.builder().trustPem(ca).build())
                .checkoutTimeout(Duration.ofSeconds(10))
                .build());
    Endpoint e = endpoint(peer);
    PooledConnection held = pool.checkout(e);
    assertEquals("+PONG\r\n", ping(held));

    java.nio.file.Files.writeString(ca, "not a certificate");
    IllegalStateException failed = assertThrows(IllegalStateException.class, pool::reloadTls);
    assertTrue(failed.getMessage().contains(ca.toString()), failed.getMessage());
    assertTrue(failed.getMessage().contains("previous material stays in use"), failed.getMessage());
    try (PooledConnection c = pool.checkout(e)) {
      assertEquals("+PONG\r\n", ping(c), "the old material still opens connections");
    }

    // a CA that does not sign the server: new connections fail, the open one keeps working
    java.nio.file.Files.copy(
        certs.untrustedServer().certPem(), ca, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    pool.reloadTls();
    assertEquals(1, pool.tlsStats().reloads());
    pool.evict(e); // the idle one retires; the held one stays
    assertThrows(java.io.IOException.class, () -> pool.checkout(e).close());
    assertEquals("+PONG\r\n", ping(held));
    held.close();
  }
}
