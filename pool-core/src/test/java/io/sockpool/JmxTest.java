package io.sockpool;

import static io.sockpool.TestSupport.endpoint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.ProcessResources;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import javax.management.openmbean.CompositeData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The opt-in MXBean, read and driven through the platform MBean server as a console would. */
@Timeout(20)
class JmxTest {
  private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

  private static ObjectName name(String pool) throws Exception {
    return new ObjectName("io.sockpool:type=Pool,name=" + pool);
  }

  private static PoolConfig.Builder jmx(String pool) {
    return PoolConfig.builder().poolName(pool).jmxEnabled(true).maxPerEndpoint(4).maxTotal(8);
  }

  @Test
  void isOffByDefault() throws Exception {
    try (SocketPool pool = SocketPool.create(PoolConfig.builder().poolName("jmx-off").build())) {
      assertFalse(pool.config().jmxEnabled());
      assertFalse(SERVER.isRegistered(name("jmx-off")));
    }
  }

  @Test
  void showsEachEndpointsConnectionsAndTheTotals() throws Exception {
    try (FakePeer peer = new FakePeer();
        SocketPool pool = SocketPool.create(jmx("jmx-stats").build())) {
      assertEquals(3, pool.warmUp(endpoint(peer), 3));
      try (PooledConnection held = pool.checkout(endpoint(peer))) {
        ObjectName n = name("jmx-stats");
        assertEquals(1, SERVER.getAttribute(n, "Active"));
        assertEquals(2, SERVER.getAttribute(n, "Idle"));
        assertEquals(0, SERVER.getAttribute(n, "Pending"));
        assertEquals(8, SERVER.getAttribute(n, "MaxTotal"));
        assertEquals(4, SERVER.getAttribute(n, "MaxPerEndpoint"));
        assertEquals("jmx-stats", SERVER.getAttribute(n, "PoolName"));
        CompositeData[] endpoints = (CompositeData[]) SERVER.getAttribute(n, "Endpoints");
        assertEquals(1, endpoints.length);
        CompositeData e = endpoints[0];
        assertEquals(endpoint(peer).toString(), e.get("endpoint"));
        assertEquals(1, e.get("active"));
        assertEquals(2, e.get("idle"));
        assertEquals(0, e.get("pending"));
        assertEquals("CLOSED", e.get("breakerState"));

        SocketPoolMXBean proxy = JMX.newMXBeanProxy(SERVER, n, SocketPoolMXBean.class);
        assertEquals(1, proxy.getEndpoints().get(0).getActive(), "the composite type maps back");
      }
    }
  }

  @Test
  void evictIdleClosesTheIdleConnectionsAtOnce() throws Exception {
    try (FakePeer peer = new FakePeer();
        SocketPool pool = SocketPool.create(jmx("jmx-evict").build())) {
      assertEquals(3, pool.warmUp(endpoint(peer), 3));
      Object closed =
          SERVER.invoke(
              name("jmx-evict"),
              "evictIdle",
              new Object[] {endpoint(peer).toString()},
              new String[] {String.class.getName()});
      assertEquals(3, closed);
      assertEquals(0, pool.stats(endpoint(peer)).idle());
      // the peer sees the FINs asynchronously
      ProcessResources.awaitAtMost(peer::open, 0, Duration.ofSeconds(5));
      assertEquals(0, peer.open(), "the peer saw the connections close");
      try (PooledConnection c = pool.checkout(endpoint(peer))) {
        TestSupport.ping(c); // new connections are opened on demand
      }
    }
  }

  @Test
  void resetBreakerClosesAnOpenBreaker() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Endpoint dead = Endpoint.of("127.0.0.1", port);
    PoolConfig config =
        jmx("jmx-breaker")
            .circuitBreakerConfig(
                CircuitBreakerConfig.custom()
                    .slidingWindowSize(2)
                    .minimumNumberOfCalls(2)
                    .failureRateThreshold(50)
                    .waitDurationInOpenState(Duration.ofMinutes(5))
                    .build())
            .build();
    try (SocketPool pool = SocketPool.create(config)) {
      for (int i = 0; i < 2; i++) {
        assertThrows(CheckoutException.class, () -> pool.checkout(dead));
      }
      CircuitBreaker breaker = pool.circuitBreakers().circuitBreaker(dead.toString());
      assertEquals(CircuitBreaker.State.OPEN, breaker.getState());
      Object before =
          SERVER.invoke(
              name("jmx-breaker"),
              "resetBreaker",
              new Object[] {dead.toString()},
              new String[] {String.class.getName()});
      assertEquals("OPEN", before);
      assertEquals(CircuitBreaker.State.CLOSED, breaker.getState());
      CheckoutException next = assertThrows(CheckoutException.class, () -> pool.checkout(dead));
      assertFalse(next instanceof EndpointUnavailableException, "tried to connect again: " + next);
    }
  }

  @Test
  void operationsNameAnUnknownEndpoint() throws Exception {
    try (SocketPool pool = SocketPool.create(jmx("jmx-unknown").build())) {
      RuntimeMBeanException e =
          assertThrows(
              RuntimeMBeanException.class,
              () ->
                  SERVER.invoke(
                      name("jmx-unknown"),
                      "evictIdle",
                      new Object[] {"nowhere:1"},
                      new String[] {String.class.getName()}));
      assertEquals(
          "pool 'jmx-unknown' does not know endpoint nowhere:1; known: []",
          e.getCause().getMessage());
    }
  }

  @Test
  void isUnregisteredOnCloseAndTheNameCanBeReused() throws Exception {
    SocketPool pool = SocketPool.create(jmx("jmx-close").build());
    assertTrue(SERVER.isRegistered(name("jmx-close")));
    pool.close();
    assertFalse(SERVER.isRegistered(name("jmx-close")));
    try (SocketPool again = SocketPool.create(jmx("jmx-close").build())) {
      assertTrue(SERVER.isRegistered(name("jmx-close")));
    }
  }

  @Test
  void aSecondPoolWithTheSameNameIsRefused() throws Exception {
    try (SocketPool first = SocketPool.create(jmx("jmx-twice").build())) {
      int threads = io.sockpool.testkit.ProcessResources.threadsNamed("jmx-twice").size();
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class, () -> SocketPool.create(jmx("jmx-twice").build()));
      assertTrue(
          e.getMessage()
              .startsWith(
                  "cannot register the MXBean of pool 'jmx-twice' as"
                      + " io.sockpool:type=Pool,name=jmx-twice (pool names must be unique"),
          e.getMessage());
      assertTrue(SERVER.isRegistered(name("jmx-twice")), "the first pool's MXBean stays");
      assertEquals(
          threads,
          io.sockpool.testkit.ProcessResources.threadsNamed("jmx-twice").size(),
          "the refused pool was closed and left no thread");
      assertEquals("jmx-twice", first.config().poolName());
    }
  }

  @Test
  void quotesAPoolNameThatObjectNamesDoNotAllowBare() throws Exception {
    try (SocketPool pool = SocketPool.create(jmx("cache,eu=1").build())) {
      ObjectName quoted =
          new ObjectName("io.sockpool:type=Pool,name=" + ObjectName.quote("cache,eu=1"));
      assertEquals("cache,eu=1", SERVER.getAttribute(quoted, "PoolName"));
      assertEquals(pool.config().poolName(), ObjectName.unquote(quoted.getKeyProperty("name")));
    }
  }
}
