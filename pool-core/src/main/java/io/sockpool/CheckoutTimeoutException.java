package io.sockpool;

import java.time.Duration;

/**
 * The checkout deadline passed while waiting for a connection, connecting or validating.
 */
public class CheckoutTimeoutException extends CheckoutException {
  private static final long serialVersionUID = 1L;

  /** See {@link CheckoutException#CheckoutException}. */
  public CheckoutTimeoutException(String summary, Endpoint endpoint, Duration elapsed, int active, int idle,
      int waiting, int maxPerEndpoint, int totalActive, int maxTotal, String holders, Throwable cause) {
    super(summary, endpoint, elapsed, active, idle, waiting, maxPerEndpoint, totalActive, maxTotal,
        holders, cause);
  }
}
