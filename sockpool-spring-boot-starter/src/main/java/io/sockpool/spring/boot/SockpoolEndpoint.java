package io.sockpool.spring.boot;

import io.sockpool.SocketPool;
import io.sockpool.sizing.LiveSizing;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/sockpool}: every pool the starter created with its effective configuration, and
 * per endpoint its addresses (with the connections to each), breaker, counters, last failure and
 * live sizing.
 */
@org.springframework.boot.actuate.endpoint.annotation.Endpoint(id = "sockpool")
public class SockpoolEndpoint {
  private final SocketPools pools;

  /**
   * @param pools the pools the starter created
   */
  public SockpoolEndpoint(SocketPools pools) {
    this.pools = pools;
  }

  /**
   * @return the pools, by key
   */
  @ReadOperation
  public Map<String, Object> pools() {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, SocketPool> e : pools.created().entrySet()) {
      SocketPool pool = e.getValue();
      Set<io.sockpool.Endpoint> all = new LinkedHashSet<>(pools.endpoints(e.getKey()));
      all.addAll(pool.stats().byEndpoint().keySet());
      Map<String, Object> endpoints = new LinkedHashMap<>();
      for (io.sockpool.Endpoint endpoint : all) {
        Map<String, Object> d = EndpointView.of(pools, e.getKey(), pool, endpoint).details();
        d.put("addresses", addresses(pool, endpoint));
        d.put("created", pool.stats(endpoint).created());
        d.put("checkouts", pool.stats(endpoint).checkouts());
        d.put("timeouts", pool.stats(endpoint).timeouts());
        d.put("sizing", sizing(pool.sizing(endpoint)));
        endpoints.put(endpoint.toString(), d);
      }
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("name", pool.config().poolName());
      p.put("config", pool.config().toString());
      p.put("endpoints", endpoints);
      out.put(e.getKey(), p);
    }
    return out;
  }

  private static List<String> addresses(SocketPool pool, io.sockpool.Endpoint endpoint) {
    return pool.addresses(endpoint).stream().map(Object::toString).toList();
  }

  private static Map<String, Object> sizing(LiveSizing s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ratePerSecond", s.ratePerSecond());
    m.put("currentSize", s.currentSize());
    m.put("cap", s.cap());
    m.put("summary", s.toString());
    return m;
  }
}
