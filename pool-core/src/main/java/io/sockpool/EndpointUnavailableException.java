package io.sockpool;

import java.time.Instant;
import java.util.Objects;

/**
 * The endpoint's circuit breaker is open: recent connects or validations failed, so the checkout
 * failed at once without touching the network. {@link #retryAfter()} says when the breaker lets the
 * next probe through.
 */
public class EndpointUnavailableException extends CheckoutException {
  private static final long serialVersionUID = 2L;

  private final Instant retryAfter;

  /**
   * @param summary what happened
   * @param state the endpoint's state at the moment of failure
   * @param retryAfter when the next probe is allowed
   * @param cause the failure that opened the breaker, or null
   */
  public EndpointUnavailableException(
      String summary, CheckoutState state, Instant retryAfter, Throwable cause) {
    super(summary + "; next probe allowed at " + retryAfter, state, cause);
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter must not be null");
  }

  /** Returns when the breaker next lets a probe through. */
  public Instant retryAfter() {
    return retryAfter;
  }
}
