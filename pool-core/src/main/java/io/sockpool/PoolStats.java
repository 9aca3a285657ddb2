package io.sockpool;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A snapshot of the pool: totals and one {@link ConnectionStats} per endpoint. */
public final class PoolStats {
  private final ConnectionStats total;
  private final Map<Endpoint, ConnectionStats> byEndpoint;

  /**
   * @param total the pool's totals
   * @param byEndpoint per-endpoint snapshots
   */
  public PoolStats(ConnectionStats total, Map<Endpoint, ConnectionStats> byEndpoint) {
    this.total = total;
    this.byEndpoint = Collections.unmodifiableMap(new LinkedHashMap<>(byEndpoint));
  }

  /** @return totals over every endpoint */
  public ConnectionStats total() {
    return total;
  }

  /** @return per-endpoint snapshots, unmodifiable */
  public Map<Endpoint, ConnectionStats> byEndpoint() {
    return byEndpoint;
  }

  @Override
  public String toString() {
    return "PoolStats{" + total + ", " + byEndpoint.values() + "}";
  }
}
