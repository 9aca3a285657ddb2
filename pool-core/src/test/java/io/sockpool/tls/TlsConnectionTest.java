package io.sockpool.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.Connection;
import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.TlsConfig;
import io.sockpool.TlsStats;
import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.Responder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Connections over TLS against a real TLS peer: exchanges, the handshake done once when a
 * connection is opened and never on a checkout served from the pool, the raw channel refused, and
 * {@code close_notify} from the peer seen as a closed connection.
 */
@Timeout(60)
class TlsConnectionTest extends TlsPeerTest {
  static final Duration IO = Duration.ofSeconds(5);

  static String ping(Connection c) throws IOException {
    c.write(ByteBuffer.wrap("PING\r\n".getBytes(StandardCharsets.US_ASCII)), IO);
    ByteBuffer reply = ByteBuffer.allocate(7);
    c.readFully(reply, IO);
    c.exchangeComplete();
    return new String(reply.array(), StandardCharsets.US_ASCII);
  }

  static Endpoint endpoint(FakePeer peer) {
    return Endpoint.of(peer.host(), peer.port());
  }

  private SocketPool tlsPool(PoolConfig.Builder b) {
    pool =
        SocketPool.create(
            b.tls(TlsConfig.builder().trustPem(certs.caPem()).build())
                .checkoutTimeout(Duration.ofSeconds(10))
                .connectTimeout(Duration.ofSeconds(10))
                .build());
    return pool;
  }

  @Test
  void exchangesGoThroughTlsAndAPooledCheckoutDoesNoHandshake() throws Exception {
    peer = FakePeer.tls(certs.serverContext(certs.server(), false), false);
    tlsPool(PoolConfig.builder().maxPerEndpoint(1));
    Endpoint e = endpoint(peer);
    try (PooledConnection c = pool.checkout(e)) {
      assertEquals("+PONG\r\n", ping(c));
    }
    TlsStats first = pool.tlsStats();
    assertEquals(1, first.handshakes(), first.toString());
    for (int i = 0; i < 50; i++) {
      try (PooledConnection c = pool.checkout(e)) {
        assertEquals("+PONG\r\n", ping(c));
      }
    }
    assertEquals(1, pool.tlsStats().handshakes(), "no handshake on checkouts served from the pool");
    // the server's handshake listener runs on a thread of its own: wait for it, bounded
    TlsPromisesTest.waitUntil(() -> peer.handshakes() == 1);
    assertEquals(1, peer.accepted());
  }

  @Test
  void warmUpHandshakesBeforeAnyCheckout() throws Exception {
    peer = FakePeer.tls(certs.serverContext(certs.server(), false), false);
    tlsPool(PoolConfig.builder().maxPerEndpoint(3));
    assertEquals(3, pool.warmUp(endpoint(peer), 3));
    assertEquals(3, pool.tlsStats().handshakes());
    try (PooledConnection c = pool.checkout(endpoint(peer))) {
      assertEquals("+PONG\r\n", ping(c));
    }
    assertEquals(3, pool.tlsStats().handshakes());
  }

  @Test
  void theRawChannelIsRefusedOnTls() throws Exception {
    peer = FakePeer.tls(certs.serverContext(certs.server(), false), false);
    tlsPool(PoolConfig.builder());
    try (PooledConnection c = pool.checkout(endpoint(peer))) {
      UnsupportedOperationException e =
          assertThrows(UnsupportedOperationException.class, c::channel);
      assertTrue(e.getMessage().contains("TLS"), e.getMessage());
      assertTrue(e.getMessage().contains(endpoint(peer).toString()), e.getMessage());
      assertEquals("+PONG\r\n", ping(c), "the connection still works after the refusal");
    }
  }

  @Test
  void aReplyLargerThanOneTlsRecordIsReadWhole() throws Exception {
    String big = "+" + "x".repeat(40_000) + "\r\n"; // three TLS records and more
    peer =
        FakePeer.tls(
            () -> Responder.lines(r -> r.equals("BIG") ? big : "+PONG\r\n"),
            certs.serverContext(certs.server(), false),
            false);
    tlsPool(PoolConfig.builder());
    try (PooledConnection c = pool.checkout(endpoint(peer))) {
      c.write(ByteBuffer.wrap("BIG\r\n".getBytes(StandardCharsets.US_ASCII)), IO);
      ByteBuffer reply = ByteBuffer.allocate(big.length());
      c.readFully(reply, IO);
      assertEquals(big, new String(reply.array(), StandardCharsets.US_ASCII));
      assertEquals("+PONG\r\n", ping(c));
    }
  }

  @Test
  void smallReadsAtAnOffsetGetEveryDecryptedByteInOrder() throws Exception {
    String big = "+" + "0123456789".repeat(3_000) + "\r\n"; // two TLS records
    peer =
        FakePeer.tls(
            () -> Responder.lines(r -> r.equals("BIG") ? big : "+PONG\r\n"),
            certs.serverContext(certs.server(), false),
            false);
    tlsPool(PoolConfig.builder());
    try (PooledConnection c = pool.checkout(endpoint(peer))) {
      c.write(ByteBuffer.wrap("BIG\r\n".getBytes(StandardCharsets.US_ASCII)), IO);
      StringBuilder got = new StringBuilder();
      ByteBuffer piece = ByteBuffer.allocate(16);
      while (got.length() < big.length()) {
        piece.clear().position(3).limit(3 + Math.min(7, big.length() - got.length()));
        int n = c.read(piece, IO);
        assertEquals(3 + n, piece.position(), "the bytes go where the buffer's position is");
        got.append(new String(piece.array(), 3, n, StandardCharsets.US_ASCII));
      }
      c.exchangeComplete();
      assertEquals(big, got.toString());
      assertEquals("+PONG\r\n", ping(c), "nothing left over");
    }
  }

  @Test
  void aRequestLargerThanOneTlsRecordArrivesWhole() throws Exception {
    peer = FakePeer.tls(certs.serverContext(certs.server(), false), false);
    tlsPool(PoolConfig.builder());
    int pings = 5_000; // 30,000 bytes of requests in one write: two TLS records
    try (PooledConnection c = pool.checkout(endpoint(peer))) {
      ByteBuffer request =
          ByteBuffer.wrap("PING\r\n".repeat(pings).getBytes(StandardCharsets.US_ASCII));
      c.write(request, IO);
      assertEquals(request.limit(), request.position(), "the whole request was taken");
      ByteBuffer reply = ByteBuffer.allocate(7 * pings);
      c.readFully(reply, IO);
      c.exchangeComplete();
      assertEquals("+PONG\r\n".repeat(pings), new String(reply.array(), StandardCharsets.US_ASCII));
    }
  }
}
