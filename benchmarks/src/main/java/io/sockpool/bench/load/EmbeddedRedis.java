package io.sockpool.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import redis.embedded.RedisServer;

/**
 * A real {@code redis-server} (the binary shipped in codemonstur embedded-redis) on a free
 * loopback port, without persistence. Close it to stop the process.
 */
public final class EmbeddedRedis implements AutoCloseable {
  private static final int START_ATTEMPTS = 3;
  private final RedisServer server;
  private final InetSocketAddress address;

  private EmbeddedRedis(RedisServer server, InetSocketAddress address) {
    this.server = server;
    this.address = address;
  }

  /**
   * Starts redis-server on a free port of 127.0.0.1. Retries on another port if the chosen one
   * was taken between choosing and binding.
   *
   * @return the running server
   * @throws IOException if it did not start after 3 attempts (the last failure is the cause)
   */
  public static EmbeddedRedis start() throws IOException {
    IOException last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      int port = freePort();
      RedisServer server = RedisServer.newRedisServer()
          .bind("127.0.0.1")
          .port(port)
          .setting("save \"\"")
          .setting("appendonly no")
          .onShutdownForceStop(true)
          .build();
      try {
        server.start();
        return new EmbeddedRedis(server, new InetSocketAddress("127.0.0.1", port));
      } catch (IOException | RuntimeException e) {
        last = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        stopQuietly(server);
      }
    }
    throw new IOException("embedded redis-server did not start after " + START_ATTEMPTS + " attempts", last);
  }

  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  /** @return where the server listens */
  public InetSocketAddress address() {
    return address;
  }

  /** Stops the server process. */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (IOException e) {
      throw new UncheckedIOException("stopping embedded redis-server on port " + address.getPort() + " failed", e);
    }
  }

  private static void stopQuietly(RedisServer server) {
    try {
      server.stop();
    } catch (IOException | RuntimeException e) {
      // it did not start; nothing more to stop
    }
  }
}
