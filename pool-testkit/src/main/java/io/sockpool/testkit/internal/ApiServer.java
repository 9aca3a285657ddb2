package io.sockpool.testkit.internal;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server: the HTTP API (JDK HttpServer, a few handler threads) and the proxy event
 * loop. Not part of the supported API; use {@code io.sockpool.testkit.ToxiproxyServer}.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

  /** Prefix of every thread this server starts (used by leak checks). */
  public static final String THREAD_PREFIX = "toxiproxy-";

  private static final int API_THREADS = 4;
  private static final AtomicInteger SERVERS = new AtomicInteger();

  private final EventLoop loop;
  private final ProxyRegistry registry;
  private final HttpServer http;
  private final ExecutorService executor;
  private final InetSocketAddress address;
  private boolean closed;

  private ApiServer(
      EventLoop loop, ProxyRegistry registry, HttpServer http, ExecutorService executor) {
    this.loop = loop;
    this.registry = registry;
    this.http = http;
    this.executor = executor;
    this.address = http.getAddress();
  }

  /**
   * Binds the API to {@code bind} (port 0 = ephemeral) and starts serving.
   *
   * @throws IOException when the address cannot be bound
   */
  public static ApiServer start(InetSocketAddress bind) throws IOException {
    int id = SERVERS.incrementAndGet();
    EventLoop loop = new EventLoop(THREAD_PREFIX + id + "-proxy-loop");
    ProxyRegistry registry = new ProxyRegistry(loop);
    HttpServer http;
    try {
      http = HttpServer.create(bind, 64);
    } catch (IOException e) {
      loop.close();
      throw e;
    }
    AtomicInteger n = new AtomicInteger();
    ThreadFactory tf =
        r -> {
          Thread t = new Thread(r, THREAD_PREFIX + id + "-api-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    ExecutorService executor = Executors.newFixedThreadPool(API_THREADS, tf);
    http.setExecutor(executor);
    http.createContext("/", new ApiHandler(registry));
    http.start();
    ApiServer s = new ApiServer(loop, registry, http, executor);
    LOG.info(
        "Toxiproxy-compatible API listening on {} (API version {})", s.address, ApiHandler.VERSION);
    return s;
  }

  /** Returns the bound API address. */
  public InetSocketAddress address() {
    return address;
  }

  /** Returns the number of live proxied connections of all proxies (0 once all are closed). */
  public int liveConnections() {
    return registry.liveConnections();
  }

  /**
   * Stops the API, closes every proxy listener and connection and ends all threads; waits for that.
   * Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    http.stop(0);
    executor.shutdown();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    loop.shutdown(
        () -> {
          registryStop();
          return null;
        });
    LOG.info("Toxiproxy-compatible server on {} stopped", address);
  }

  private void registryStop() {
    // Runs on the loop thread; ProxyEntry.stop() calls the loop directly there.
    registry.stopAll();
  }
}
