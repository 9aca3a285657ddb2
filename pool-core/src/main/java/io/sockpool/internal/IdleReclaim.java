package io.sockpool.internal;

import io.sockpool.DestroyReason;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.PooledObjectState;

/**
 * Reclaims capacity held idle by other endpoints: when a checkout finds the pool at {@code
 * maxTotal} (not its own endpoint at {@code maxPerEndpoint}), the oldest idle connection of another
 * endpoint is closed and its global slot freed for the caller. commons-pool2 runs with no limits,
 * so it never does this itself. Idle means in commons-pool2's idle set or hot ({@link HotSlots}); a
 * connection checked out, being validated by the evictor or still being created is never touched,
 * nor is one of an endpoint that has callers waiting (they need it).
 *
 * <p>The return path does the other half: a clean connection coming back to an endpoint nobody
 * waits for is closed instead of kept idle while another endpoint's caller waits for global
 * capacity ({@link io.sockpool.internal.queue.Admission#othersHeldBack}).
 */
final class IdleReclaim {
  /** How many candidates a reclaim tries before giving up (each may be taken meanwhile). */
  private static final int ATTEMPTS = 4;

  private final EndpointRegistry endpoints;
  private final Connections connections;

  /**
   * @param endpoints every endpoint the pool knows
   * @param connections where an idle connection is claimed and closed
   */
  IdleReclaim(EndpointRegistry endpoints, Connections connections) {
    this.endpoints = endpoints;
    this.connections = connections;
  }

  /**
   * Closes the oldest idle connection of an endpoint other than {@code asking}; its global slot
   * goes back to {@link io.sockpool.internal.queue.Admission} (to a waiter of its own endpoint
   * first, else to the counts).
   *
   * @return whether a connection was closed
   */
  boolean reclaimFor(EndpointState asking) {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      PooledChannel oldest = null;
      for (EndpointState st : endpoints.all()) {
        if (st == asking || st.waiters().size() > 0) {
          continue;
        }
        for (PooledChannel ch : st.channels()) {
          if (isIdle(ch) && (oldest == null || ch.lastUsedNanos() - oldest.lastUsedNanos() < 0)) {
            oldest = ch;
          }
        }
      }
      if (oldest == null) {
        return false;
      }
      if (connections.closeIdle(oldest, DestroyReason.IDLE)) {
        return true;
      }
    }
    return false;
  }

  /**
   * @return whether the connection is idle now: hot, or in commons-pool2's idle set (not checked
   *     out, not being tested by the evictor, not being created)
   */
  static boolean isIdle(PooledChannel ch) {
    if (ch.isHot()) {
      return true;
    }
    PooledObject<PooledChannel> p = ch.pooledObject();
    return p != null && p.getState() == PooledObjectState.IDLE;
  }
}
