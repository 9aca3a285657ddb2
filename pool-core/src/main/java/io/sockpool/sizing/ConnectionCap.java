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

  /**
   * @return the server's limit, all clients together
   */
  public int serverMaxConnections() {
    return serverMaxConnections;
  }

  /**
   * @return the application instances sharing the limit
   */
  public int instances() {
    return instances;
  }

  /**
   * @return {@code floor(serverMaxConnections / instances)}, at least 1
   */
  public int perInstanceMax() {
    return serverMaxConnections / instances;
  }

  /**
   * @param connections a per-instance pool size
   * @return whether it is more than {@link #perInstanceMax()}
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
    return o instanceof ConnectionCap
        && ((ConnectionCap) o).serverMaxConnections == serverMaxConnections
        && ((ConnectionCap) o).instances == instances;
  }

  @Override
  public int hashCode() {
    return 31 * serverMaxConnections + instances;
  }
}
