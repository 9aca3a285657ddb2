package io.sockpool.internal;

import io.sockpool.DestroyReason;
import java.util.function.LongSupplier;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.EvictionConfig;
import org.apache.commons.pool2.impl.EvictionPolicy;

/**
 * Decides whether an idle connection must go, from the time given to it (so it is tested without
 * sleeping). The same rules run on borrow and in the evictor: a connection idle for idleTimeout or
 * longer, past its jittered lifetime, or retired, is never handed out.
 */
final class EvictionRules implements EvictionPolicy<PooledChannel> {
  private final long idleTimeoutNanos;
  private final LongSupplier nanoClock;

  EvictionRules(long idleTimeoutNanos, LongSupplier nanoClock) {
    this.idleTimeoutNanos = idleTimeoutNanos;
    this.nanoClock = nanoClock;
  }

  /**
   * Returns why it must be destroyed, or null to keep it.
   *
   * @param channel an idle connection
   * @param nowNanos the current {@link System#nanoTime()}
   */
  DestroyReason expired(PooledChannel channel, long nowNanos) {
    if (channel.isRetired()) {
      return DestroyReason.RETIRED;
    }
    if (nowNanos - channel.expiresNanos() >= 0) {
      return DestroyReason.LIFETIME;
    }
    if (nowNanos - channel.lastUsedNanos() >= idleTimeoutNanos) {
      return DestroyReason.IDLE;
    }
    return null;
  }

  /**
   * The cheap checks, no round trip: the time rules, then one non-blocking read.
   *
   * @return why it must be destroyed, or null to keep it
   */
  DestroyReason check(PooledChannel channel, long nowNanos) {
    DestroyReason reason = expired(channel, nowNanos);
    if (reason != null) {
      return reason;
    }
    return switch (channel.probe()) {
      case ALIVE -> null;
      case UNREAD_BYTES -> DestroyReason.DIRTY;
      default -> DestroyReason.VALIDATION;
    };
  }

  /** Called by commons-pool2's {@code evict()} for each idle connection it tests. */
  @Override
  public boolean evict(
      EvictionConfig config, PooledObject<PooledChannel> underTest, int idleCount) {
    PooledChannel channel = underTest.getObject();
    DestroyReason reason = check(channel, nanoClock.getAsLong());
    if (reason != null) {
      channel.destroyReason(reason);
      return true;
    }
    return false;
  }
}
