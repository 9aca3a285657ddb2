package io.sockpool;

import java.time.Duration;

/**
 * The endpoint already had {@link PoolConfig#maxWaitersPerEndpoint()} callers waiting, so
 * this one failed at once instead of queueing (load shedding).
 */
public class PoolExhaustedException extends CheckoutException {
  private static final long serialVersionUID = 1L;

  /** See {@link CheckoutException#CheckoutException}. */
  public PoolExhaustedException(String summary, Endpoint endpoint, Duration elapsed, int active, int idle,
      int waiting, int maxPerEndpoint, int totalActive, int maxTotal, String holders, Throwable cause) {
    super(summary, endpoint, elapsed, active, idle, waiting, maxPerEndpoint, totalActive, maxTotal,
        holders, cause);
  }
}
