package io.sockpool.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.sockpool.SocketPool;
import io.sockpool.micrometer.SocketPoolMetrics;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Binds pool-micrometer's {@link SocketPoolMetrics} to Spring Boot's {@link MeterRegistry} for
 * every pool the starter created and every {@link SocketPool} bean of the application. The meters
 * go away when the pools close.
 */
@AutoConfiguration(after = SockpoolAutoConfiguration.class)
@ConditionalOnClass({MeterRegistry.class, SocketPoolMetrics.class})
@ConditionalOnBean(SocketPools.class)
public class SockpoolMetricsAutoConfiguration {

  /** Created by Spring. */
  public SockpoolMetricsAutoConfiguration() {
    // nothing to set up
  }

  /**
   * @param pools the starter's pools
   * @param beans the application's {@link SocketPool} beans (the default pool among them)
   * @return the binder Spring Boot applies to its registry
   */
  @Bean
  public MeterBinder sockpoolMeterBinder(SocketPools pools, ObjectProvider<SocketPool> beans) {
    return registry -> {
      Set<SocketPool> all = Collections.newSetFromMap(new IdentityHashMap<>());
      beans.orderedStream().forEach(all::add);
      all.addAll(pools.created().values());
      for (SocketPool pool : all) {
        new SocketPoolMetrics(pool).bindTo(registry);
      }
    };
  }
}
