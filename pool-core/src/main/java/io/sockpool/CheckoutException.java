package io.sockpool;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/**
 * A checkout failed. The message and {@link #state()} give the pool's state for the endpoint at the
 * moment of failure; the cause, if any, is the last connect or validation failure (or the {@link
 * InterruptedException} of an interrupted caller).
 *
 * <p>Subclasses: {@link CheckoutTimeoutException} (the deadline passed), {@link
 * PoolExhaustedException} (too many callers already waiting: load was shed) and {@link
 * EndpointUnavailableException} (the endpoint's circuit breaker is open).
 */
public class CheckoutException extends IOException {
  private static final long serialVersionUID = 2L;

  private final transient CheckoutState state;

  /**
   * @param summary what happened, without the state (the state and the cause are appended)
   * @param state the endpoint's state at the moment of failure
   * @param cause the last connect or validation failure, or null
   */
  public CheckoutException(String summary, CheckoutState state, Throwable cause) {
    super(
        summary
            + " ["
            + Objects.requireNonNull(state, "state must not be null")
            + (cause == null ? "" : ", last failure: " + cause)
            + "]",
        cause);
    this.state = state;
  }

  /** Returns the endpoint's state at the moment of failure. */
  public CheckoutState state() {
    return state;
  }

  /** Returns the endpoint of the failed checkout. */
  public Endpoint endpoint() {
    return state.endpoint();
  }

  /** Returns how long the checkout ran before failing. */
  public Duration elapsed() {
    return state.elapsed();
  }
}
