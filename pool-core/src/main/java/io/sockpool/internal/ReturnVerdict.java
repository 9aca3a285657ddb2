package io.sockpool.internal;

import io.sockpool.DestroyReason;

/**
 * Decides on return whether a connection may be reused: the one place that says what "clean"
 * means. What the pool can know: the holder's own I/O errors and timeouts (broken), a request
 * written without the reply declared complete ({@link io.sockpool.Connection#exchangeComplete}),
 * bytes already waiting or a close already received (the probe: one non-blocking read), and
 * the lifetime. What it cannot know: the rest of a reply that has not arrived yet, which is
 * why an undeclared exchange is never reused.
 */
final class ReturnVerdict {
  private ReturnVerdict() {
  }

  /**
   * @param ch the connection coming back, still leased
   * @param poolClosed whether the pool is closed
   * @param nowNanos the current {@link System#nanoTime()}
   * @return why it must be destroyed, or null to keep it
   */
  static DestroyReason of(PooledChannel ch, boolean poolClosed, long nowNanos) {
    if (ch.isBroken()) {
      return DestroyReason.BROKEN;
    }
    if (ch.exchangeOpen()) {
      return DestroyReason.INCOMPLETE_EXCHANGE;
    }
    if (poolClosed) {
      return DestroyReason.CLOSED;
    }
    if (ch.isRetired()) {
      return DestroyReason.RETIRED;
    }
    switch (ch.probe()) {
      case ALIVE:
        return nowNanos - ch.expiresNanos() >= 0 ? DestroyReason.LIFETIME : null;
      case UNREAD_BYTES:
        return DestroyReason.DIRTY;
      default:
        return DestroyReason.VALIDATION;
    }
  }
}
