package io.sockpool.internal;

import io.sockpool.Endpoint;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A pool's per-endpoint state kept in the {@link Endpoint} instance itself (its one internal
 * field), so a checkout finds it in the object it reads anyway instead of in the registry's map:
 * with 1,000 endpoints in turn, the map's table slot and node are two cold cache lines per checkout
 * (docs/benchmarks.md, "Flatness"). A cache only: the map stays the truth, {@link EndpointRegistry}
 * checks that a cached state is its own and not retiring before it uses it, and clears it when the
 * state is forgotten or the pool closes, so an endpoint instance never keeps a forgotten state or a
 * closed pool alive. One pool's state per instance: with several pools on one instance, the first
 * keeps it and the others look up their map as before.
 */
final class EndpointCache {
  private static final VarHandle STATE;

  static {
    try {
      STATE =
          MethodHandles.privateLookupIn(Endpoint.class, MethodHandles.lookup())
              .findVarHandle(Endpoint.class, "poolState", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private EndpointCache() {}

  /**
   * Returns the cached state, or null; the state was published with the release of {@link #put}.
   */
  static Object get(Endpoint e) {
    return STATE.getAcquire(e);
  }

  /**
   * Caches a state. A volatile store: the caller reads the state's retiring flag after it, and a
   * forgetting thread sets that flag before it clears the cache (a Dekker: one of them sees the
   * other, so a forgotten state is never left cached).
   */
  static void put(Endpoint e, Object state) {
    STATE.setVolatile(e, state);
  }

  /** Clears the cache if it holds {@code state}. */
  static void clear(Endpoint e, Object state) {
    STATE.compareAndSet(e, state, null);
  }
}
