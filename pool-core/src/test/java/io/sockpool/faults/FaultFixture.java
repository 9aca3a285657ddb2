package io.sockpool.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import io.sockpool.Endpoint;
import io.sockpool.EndpointStats;
import io.sockpool.PoolConfig;
import io.sockpool.SocketPool;
import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.ProcessResources;
import io.sockpool.testkit.ToxiproxyExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One fault case's world: an upstream {@link FakePeer}, proxies in front of it on the Toxiproxy
 * (the embedded pool-testkit server, or the one named by TOXIPROXY_URL) and one pool. {@link
 * #assertNoLeaks()} closes it all in order and checks that nothing was left behind; {@link
 * #close()} tears down quietly after a failure.
 */
final class FaultFixture implements AutoCloseable {
  private final ToxiproxyExtension toxiproxy;
  private final ToxiproxyClient client;
  private final String poolName;
  private final long fdBaseline;
  private final Map<String, Long> fdKindsBefore;
  private final FakePeer upstream;
  private final List<Proxy> proxies = new ArrayList<>();
  private SocketPool pool;
  private boolean finished;

  private FaultFixture(ToxiproxyExtension toxiproxy, ToxiproxyClient client, String poolName)
      throws IOException {
    this.toxiproxy = toxiproxy;
    this.client = client;
    this.poolName = poolName;
    // One API call first, so the client's keep-alive HTTP connection is part of the baseline.
    client.getProxies();
    this.fdKindsBefore = LeakCheck.fdKinds();
    this.fdBaseline = LeakCheck.openFds();
    this.upstream = new FakePeer();
  }

  /**
   * @param poolName the pool's name: its threads are named after it, so it must be unique
   */
  static FaultFixture open(ToxiproxyExtension toxiproxy, ToxiproxyClient client, String poolName)
      throws IOException {
    return new FaultFixture(toxiproxy, client, poolName);
  }

  FakePeer upstream() {
    return upstream;
  }

  ToxiproxyClient client() {
    return client;
  }

  /** Creates a proxy in front of the upstream, on a free port. */
  Proxy proxy(String name) throws IOException {
    Proxy p = client.createProxy(name, toxiproxy.listenAddress(), upstream.hostAndPort());
    proxies.add(p);
    return p;
  }

  /**
   * @return the endpoint a pool uses to reach {@code proxy}
   */
  Endpoint endpoint(Proxy proxy) {
    return Endpoint.of(toxiproxy.host(), port(proxy));
  }

  static int port(Proxy proxy) {
    String listen = proxy.getListen();
    return Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
  }

  /** Builds the pool under this fixture's name. */
  SocketPool pool(PoolConfig.Builder config) {
    if (pool != null) {
      throw new IllegalStateException("one pool per fixture");
    }
    pool = SocketPool.create(config.poolName(poolName).build());
    return pool;
  }

  /**
   * Closes the pool, the proxies and the upstream, and asserts: the pool's stats balance (created
   * == destroyed, nothing active or idle) in total and per endpoint; no socket of this process is
   * still connected to a proxy; no thread named after the pool is alive; the upstream has no
   * connection open; the open file descriptors are back to the baseline taken before anything was
   * started.
   */
  void assertNoLeaks() throws IOException, InterruptedException {
    finished = true;
    // Before closing, the kernel's view and the pool's agree: one socket per held connection. A
    // connection is counted an instant before or after its socket opens or closes, which a busy
    // machine stretches (4 sockets for the pool's 2, and 0 for 1, were seen): wait for them to
    // agree, bounded.
    for (Proxy p : proxies) {
      long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      EndpointStats s = pool.stats(endpoint(p));
      int sockets = LeakCheck.ownSocketsTo(port(p));
      while (sockets >= 0
          && sockets != s.created() - s.destroyedTotal()
          && System.nanoTime() - until < 0) {
        Thread.sleep(10);
        s = pool.stats(endpoint(p));
        sockets = LeakCheck.ownSocketsTo(port(p));
      }
      if (sockets >= 0) {
        assertEquals(
            s.created() - s.destroyedTotal(),
            sockets,
            "sockets of this process connected to proxy " + p.getName() + " vs the pool's " + s);
      }
    }
    pool.close();
    EndpointStats total = pool.stats().total();
    assertEquals(
        total.created(),
        total.destroyedTotal(),
        "every connection created was destroyed after close: " + total);
    assertEquals(0, total.active(), "no connection active after close: " + total);
    assertEquals(0, total.idle(), "no connection idle after close: " + total);
    for (EndpointStats s : pool.stats().byEndpoint().values()) {
      assertEquals(s.created(), s.destroyedTotal(), "created == destroyed for " + s);
    }
    for (Proxy p : proxies) {
      int left = LeakCheck.ownSocketsTo(port(p));
      assertTrue(
          left <= 0,
          left
              + " socket(s) of this process still connected to proxy "
              + p.getName()
              + " after close");
    }
    // pool threads may end an instant after close() returns: wait (bounded) for them
    ProcessResources.awaitAtMost(
        () -> ProcessResources.threadsNamed(poolName + "-").size(), 0, Duration.ofSeconds(5));
    List<String> threads = ProcessResources.threadsNamed(poolName + "-");
    assertTrue(threads.isEmpty(), "threads of pool " + poolName + " left after close: " + threads);

    for (Proxy p : proxies) {
      p.delete();
    }
    assertTrue(
        upstream.awaitOpenAtMost(0, Duration.ofSeconds(5)),
        "the upstream still has " + upstream.open() + " connection(s) open after the pool closed");
    upstream.close();
    if (fdBaseline >= 0) {
      long fds = LeakCheck.awaitFdsAtMost(fdBaseline, Duration.ofSeconds(8));
      assertTrue(
          fds <= fdBaseline,
          "open file descriptors "
              + fds
              + " > baseline "
              + fdBaseline
              + ": before "
              + fdKindsBefore
              + ", after "
              + LeakCheck.fdKinds());
    }
    FaultKit.report(
        poolName,
        "leak check passed: created=%d destroyed=%d %s, fds %d <= baseline %d",
        total.created(),
        total.destroyedTotal(),
        destroyedByReason(total),
        LeakCheck.openFds(),
        fdBaseline);
  }

  static String destroyedByReason(EndpointStats s) {
    StringBuilder sb = new StringBuilder("{");
    for (io.sockpool.DestroyReason r : io.sockpool.DestroyReason.values()) {
      if (s.destroyed(r) > 0) {
        sb.append(sb.length() > 1 ? ", " : "").append(r).append('=').append(s.destroyed(r));
      }
    }
    return sb.append('}').toString();
  }

  /** Quiet teardown (after a failed assertion); does nothing after {@link #assertNoLeaks()}. */
  @Override
  public void close() {
    if (pool != null) {
      pool.close();
    }
    if (!finished) {
      for (Proxy p : proxies) {
        try {
          p.delete();
        } catch (IOException | RuntimeException ignored) {
          // the extension deletes every proxy after the test anyway
        }
      }
    }
    upstream.close();
  }
}
