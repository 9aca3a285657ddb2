package io.sockpool.spring.boot;

import io.sockpool.PoolConfig;

/**
 * Adjusts a pool's configuration in code before the starter builds it: what properties cannot
 * express (an {@link io.sockpool.ConnectionInitializer}, a {@link io.sockpool.Validator}, an {@link
 * io.sockpool.AddressResolver}). Declare one or more as beans; they run in their {@code @Order},
 * after the properties are applied, for every pool the starter creates.
 */
@FunctionalInterface
public interface SocketPoolCustomizer {

  /**
   * @param poolName {@link SocketPools#DEFAULT} for the default pool, else the named pool's key
   * @param builder the builder with the properties applied
   */
  void customize(String poolName, PoolConfig.Builder builder);
}
