package io.sockpool.internal;

import io.sockpool.internal.queue.Admission;

/**
 * The permission, per thread, for commons-pool2 to call {@link ChannelFactory#makeObject}: sockpool
 * admits every connect itself ({@link Admission}), so a borrow meant to take an idle connection
 * must never open one. A thread arms the permit with a reserved slot and a deadline before a borrow
 * or {@code addObject} that may connect, and disarms it after; the factory refuses to connect when
 * it is not armed. One reused object per thread: nothing is allocated per checkout.
 *
 * <p>Why a per-thread side channel: commons-pool2 2.13 creates objects only through the factory's
 * {@code makeObject(key)} (called from {@code borrowObject} and {@code addObject}, with the key as
 * the only argument), has no borrow that takes an idle object or nothing, and no way to add an
 * object made elsewhere. The permit is the one place that carries the caller's reservation and
 * deadline into {@code makeObject}; the factory's refusal ({@link ChannelFactory.NoIdle}) is the
 * one place that turns a borrow into "idle or nothing". Both stay inside the engine (only it
 * touches commons-pool2).
 */
final class CreatePermit {
  private static final ThreadLocal<CreatePermit> CURRENT =
      ThreadLocal.withInitial(CreatePermit::new);

  private boolean armed;
  private EndpointState state;
  private boolean forCheckout;
  private long deadlineNanos;
  private PooledChannel created;
  private org.apache.commons.pool2.PooledObject<PooledChannel> createdWrapper;

  /** Returns this thread's permit. */
  static CreatePermit current() {
    return CURRENT.get();
  }

  /**
   * Allows one connect, to finish by {@code deadlineNanos}.
   *
   * @param state the endpoint whose slot the caller reserved
   * @param forCheckout true for a caller's checkout (its deadline), false for a connection opened
   *     ahead of demand (the connect timeout)
   */
  CreatePermit arm(EndpointState state, long deadlineNanos, boolean forCheckout) {
    this.armed = true;
    this.state = state;
    this.forCheckout = forCheckout;
    this.deadlineNanos = deadlineNanos;
    this.created = null;
    return this;
  }

  /**
   * Withdraws the permission; returns the connection made under it, if any. Call it only once the
   * borrow or {@code addObject} that may have made a connection has returned: commons-pool2 has
   * registered the connection by then, and only then is its wrapper published to it ({@link
   * PooledChannel#pooledObject}), which makes an idle one visible to {@link Connections#evictIdle}.
   */
  PooledChannel disarm() {
    armed = false;
    state = null;
    PooledChannel c = created;
    if (c != null) {
      c.pooledObject(createdWrapper);
    }
    created = null;
    createdWrapper = null;
    return c;
  }

  boolean armed() {
    return armed;
  }

  EndpointState state() {
    return state;
  }

  boolean forCheckout() {
    return forCheckout;
  }

  long deadlineNanos() {
    return deadlineNanos;
  }

  /**
   * Records the connection made under this permit, and commons-pool2's wrapper of it (published by
   * {@link #disarm}), and uses the permit up.
   */
  void created(
      PooledChannel channel, org.apache.commons.pool2.PooledObject<PooledChannel> wrapper) {
    created = channel;
    createdWrapper = wrapper;
    armed = false;
  }
}
