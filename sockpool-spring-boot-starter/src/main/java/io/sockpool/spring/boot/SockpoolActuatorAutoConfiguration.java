package io.sockpool.spring.boot;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code /actuator/sockpool} endpoint, where the application has Spring Boot's actuator (3.5 or
 * 4.0), and the {@code sockpool} health indicator on Spring Boot 3 (on Boot 4, whose health API
 * lives elsewhere: {@link SockpoolBoot4HealthAutoConfiguration}).
 */
@AutoConfiguration(after = SockpoolAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
@ConditionalOnBean(SocketPools.class)
public class SockpoolActuatorAutoConfiguration {

  /** Created by Spring. */
  public SockpoolActuatorAutoConfiguration() {
    // nothing to set up
  }

  /**
   * The Boot 3 health indicator, unless {@code management.health.sockpool.enabled=false}. The class
   * condition comes first: on Boot 4 neither the indicator's interface nor the annotation exists.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
  @ConditionalOnEnabledHealthIndicator("sockpool")
  static class Health {
    /**
     * @param pools the starter's pools
     * @return the {@code sockpool} health contributor
     */
    @Bean
    @ConditionalOnMissingBean(name = "sockpoolHealthIndicator")
    SockpoolHealthIndicator sockpoolHealthIndicator(SocketPools pools) {
      return new SockpoolHealthIndicator(pools);
    }
  }

  /** The endpoint, when exposed ({@code management.endpoints.web.exposure.include=sockpool}). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnAvailableEndpoint(SockpoolEndpoint.class)
  static class View {
    /**
     * @param pools the starter's pools
     * @return {@code /actuator/sockpool}
     */
    @Bean
    @ConditionalOnMissingBean
    SockpoolEndpoint sockpoolEndpoint(SocketPools pools) {
      return new SockpoolEndpoint(pools);
    }
  }
}
