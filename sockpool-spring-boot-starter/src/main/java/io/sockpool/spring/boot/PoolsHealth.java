package io.sockpool.spring.boot;

import io.sockpool.Endpoint;
import io.sockpool.SocketPool;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The {@code sockpool} health, apart from any Spring Boot health API: Boot 3's indicator ({@link
 * SockpoolHealthIndicator}) and Boot 4's ({@link SockpoolBoot4HealthIndicator}) only turn it into
 * their own {@code Health}.
 *
 * @param down whether every configured endpoint (of every pool) is unavailable
 * @param details the details of the health JSON: {@code pools}, {@code configuredEndpoints}, {@code
 *     unavailableEndpoints}
 */
record PoolsHealth(boolean down, Map<String, Object> details) {

  /**
   * Per pool and endpoint the breaker state, open, active, idle and waiting connections and the
   * last failed checkout. DOWN only when every configured endpoint is unavailable (see {@link
   * EndpointView#unavailable()}); one open breaker among several endpoints leaves it UP, and so
   * does a pool with no configured endpoint. Endpoints the pool uses that are not configured are
   * listed but do not count.
   */
  static PoolsHealth of(SocketPools pools) {
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
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("pools", byPool);
    details.put("configuredEndpoints", configured);
    details.put("unavailableEndpoints", unavailable);
    return new PoolsHealth(configured > 0 && unavailable == configured, details);
  }
}
