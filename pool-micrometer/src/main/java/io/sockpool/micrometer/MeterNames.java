package io.sockpool.micrometer;

/**
 * The names of the meters {@link SocketPoolMetrics} registers: lowercase and dotted, in
 * Micrometer's convention (each registry renders them in its own: Prometheus as {@code
 * sockpool_connections_active}). Modelled on HikariCP's {@code hikaricp.connections.*}. Every meter
 * is tagged {@code pool} and {@code endpoint}.
 */
public final class MeterNames {
  /** Gauge: open connections, active plus idle. */
  public static final String CONNECTIONS = "sockpool.connections";

  /** Gauge: connections checked out now. */
  public static final String ACTIVE = "sockpool.connections.active";

  /** Gauge: idle connections now. */
  public static final String IDLE = "sockpool.connections.idle";

  /** Gauge: callers waiting for a connection now. */
  public static final String PENDING = "sockpool.connections.pending";

  /** Gauge: connects under way now. */
  public static final String CONNECTING = "sockpool.connections.connecting";

  /** Gauge: {@code maxPerEndpoint}. */
  public static final String MAX = "sockpool.connections.max";

  /** Gauge: {@code minIdlePerEndpoint}. */
  public static final String MIN = "sockpool.connections.min";

  /** Timer: successful checkouts (waiting, connecting and validating). */
  public static final String ACQUIRE = "sockpool.connections.acquire";

  /** Timer: new connections (connect plus initializer). */
  public static final String CREATION = "sockpool.connections.creation";

  /** Timer: how long connections were held, checkout to return. */
  public static final String USAGE = "sockpool.connections.usage";

  /** Counter: checkouts that failed on their deadline. */
  public static final String TIMEOUT = "sockpool.connections.timeout";

  /** Counter: checkouts refused at once (waiter bound reached, or breaker open). */
  public static final String REJECTED = "sockpool.connections.rejected";

  /**
   * Counter: connections opened (not {@code .created}: Prometheus reserves the {@code _created}
   * suffix).
   */
  public static final String CREATED = "sockpool.connections.opened";

  /**
   * Counter, tag {@code origin}: the connections of {@link #CREATED} by who opened them: {@code
   * checkout} (a checkout found none idle and waited for the connect), {@code preconnect}
   * (predictive preconnect, ahead of demand) or {@code warm_up} (warm-up and min-idle).
   */
  public static final String CREATED_BY_ORIGIN = "sockpool.connections.opened.origin";

  /**
   * Counter, tag {@code reason} (a lowercase {@link io.sockpool.DestroyReason}): closed
   * connections.
   */
  public static final String DESTROYED = "sockpool.connections.destroyed";

  /** Gauge: live sizing's recommended size, capped at {@code maxPerEndpoint}. */
  public static final String SIZING_RECOMMENDED = "sockpool.sizing.recommended";

  /** Gauge: live sizing's needed size, uncapped. */
  public static final String SIZING_NEEDED = "sockpool.sizing.needed";

  /** Gauge: the measured share of checkouts that waited. */
  public static final String SIZING_WAIT_MEASURED = "sockpool.sizing.wait.measured";

  /** Gauge: Erlang C's predicted share of waiting checkouts at the current size. */
  public static final String SIZING_WAIT_PREDICTED = "sockpool.sizing.wait.predicted";

  /** Gauge: measured checkouts per second. */
  public static final String SIZING_RATE = "sockpool.sizing.arrival.rate";

  /** Time gauge: measured mean hold time. */
  public static final String SIZING_HOLD = "sockpool.sizing.hold";

  private MeterNames() {}
}
