package io.sockpool.redis;

import io.sockpool.Endpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * A real {@code redis-server} (the binary shipped inside the embedded-redis jar: Redis 6.2 on Linux
 * and macOS) started on a free loopback port and stopped by {@link #close()}. It keeps nothing on
 * disk (no RDB snapshots, no AOF). It logs at Redis's default level: the start waits for its "Ready
 * to accept connections" line.
 *
 * <p>If the JVM exits without {@link #close()} (Ctrl-C), a shutdown hook stops the server. Used by
 * the demo when no Redis answers on localhost:6379, and by the tests.
 */
public final class EmbeddedRedis implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedis.class);
  private static final int START_ATTEMPTS = 3;

  private final RedisServer server;
  private final Endpoint endpoint;
  private final boolean tls;
  private boolean closed;

  private EmbeddedRedis(RedisServer server, Endpoint endpoint, boolean tls) {
    this.server = server;
    this.endpoint = endpoint;
    this.tls = tls;
  }

  /**
   * Starts a server on a free port of 127.0.0.1. Blocks until it accepts connections (the library
   * waits for its "Ready to accept connections" line).
   *
   * @param settings extra redis.conf lines, e.g. {@code "maxclients 100"}; may be empty
   * @return the running server
   * @throws IOException if the binary could not be extracted or the server did not start (after
   *     {@value #START_ATTEMPTS} attempts on different ports)
   */
  public static EmbeddedRedis start(List<String> settings) throws IOException {
    return start("127.0.0.1", 0, settings);
  }

  /**
   * Starts a server on a given loopback address, e.g. {@code 127.0.0.2} and {@code 127.0.0.3} on
   * one port, to stand in for two addresses of one host name.
   *
   * @param bindAddress the IP address to listen on
   * @param port the port; 0 = a free one (then up to {@value #START_ATTEMPTS} attempts)
   * @param settings extra redis.conf lines; may be empty
   * @return the running server
   * @throws IOException if the server did not start
   */
  public static EmbeddedRedis start(String bindAddress, int port, List<String> settings)
      throws IOException {
    return start(bindAddress, port, settings, null, false);
  }

  /**
   * Starts a server that speaks only TLS, on a free port of 127.0.0.1 (its plaintext port is off),
   * with the server certificate and key of {@code certificates}, trusting their CA for client
   * certificates.
   *
   * @param certificates the server certificate, its key and the CA
   * @param requireClientCertificate {@code tls-auth-clients yes} (mutual TLS) if true, else {@code
   *     no}
   * @param settings extra redis.conf lines; may be empty
   * @return the running server; {@link #endpoint()} is its TLS port
   * @throws IOException if the server did not start
   */
  public static EmbeddedRedis startTls(
      ThrowawayCertificates certificates, boolean requireClientCertificate, List<String> settings)
      throws IOException {
    return start("127.0.0.1", 0, settings, certificates, requireClientCertificate);
  }

  /**
   * Starts a server that listens only on a Unix domain socket ({@code port 0}, {@code unixsocket
   * PATH}, {@code unixsocketperm 700}): the demo's and {@link RedisClient}'s {@code unix:///path}
   * form against a real server.
   *
   * @param socket the socket file to create; absolute, at most 107 bytes; its directory must exist
   * @param settings extra redis.conf lines; may be empty
   * @return the running server; {@link #endpoint()} is {@link Endpoint#unix(Path)} of the socket
   * @throws IOException if the server did not start
   * @throws IllegalArgumentException if the path is relative or too long
   */
  public static EmbeddedRedis startUnix(Path socket, List<String> settings) throws IOException {
    Endpoint endpoint = Endpoint.unix(socket);
    List<String> all =
        new ArrayList<>(
            List.of(
                "save \"\"",
                "appendonly no",
                "unixsocket " + socket.normalize(),
                "unixsocketperm 700"));
    all.addAll(settings);
    RedisServer server = null;
    try {
      var builder = RedisServer.newRedisServer().port(0).onShutdownForceStop(true);
      for (String s : all) {
        builder.setting(s);
      }
      server = builder.build();
      server.start();
      LOG.debug("embedded redis-server started on {}", endpoint);
      return new EmbeddedRedis(server, endpoint, false);
    } catch (IOException | RuntimeException e) {
      stopQuietly(server);
      throw new IOException(
          "embedded redis-server failed to start on " + endpoint + ": " + e.getMessage(), e);
    }
  }

  private static EmbeddedRedis start(
      String bindAddress,
      int port,
      List<String> settings,
      ThrowawayCertificates tls,
      boolean requireClientCertificate)
      throws IOException {
    IOException last = null;
    int attempts = port == 0 ? START_ATTEMPTS : 1;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      int p = port == 0 ? freePort(bindAddress) : port;
      List<String> all = new ArrayList<>(List.of("save \"\"", "appendonly no"));
      if (tls != null) {
        all.add("tls-port " + p);
        all.add("tls-cert-file " + tls.serverCert());
        all.add("tls-key-file " + tls.serverKey());
        all.add("tls-ca-cert-file " + tls.caCert());
        all.add("tls-auth-clients " + (requireClientCertificate ? "yes" : "no"));
      }
      all.addAll(settings);
      RedisServer server = null;
      try {
        // onShutdownForceStop: a shutdown hook stops the server when the JVM exits (Ctrl-C too)
        var builder =
            RedisServer.newRedisServer()
                .bind(bindAddress)
                .port(tls == null ? p : 0)
                .onShutdownForceStop(true);
        for (String s : all) {
          builder.setting(s);
        }
        server = builder.build();
        server.start();
        Endpoint endpoint = Endpoint.of(bindAddress, p);
        LOG.debug("embedded redis-server started on {}{}", endpoint, tls == null ? "" : " (TLS)");
        return new EmbeddedRedis(server, endpoint, tls != null);
      } catch (IOException | RuntimeException e) {
        last =
            e instanceof IOException iOException
                ? iOException
                : new IOException(
                    "embedded redis-server failed to start on " + bindAddress + ":" + p + ": " + e,
                    e);
        LOG.debug(
            "embedded redis-server start attempt {} of {} on {}:{} failed: {}",
            attempt,
            attempts,
            bindAddress,
            p,
            e.toString());
        stopQuietly(server);
      }
    }
    throw new IOException(
        "embedded redis-server did not start after "
            + attempts
            + " attempt(s); last failure: "
            + last.getMessage(),
        last);
  }

  private static int freePort(String bindAddress) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(bindAddress))) {
      return s.getLocalPort();
    }
  }

  private static void stopQuietly(RedisServer server) {
    if (server == null) {
      return;
    }
    try {
      server.stop();
    } catch (IOException | RuntimeException e) {
      LOG.debug("stopping a failed embedded redis-server: {}", e.toString());
    }
  }

  /** Returns whether the server speaks TLS ({@link #startTls}) instead of plaintext. */
  public boolean tls() {
    return tls;
  }

  /** Returns where the server listens (its address and port; the TLS port for TLS). */
  public Endpoint endpoint() {
    return endpoint;
  }

  /**
   * Stops the server (SIGTERM to the process, then waits for it). Idempotent.
   *
   * @throws IOException if the process could not be stopped
   */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    server.stop();
    LOG.debug("embedded redis-server on {} stopped", endpoint);
  }

  @Override
  public String toString() {
    return "EmbeddedRedis{" + endpoint + (tls ? ", TLS" : "") + (closed ? ", stopped" : "") + "}";
  }
}
