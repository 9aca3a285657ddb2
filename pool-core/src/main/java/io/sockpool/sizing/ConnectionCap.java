package io.sockpool.sizing;

/**
 * A server-side connection limit (for example Redis {@code maxclients}, PostgreSQL {@code
 * max_connections}) shared evenly by several application instances, each running one pool to that
 * server: each instance may hold at most {@code floor(serverMaxConnections / instances)}
 * connections.
 *
 * <p>Immutable and thread-safe.
 */
public final class ConnectionCap {
  private final int serverMaxConnections;
  private final int instances;

  private ConnectionCap(int serverMaxConnections, int instances) {
    this.serverMaxConnections = serverMaxConnections;
    this.instances = instances;
  }

  /**
   * Creates a cap.
   *
   * @param serverMaxConnections the most connections the server accepts from all clients, >= 1
   * @param instances the application instances sharing it, >= 1 and &lt;= serverMaxConnections (so
   *     that each may hold at least one connection)
   * @return the cap
   * @throws IllegalArgumentException if a value is out of range (the message names it)
   */
  public static ConnectionCap of(int serverMaxConnections, int instances) {
    if (serverMaxConnections < 1) {
      throw new IllegalArgumentException(
          "serverMaxConnections must be >= 1, but was " + serverMaxConnections);
    }
    if (instances < 1) {
      throw new IllegalArgumentException("instances must be >= 1, but was " + instances);
    }
    if (instances > serverMaxConnections) {
      throw new IllegalArgumentException(
          "instances must be <= serverMaxConnections ("
              + serverMaxConnections
              + ") so that each instance may hold at least one connection,"
              + " but was "
              + instances);
    }
    return new ConnectionCap(serverMaxConnections, instances);
  }

  /** Returns the server's limit, all clients together. */
  public int serverMaxConnections() {
    return serverMaxConnections;
  }

  /** Returns the application instances sharing the limit. */
  public int instances() {
    return instances;
  }

  /** Returns {@code floor(serverMaxConnections / instances)}, at least 1. */
  public int perInstanceMax() {
    return serverMaxConnections / instances;
  }

  /**
   * Returns whether it is more than {@link #perInstanceMax()}.
   *
   * @param connections a per-instance pool size
   */
  public boolean isExceededBy(int connections) {
    return connections > perInstanceMax();
  }

  @Override
  public String toString() {
    return "ConnectionCap{serverMaxConnections="
        + serverMaxConnections
        + ", instances="
        + instances
        + ", perInstanceMax="
        + perInstanceMax()
        + "}";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConnectionCap connectionCap
        && connectionCap.serverMaxConnections == serverMaxConnections
        && connectionCap.instances == instances;
  }

  @Override
  public int hashCode() {
    return 31 * serverMaxConnections + instances;
  }
}
