package io.sockpool.spring.boot;

import io.sockpool.SocketPool;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The pools from {@code sockpool.*}: a {@link SocketPools} registry (every configuration checked at
 * startup, named pools created), the default {@link SocketPool} bean unless the application defines
 * one, and the {@link SocketPoolsLifecycle} that warms them up and closes them in the graceful
 * shutdown phase.
 */
@AutoConfiguration
@ConditionalOnClass(SocketPool.class)
@EnableConfigurationProperties(SockpoolProperties.class)
public class SockpoolAutoConfiguration {
  /**
   * The name of an {@link Executor} bean that, when present, completes every starter pool's
   * asynchronous checkouts ({@link io.sockpool.PoolConfig#asyncExecutor()}); without it each pool
   * uses its own threads.
   */
  public static final String ASYNC_EXECUTOR_BEAN = "sockpoolAsyncExecutor";

  /** Boot's default for {@code spring.lifecycle.timeout-per-shutdown-phase}. */
  private static final Duration BOOT_SHUTDOWN_PHASE_DEFAULT = Duration.ofSeconds(30);

  /** Created by Spring. */
  public SockpoolAutoConfiguration() {
    // nothing to set up
  }

  /**
   * @param properties {@code sockpool.*}
   * @param customizers applied to every pool, in their order
   * @param environment for {@code spring.lifecycle.timeout-per-shutdown-phase}
   * @param asyncExecutor the {@value #ASYNC_EXECUTOR_BEAN} bean, if any
   * @return the registry of the starter's pools
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public SocketPools socketPools(
      SockpoolProperties properties,
      ObjectProvider<SocketPoolCustomizer> customizers,
      Environment environment,
      @Qualifier(ASYNC_EXECUTOR_BEAN) ObjectProvider<Executor> asyncExecutor) {
    Duration phase =
        Binder.get(environment)
            .bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
            .orElse(BOOT_SHUTDOWN_PHASE_DEFAULT);
    return new SocketPools(
        properties, customizers.orderedStream().toList(), phase, asyncExecutor.getIfAvailable());
  }

  /**
   * @param pools the registry
   * @return the default pool, closed by the registry
   */
  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean
  public SocketPool socketPool(SocketPools pools) {
    return pools.defaultPool();
  }

  /**
   * @param pools the registry
   * @return warm-up on start, graceful close on stop
   */
  @Bean
  @ConditionalOnMissingBean
  public SocketPoolsLifecycle socketPoolsLifecycle(SocketPools pools) {
    return new SocketPoolsLifecycle(pools);
  }
}
