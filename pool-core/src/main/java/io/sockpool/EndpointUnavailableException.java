package io.sockpool;

import java.time.Duration;
import java.time.Instant;

/**
 * The endpoint's circuit breaker is open: recent connects or validations failed, so the
 * checkout failed at once without touching the network. {@link #retryAfter()} says when the
 * breaker lets the next probe through.
 */
public class EndpointUnavailableException extends CheckoutException {
  private static final long serialVersionUID = 1L;

  private final Instant retryAfter;

  /**
   * See {@link CheckoutException#CheckoutException}.
   *
   * @param retryAfter when the next probe is allowed
   */
  public EndpointUnavailableException(String summary, Endpoint endpoint, Duration elapsed, int active,
      int idle, int waiting, int maxPerEndpoint, int totalActive, int maxTotal, Instant retryAfter,
      Throwable cause) {
    super(summary + "; next probe allowed at " + retryAfter, endpoint, elapsed, active, idle,
        waiting, maxPerEndpoint, totalActive, maxTotal, "", cause);
    this.retryAfter = retryAfter;
  }

  /** @return when the breaker next lets a probe through */
  public Instant retryAfter() {
    return retryAfter;
  }
}
