package io.sockpool.spring.boot;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The {@code sockpool} health on Spring Boot 3 ({@code org.springframework.boot.actuate.health}):
 * per pool and endpoint the breaker state, open, active, idle and waiting connections and the last
 * failed checkout. DOWN only when every configured endpoint ({@code endpoints} of every pool) is
 * unavailable (see {@link EndpointView#unavailable()}); one open breaker among several endpoints
 * leaves it UP, and so does a pool with no configured endpoint. Endpoints the pool uses that are
 * not configured are listed but do not count. On Spring Boot 4 the same health comes from {@link
 * SockpoolBoot4HealthIndicator}.
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
    PoolsHealth h = PoolsHealth.of(pools);
    return (h.down() ? Health.down() : Health.up()).withDetails(h.details()).build();
  }
}
