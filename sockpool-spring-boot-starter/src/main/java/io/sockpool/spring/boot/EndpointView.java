package io.sockpool.spring.boot;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.sockpool.Endpoint;
import io.sockpool.EndpointStats;
import io.sockpool.SocketPool;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the health indicator and the actuator endpoint say about one endpoint of one pool: breaker
 * state, connections, the last failed checkout, and whether the endpoint counts as unavailable.
 *
 * @param endpoint the peer
 * @param breaker the breaker's state name, {@code NONE} before the endpoint's first checkout
 * @param stats the endpoint's counters
 * @param lastFailure the last failed checkout, if any
 */
record EndpointView(
    Endpoint endpoint,
    String breaker,
    EndpointStats stats,
    Optional<LastFailures.Failure> lastFailure) {

  static EndpointView of(SocketPools pools, String poolKey, SocketPool pool, Endpoint endpoint) {
    String breaker =
        pool.circuitBreakers()
            .find(endpoint.toString())
            .map(b -> b.getState().name())
            .orElse("NONE");
    return new EndpointView(
        endpoint, breaker, pool.stats(endpoint), pools.lastFailure(poolKey, endpoint));
  }

  /**
   * Unavailable: its breaker refuses checkouts (open, forced open, disabled from service), or it
   * has no open connection and its last checkout failed with no success since.
   *
   * @return whether a checkout now would most likely fail
   */
  boolean unavailable() {
    if (breaker.equals(CircuitBreaker.State.OPEN.name())
        || breaker.equals(CircuitBreaker.State.FORCED_OPEN.name())) {
      return true;
    }
    return stats.open() == 0 && lastFailure.map(f -> !f.recovered()).orElse(false);
  }

  /**
   * @return the details as JSON-friendly values
   */
  Map<String, Object> details() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("available", !unavailable());
    m.put("breaker", breaker);
    m.put("open", stats.open());
    m.put("active", stats.active());
    m.put("idle", stats.idle());
    m.put("waiting", stats.waiting());
    lastFailure.ifPresent(
        f -> {
          Map<String, Object> fm = new LinkedHashMap<>();
          fm.put("at", f.at().toString());
          fm.put("type", f.type());
          fm.put("message", f.message());
          fm.put("recovered", f.recovered());
          m.put("lastFailure", fm);
        });
    return m;
  }
}
