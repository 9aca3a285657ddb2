package io.sockpool.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.sockpool.CheckoutException;
import io.sockpool.Connection;
import io.sockpool.DestroyReason;
import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.PooledConnection;
import io.sockpool.SocketOptions;
import io.sockpool.SocketPool;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unix domain sockets: {@link Endpoint#unix(Path)} against a small ping-pong peer on a socket file.
 * TCP-only options are skipped, and deadlines, validation, eviction, the breaker and stats work as
 * over TCP.
 */
@Timeout(60)
class UnixSocketTest {
  @TempDir Path dir;

  private UnixPeer peer;
  private SocketPool pool;

  /** Answers each {@code PING\r\n} with {@code +PONG\r\n}, unless stalled; one thread a client. */
  static final class UnixPeer implements AutoCloseable {
    final ServerSocketChannel server;
    final Path path;
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicBoolean stalled = new AtomicBoolean();
    final List<SocketChannel> open = new CopyOnWriteArrayList<>();
    final Thread acceptor;

    UnixPeer(Path path) throws IOException {
      this.path = path;
      server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(path));
      acceptor = new Thread(this::accept, "unix-peer-accept");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    private void accept() {
      while (server.isOpen()) {
        try {
          SocketChannel c = server.accept();
          accepted.incrementAndGet();
          open.add(c);
          Thread t = new Thread(() -> serve(c), "unix-peer-conn");
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return;
        }
      }
    }

    private void serve(SocketChannel c) {
      ByteBuffer in = ByteBuffer.allocate(1024);
      try (c) {
        while (c.read(in) >= 0) {
          in.flip();
          int lines = 0;
          while (in.hasRemaining()) {
            if (in.get() == '\n') {
              lines++;
            }
          }
          in.clear();
          for (int i = 0; i < lines && !stalled.get(); i++) {
            c.write(ByteBuffer.wrap("+PONG\r\n".getBytes(StandardCharsets.US_ASCII)));
          }
        }
      } catch (IOException ignored) {
        // closed
      } finally {
        open.remove(c);
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (SocketChannel c : open) {
        c.close();
      }
    }
  }

  @AfterEach
  void stop() throws IOException {
    if (pool != null) {
      pool.close();
    }
    if (peer != null) {
      peer.close();
    }
  }

  private static String ping(Connection c) throws IOException {
    return TlsConnectionTest.ping(c);
  }

  @Test
  void exchangesReuseAndTcpOptionsAreSkipped() throws Exception {
    peer = new UnixPeer(dir.resolve("peer.sock"));
    pool =
        SocketPool.create(
            PoolConfig.builder()
                .maxPerEndpoint(2)
                .socketOptions(SocketOptions.builder().tcpNoDelay(true).keepAlive(true).build())
                .build());
    Endpoint e = Endpoint.unix(peer.path);
    assertEquals("unix:" + peer.path, e.toString());
    for (int i = 0; i < 20; i++) {
      try (PooledConnection c = pool.checkout(e)) {
        assertEquals("+PONG\r\n", ping(c));
      }
    }
    assertEquals(1, peer.accepted.get());
    assertEquals(1, pool.stats(e).created());
  }

  @Test
  void aReadEndsAtItsDeadline() throws Exception {
    peer = new UnixPeer(dir.resolve("peer.sock"));
    pool = SocketPool.create(PoolConfig.builder().build());
    try (PooledConnection c = pool.checkout(Endpoint.unix(peer.path))) {
      peer.stalled.set(true);
      c.write(
          ByteBuffer.wrap("PING\r\n".getBytes(StandardCharsets.US_ASCII)), Duration.ofSeconds(2));
      assertThrows(
          SocketTimeoutException.class,
          () -> c.read(ByteBuffer.allocate(8), Duration.ofMillis(200)));
    }
  }

  @Test
  void idleConnectionsAreEvicted() throws Exception {
    peer = new UnixPeer(dir.resolve("peer.sock"));
    pool =
        SocketPool.create(
            PoolConfig.builder()
                .idleTimeout(Duration.ofMillis(200))
                .evictionInterval(Duration.ofMillis(50))
                .build());
    Endpoint e = Endpoint.unix(peer.path);
    assertEquals(2, pool.warmUp(e, 2));
    TlsPromisesTest.waitUntil(() -> pool.stats(e).destroyed(DestroyReason.IDLE) == 2);
  }

  @Test
  void aMissingSocketFileIsAConnectFailureCountedByTheBreaker() throws Exception {
    pool = SocketPool.create(PoolConfig.builder().build());
    Endpoint e = Endpoint.unix(dir.resolve("nobody.sock"));
    CheckoutException failed = assertThrows(CheckoutException.class, () -> pool.checkout(e));
    assertTrue(failed.getMessage().contains(e.toString()), failed.getMessage());
    CircuitBreaker b = pool.circuitBreakers().circuitBreaker(e.toString());
    assertEquals(1, b.getMetrics().getNumberOfFailedCalls());
  }

  @Test
  void unixPathsAreChecked() {
    IllegalArgumentException relative =
        assertThrows(IllegalArgumentException.class, () -> Endpoint.unix(Path.of("redis.sock")));
    assertTrue(relative.getMessage().contains("absolute"), relative.getMessage());
    IllegalArgumentException tooLong =
        assertThrows(
            IllegalArgumentException.class, () -> Endpoint.unix(Path.of("/" + "a".repeat(120))));
    assertTrue(tooLong.getMessage().contains("at most 107 bytes"), tooLong.getMessage());
    assertTrue(tooLong.getMessage().contains("has 121"), tooLong.getMessage());
    assertEquals(Endpoint.unix(Path.of("/run/x.sock")), Endpoint.unix(Path.of("/run/./x.sock")));
  }
}
