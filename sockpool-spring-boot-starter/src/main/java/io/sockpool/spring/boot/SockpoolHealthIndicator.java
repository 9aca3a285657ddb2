package io.sockpool.spring.boot;

import io.sockpool.Endpoint;
import io.sockpool.SocketPool;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The {@code sockpool} health: per pool and endpoint the breaker state, open, active, idle and
 * waiting connections and the last failed checkout. DOWN only when every configured endpoint
 * ({@code endpoints} of every pool) is unavailable (see {@link EndpointView#unavailable()}); one
 * open breaker among several endpoints leaves it UP, and so does a pool with no configured
 * endpoint. Endpoints the pool uses that are not configured are listed but do not count.
 */
public final class SockpoolHealthIndicator implements HealthIndicator {
  private final SocketPools pools;

  /**
   * @param pools the pools the starter created
   */
  public SockpoolHealthIndicator(SocketPools pools) {
    this.pools = pools;
  }

  @Override
  public Health health() {
    int configured = 0;
    int unavailable = 0;
    Map<String, Object> byPool = new LinkedHashMap<>();
    for (Map.Entry<String, SocketPool> e : pools.created().entrySet()) {
      SocketPool pool = e.getValue();
      Set<Endpoint> all = new LinkedHashSet<>(pools.endpoints(e.getKey()));
      all.addAll(pool.stats().byEndpoint().keySet());
      Map<String, Object> endpoints = new LinkedHashMap<>();
      for (Endpoint endpoint : all) {
        EndpointView v = EndpointView.of(pools, e.getKey(), pool, endpoint);
        Map<String, Object> d = v.details();
        boolean isConfigured = pools.endpoints(e.getKey()).contains(endpoint);
        d.put("configured", isConfigured);
        endpoints.put(endpoint.toString(), d);
        if (isConfigured) {
          configured++;
          if (v.unavailable()) {
            unavailable++;
          }
        }
      }
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("name", pool.config().poolName());
      p.put("endpoints", endpoints);
      byPool.put(e.getKey(), p);
    }
    Health.Builder b = configured > 0 && unavailable == configured ? Health.down() : Health.up();
    return b.withDetail("pools", byPool)
        .withDetail("configuredEndpoints", configured)
        .withDetail("unavailableEndpoints", unavailable)
        .build();
  }
}
