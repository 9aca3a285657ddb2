package io.sockpool.spring.boot;

import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.PreconnectPolicy;
import io.sockpool.SocketPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pools the starter created: the default one ({@code sockpool.*}, exposed as the {@link
 * SocketPool} bean unless the application defines its own) and the named ones ({@code
 * sockpool.pools.<name>.*}). Every configuration is checked when this registry is built, so a bad
 * value fails startup; named pools are created at once, the default pool when first asked for.
 * Closed in Spring Boot's graceful shutdown phase by {@link SocketPoolsLifecycle}.
 */
public final class SocketPools implements AutoCloseable {
  /** The key of the default pool. */
  public static final String DEFAULT = "default";

  private static final Logger LOG = LoggerFactory.getLogger(SocketPools.class);

  private final Map<String, Entry> entries = new LinkedHashMap<>();

  private static final class Entry {
    final PoolConfig config;
    final List<Endpoint> endpoints;
    final PreconnectPolicy preconnect; // null: off
    final LastFailures failures = new LastFailures(java.time.Clock.systemUTC());
    SocketPool pool; // guarded by the registry's monitor

    Entry(PoolConfig config, List<Endpoint> endpoints, PreconnectPolicy preconnect) {
      this.config = config;
      this.endpoints = endpoints;
      this.preconnect = preconnect;
    }
  }

  private final Executor asyncExecutor; // null: each pool's own

  /**
   * Checks every configuration and creates the named pools.
   *
   * @param properties the bound {@code sockpool.*} properties
   * @param customizers applied to every pool's builder, in order
   * @param shutdownPhaseTimeout Boot's shutdown phase timeout (the close grace period when {@code
   *     close-grace-period} is unset and the phase is shorter), or null
   * @throws InvalidPoolPropertyException naming the property if a value is rejected
   */
  public SocketPools(
      SockpoolProperties properties,
      List<SocketPoolCustomizer> customizers,
      Duration shutdownPhaseTimeout) {
    this(properties, customizers, shutdownPhaseTimeout, null);
  }

  /**
   * Checks every configuration and creates the named pools, every pool completing its asynchronous
   * checkouts on {@code asyncExecutor} ({@link PoolConfig#asyncExecutor()}) unless a customizer
   * sets another.
   *
   * @param properties the bound {@code sockpool.*} properties
   * @param customizers applied to every pool's builder, in order
   * @param shutdownPhaseTimeout Boot's shutdown phase timeout, or null
   * @param asyncExecutor the completion executor of every pool, or null for each pool's own
   * @throws InvalidPoolPropertyException naming the property if a value is rejected
   */
  public SocketPools(
      SockpoolProperties properties,
      List<SocketPoolCustomizer> customizers,
      Duration shutdownPhaseTimeout,
      Executor asyncExecutor) {
    this.asyncExecutor = asyncExecutor;
    add(
        DEFAULT,
        properties,
        SockpoolProperties.PREFIX,
        "sockpool",
        shutdownPhaseTimeout,
        customizers);
    properties
        .getPools()
        .forEach(
            (name, settings) ->
                add(
                    name,
                    settings,
                    SockpoolProperties.PREFIX + ".pools." + name,
                    name,
                    shutdownPhaseTimeout,
                    customizers));
    try {
      for (String name : entries.keySet()) {
        if (!name.equals(DEFAULT)) {
          pool(name);
        }
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private void add(
      String key,
      PoolSettings settings,
      String prefix,
      String defaultName,
      Duration shutdownPhaseTimeout,
      List<SocketPoolCustomizer> customizers) {
    if (entries.containsKey(key)) {
      throw new InvalidPoolPropertyException(
          prefix,
          prefix + ": the name '" + DEFAULT + "' belongs to the top-level pool (sockpool.*)",
          null);
    }
    List<SocketPoolCustomizer> all = customizers;
    if (asyncExecutor != null) { // first: a customizer may still set another
      all = new ArrayList<>();
      all.add((name, b) -> b.asyncExecutor(asyncExecutor));
      all.addAll(customizers);
    }
    PoolConfig config =
        PoolConfigs.build(settings, prefix, defaultName, shutdownPhaseTimeout, all, key);
    PreconnectPolicy preconnect = settings.getPreconnect().policy(prefix).orElse(null);
    entries.put(
        key, new Entry(config, List.copyOf(PoolConfigs.endpoints(settings, prefix)), preconnect));
  }

  /**
   * @return the default pool, created on the first call
   */
  public SocketPool defaultPool() {
    return pool(DEFAULT);
  }

  /**
   * @param name {@link #DEFAULT} or a key of {@code sockpool.pools}
   * @return the pool (the default one is created on the first call)
   * @throws IllegalArgumentException if no pool has that name
   */
  public synchronized SocketPool pool(String name) {
    Entry e = entries.get(name);
    if (e == null) {
      throw new IllegalArgumentException(
          "no sockpool pool named '" + name + "'; configured: " + entries.keySet());
    }
    if (e.pool == null) {
      e.pool = SocketPool.create(e.config);
      e.pool.addListener(e.failures);
      if (e.preconnect != null) {
        e.pool.preconnect(e.preconnect);
      }
    }
    return e.pool;
  }

  /**
   * @return the pools created so far, by key, in configuration order
   */
  public synchronized Map<String, SocketPool> created() {
    Map<String, SocketPool> out = new LinkedHashMap<>();
    entries.forEach(
        (k, e) -> {
          if (e.pool != null) {
            out.put(k, e.pool);
          }
        });
    return Collections.unmodifiableMap(out);
  }

  /**
   * @param name {@link #DEFAULT} or a key of {@code sockpool.pools}
   * @return the endpoints configured for it ({@code endpoints}), empty if none or no such pool
   */
  public List<Endpoint> endpoints(String name) {
    Entry e = entries.get(name);
    return e == null ? List.of() : e.endpoints;
  }

  /**
   * @param name {@link #DEFAULT} or a key of {@code sockpool.pools}
   * @param endpoint the peer
   * @return the endpoint's last failed checkout in that pool, if any
   */
  Optional<LastFailures.Failure> lastFailure(String name, Endpoint endpoint) {
    Entry e = entries.get(name);
    return e == null ? Optional.empty() : e.failures.last(endpoint);
  }

  /**
   * @param name {@link #DEFAULT} or a key of {@code sockpool.pools}
   * @return the pool's checked configuration
   */
  public Optional<PoolConfig> config(String name) {
    Entry e = entries.get(name);
    return e == null ? Optional.empty() : Optional.of(e.config);
  }

  /** Closes every pool created so far, each gracefully (see {@link SocketPool#close()}). */
  @Override
  public void close() {
    List<SocketPool> pools;
    synchronized (this) {
      pools = new ArrayList<>(created().values());
    }
    for (SocketPool p : pools) {
      try {
        p.close();
      } catch (RuntimeException e) {
        LOG.warn("closing sockpool pool '{}' failed: {}", p.config().poolName(), e.toString(), e);
      }
    }
  }
}
