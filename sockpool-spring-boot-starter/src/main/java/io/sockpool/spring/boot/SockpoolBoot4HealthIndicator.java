package io.sockpool.spring.boot;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code sockpool} health on Spring Boot 4 ({@code org.springframework.boot.health}, where Boot
 * 4 moved the health API): the same status and details as {@link SockpoolHealthIndicator} on Boot
 * 3. DOWN only when every configured endpoint of every pool is unavailable.
 */
public final class SockpoolBoot4HealthIndicator implements HealthIndicator {
  private final SocketPools pools;

  /**
   * @param pools the pools the starter created
   */
  public SockpoolBoot4HealthIndicator(SocketPools pools) {
    this.pools = pools;
  }

  @Override
  public Health health() {
    PoolsHealth h = PoolsHealth.of(pools);
    return (h.down() ? Health.down() : Health.up()).withDetails(h.details()).build();
  }
}
