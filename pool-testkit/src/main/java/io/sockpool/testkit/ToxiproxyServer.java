package io.sockpool.testkit;

import io.sockpool.testkit.internal.ApiServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A Toxiproxy 2.x-compatible server in plain Java: the HTTP API of Toxiproxy 2.12 (so the {@code
 * toxiproxy-java} client and other clients work unchanged) and TCP proxies with all of its toxics.
 * Proxied connections run on one selector thread; the API on a few handler threads.
 *
 * <pre>{@code
 * try (ToxiproxyServer server = ToxiproxyServer.start()) {          // 127.0.0.1, ephemeral port
 *     ToxiproxyClient client = new ToxiproxyClient(server.host(), server.port());
 *     Proxy redis = client.createProxy("redis", "127.0.0.1:0", "127.0.0.1:6379");
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} stops the API and every proxy and ends every thread it started.
 */
public final class ToxiproxyServer implements AutoCloseable {
  /** Toxiproxy's default API port. */
  public static final int DEFAULT_PORT = 8474;

  /** The default API host: loopback only. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  private final ApiServer server;

  private ToxiproxyServer(ApiServer server) {
    this.server = server;
  }

  /**
   * Starts a server with its API on 127.0.0.1 and an ephemeral port (for tests).
   *
   * @throws IOException when no port can be bound
   */
  public static ToxiproxyServer start() throws IOException {
    return start(DEFAULT_HOST, 0);
  }

  /**
   * Starts a server with its API on {@code host:port}. Blocks only until the API is listening.
   *
   * @param host the API's address or host name, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
   * @param port 0 to 65535; 0 picks a free port
   * @throws IllegalArgumentException when the port is out of range
   * @throws IOException when the host is unknown or the address cannot be bound
   */
  public static ToxiproxyServer start(String host, int port) throws IOException {
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, but was " + port);
    }
    InetSocketAddress bind = new InetSocketAddress(InetAddress.getByName(host), port);
    return new ToxiproxyServer(ApiServer.start(bind));
  }

  /** Returns the address the API listens on (the real port when started with 0). */
  public InetSocketAddress address() {
    return server.address();
  }

  /** Returns the API host as a literal IP, e.g. {@code 127.0.0.1}, for a client. */
  public String host() {
    return server.address().getAddress().getHostAddress();
  }

  /** Returns the API port. */
  public int port() {
    return server.address().getPort();
  }

  /** Returns the API base URL, e.g. {@code http://127.0.0.1:8474}. */
  public String url() {
    String h = host();
    return "http://" + (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + port();
  }

  /**
   * Returns the number of proxied connections currently open through all proxies; blocks briefly on
   * the proxy thread.
   */
  public int liveConnections() {
    return server.liveConnections();
  }

  /**
   * Stops the API, closes every proxy and connection and waits (up to about 10 s) for the server's
   * threads to end. Calling it again does nothing.
   */
  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return "ToxiproxyServer[" + url() + "]";
  }
}
