package io.sockpool;

import java.util.List;
import javax.management.openmbean.CompositeData;

/**
 * The management view of a {@link SocketPool}, registered with the platform MBean server under
 * {@code io.sockpool:type=Pool,name=<poolName>} when {@link PoolConfig#jmxEnabled()} is set (off by
 * default) and unregistered when the pool closes. For an operator's console (JConsole, VisualVM, a
 * JMX exporter): the connections per endpoint and in total, and two operations.
 */
public interface SocketPoolMXBean {

  /** Returns the pool's name ({@link PoolConfig#poolName()}). */
  String getPoolName();

  /** Returns connections checked out now, all endpoints. */
  int getActive();

  /** Returns idle connections now, all endpoints. */
  int getIdle();

  /** Returns callers waiting for a connection now, all endpoints. */
  int getPending();

  /** Returns the limit over all endpoints in force now ({@link SocketPool#limits()}). */
  int getMaxTotal();

  /** Returns the limit per endpoint in force now ({@link SocketPool#limits()}). */
  int getMaxPerEndpoint();

  /** Returns the idle connections kept per endpoint now ({@link SocketPool#limits()}). */
  int getMinIdlePerEndpoint();

  /**
   * Changes the limits while the pool runs ({@link SocketPool#resize}): shrinking closes idle
   * connections first and never interrupts a holder; growing serves waiting callers at once.
   *
   * @param maxTotal connections open or connecting, all endpoints; >= 1
   * @param maxPerEndpoint per endpoint; >= 1 and &lt;= maxTotal
   * @param minIdlePerEndpoint idle connections kept per endpoint; >= 0 and &lt;= maxPerEndpoint
   */
  void resize(int maxTotal, int maxPerEndpoint, int minIdlePerEndpoint);

  /** Returns one entry per endpoint the pool keeps state for, in no particular order. */
  List<EndpointConnections> getEndpoints();

  /**
   * Closes the endpoint's idle connections now; checked-out ones are closed when they come back
   * ({@link SocketPool#evict(Endpoint)}). New checkouts open new connections.
   *
   * @param endpoint {@code host:port}, as listed in {@link #getEndpoints()}
   * @return how many idle connections were closed now
   * @throws IllegalArgumentException if the text is not {@code host:port} or the pool does not know
   *     the endpoint
   */
  int evictIdle(String endpoint);

  /**
   * Resets the endpoint's circuit breaker to closed, forgetting its recorded calls: checkouts are
   * let through at once instead of after the open state's wait.
   *
   * @param endpoint {@code host:port}, as listed in {@link #getEndpoints()}
   * @return the breaker's state before the reset, e.g. {@code OPEN}
   * @throws IllegalArgumentException if the text is not {@code host:port} or the pool has no
   *     breaker for it
   */
  String resetBreaker(String endpoint);

  /**
   * One endpoint's connections, as an MXBean composite value (JMX clients see a {@link
   * CompositeData} with the items {@code endpoint}, {@code active}, {@code idle}, {@code pending}
   * and {@code breakerState}).
   */
  final class EndpointConnections {
    private final String endpoint;
    private final int active;
    private final int idle;
    private final int pending;
    private final String breakerState;

    /**
     * @param endpoint {@code host:port}
     * @param active connections checked out now
     * @param idle idle connections now
     * @param pending callers waiting now
     * @param breakerState the circuit breaker's state, e.g. {@code CLOSED}
     */
    public EndpointConnections(
        String endpoint, int active, int idle, int pending, String breakerState) {
      this.endpoint = endpoint;
      this.active = active;
      this.idle = idle;
      this.pending = pending;
      this.breakerState = breakerState;
    }

    /**
     * Rebuilds the value from its JMX form (used by MXBean proxies).
     *
     * @param data the composite value
     * @return the value
     */
    public static EndpointConnections from(CompositeData data) {
      return new EndpointConnections(
          (String) data.get("endpoint"),
          (Integer) data.get("active"),
          (Integer) data.get("idle"),
          (Integer) data.get("pending"),
          (String) data.get("breakerState"));
    }

    /** Returns {@code host:port}. */
    public String getEndpoint() {
      return endpoint;
    }

    /** Returns connections checked out now. */
    public int getActive() {
      return active;
    }

    /** Returns idle connections now. */
    public int getIdle() {
      return idle;
    }

    /** Returns callers waiting now. */
    public int getPending() {
      return pending;
    }

    /** Returns the circuit breaker's state, e.g. {@code CLOSED}. */
    public String getBreakerState() {
      return breakerState;
    }

    @Override
    public String toString() {
      return endpoint
          + "{active="
          + active
          + ", idle="
          + idle
          + ", pending="
          + pending
          + ", breaker="
          + breakerState
          + "}";
    }
  }
}
