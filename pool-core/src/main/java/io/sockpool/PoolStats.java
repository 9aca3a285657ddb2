package io.sockpool;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of the pool: totals and one {@link EndpointStats} per endpoint the pool knows.
 *
 * @param total totals over every endpoint, including endpoints the pool has since forgotten (their
 *     counters; their gauges are zero); {@link EndpointStats#endpoint()} is null
 * @param byEndpoint per-endpoint snapshots, unmodifiable, in no particular order
 */
public record PoolStats(EndpointStats total, Map<Endpoint, EndpointStats> byEndpoint) {

  /** Copies {@code byEndpoint} into an unmodifiable map. */
  public PoolStats {
    Objects.requireNonNull(total, "total must not be null");
    byEndpoint = Collections.unmodifiableMap(new LinkedHashMap<>(byEndpoint));
  }
}
