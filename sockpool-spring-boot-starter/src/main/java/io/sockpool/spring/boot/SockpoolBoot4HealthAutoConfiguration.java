package io.sockpool.spring.boot;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code sockpool} health indicator on Spring Boot 4, whose health API moved to {@code
 * org.springframework.boot.health} (module {@code spring-boot-health}, which the Boot 4 actuator
 * brings). Off on Boot 3, where {@link SockpoolActuatorAutoConfiguration} configures {@link
 * SockpoolHealthIndicator} instead.
 */
@AutoConfiguration(after = SockpoolAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnMissingClass("org.springframework.boot.actuate.health.HealthIndicator")
@ConditionalOnBean(SocketPools.class)
public class SockpoolBoot4HealthAutoConfiguration {

  /** Created by Spring. */
  public SockpoolBoot4HealthAutoConfiguration() {
    // nothing to set up
  }

  /**
   * The indicator, unless {@code management.health.sockpool.enabled=false}; nested, so that its
   * Boot 4 annotation is read only once the class conditions above held.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnEnabledHealthIndicator("sockpool")
  static class Health {
    /**
     * @param pools the starter's pools
     * @return the {@code sockpool} health contributor
     */
    @Bean
    @ConditionalOnMissingBean(name = "sockpoolHealthIndicator")
    SockpoolBoot4HealthIndicator sockpoolHealthIndicator(SocketPools pools) {
      return new SockpoolBoot4HealthIndicator(pools);
    }
  }
}
