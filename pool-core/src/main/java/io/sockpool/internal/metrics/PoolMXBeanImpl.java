package io.sockpool.internal.metrics;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.sockpool.Endpoint;
import io.sockpool.EndpointStats;
import io.sockpool.PoolStats;
import io.sockpool.SocketPool;
import io.sockpool.SocketPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The {@link SocketPoolMXBean} of one pool, and its registration with the platform MBean server.
 * Reads only the pool's public API.
 */
public final class PoolMXBeanImpl implements SocketPoolMXBean {
  private final SocketPool pool;

  private PoolMXBeanImpl(SocketPool pool) {
    this.pool = pool;
  }

  /**
   * Returns {@code io.sockpool:type=Pool,name=<poolName>}, the name quoted if it holds a character
   * that ObjectName values do not allow bare.
   *
   * @param poolName a pool name
   */
  public static ObjectName objectName(String poolName) {
    boolean plain = poolName.chars().noneMatch(c -> ",=:\"*?\n".indexOf(c) >= 0);
    try {
      return new ObjectName(
          "io.sockpool:type=Pool,name=" + (plain ? poolName : ObjectName.quote(poolName)));
    } catch (JMException e) {
      throw new IllegalArgumentException("poolName '" + poolName + "' gives no valid JMX name", e);
    }
  }

  /**
   * Registers the pool's MXBean with the platform MBean server.
   *
   * @param pool the pool
   * @return the name it was registered under
   * @throws IllegalStateException if the name is taken (another pool with the same name)
   */
  public static ObjectName register(SocketPool pool) {
    ObjectName name = objectName(pool.config().poolName());
    try {
      ManagementFactory.getPlatformMBeanServer().registerMBean(new PoolMXBeanImpl(pool), name);
    } catch (JMException e) {
      throw new IllegalStateException(
          "cannot register the MXBean of pool '"
              + pool.config().poolName()
              + "' as "
              + name
              + " (pool names must be unique when"
              + " jmxEnabled is set): "
              + e,
          e);
    }
    return name;
  }

  /**
   * Unregisters an MXBean registered by {@link #register(SocketPool)}; nothing if it is gone.
   *
   * @param name the name it was registered under
   */
  public static void unregister(ObjectName name) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    try {
      if (server.isRegistered(name)) {
        server.unregisterMBean(name);
      }
    } catch (JMException e) {
      // unregistered concurrently: nothing left to do
    }
  }

  @Override
  public String getPoolName() {
    return pool.config().poolName();
  }

  @Override
  public int getActive() {
    return pool.stats().total().active();
  }

  @Override
  public int getIdle() {
    return pool.stats().total().idle();
  }

  @Override
  public int getPending() {
    return pool.stats().total().waiting();
  }

  @Override
  public int getMaxTotal() {
    return pool.limits().maxTotal();
  }

  @Override
  public int getMaxPerEndpoint() {
    return pool.limits().maxPerEndpoint();
  }

  @Override
  public int getMinIdlePerEndpoint() {
    return pool.limits().minIdlePerEndpoint();
  }

  @Override
  public void resize(int maxTotal, int maxPerEndpoint, int minIdlePerEndpoint) {
    pool.resize(maxTotal, maxPerEndpoint, minIdlePerEndpoint);
  }

  @Override
  public List<EndpointConnections> getEndpoints() {
    PoolStats stats = pool.stats();
    List<EndpointConnections> list = new ArrayList<>();
    for (Map.Entry<Endpoint, EndpointStats> e : stats.byEndpoint().entrySet()) {
      EndpointStats s = e.getValue();
      String name = e.getKey().toString();
      String breaker =
          pool.circuitBreakers().find(name).map(b -> b.getState().name()).orElse("NONE");
      list.add(new EndpointConnections(name, s.active(), s.idle(), s.waiting(), breaker));
    }
    return list;
  }

  @Override
  public int evictIdle(String endpoint) {
    return pool.evict(known(endpoint));
  }

  @Override
  public String resetBreaker(String endpoint) {
    Endpoint e = known(endpoint);
    CircuitBreaker breaker =
        pool.circuitBreakers()
            .find(e.toString())
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "pool '" + getPoolName() + "' has no circuit breaker for " + e));
    String before = breaker.getState().name();
    breaker.reset();
    return before;
  }

  private Endpoint known(String text) {
    Endpoint e = Endpoint.parse(text);
    if (!pool.stats().byEndpoint().containsKey(e)) {
      throw new IllegalArgumentException(
          "pool '"
              + getPoolName()
              + "' does not know endpoint "
              + e
              + "; known: "
              + pool.stats().byEndpoint().keySet());
    }
    return e;
  }
}
