package io.sockpool;

/**
 * The checkout deadline passed while resolving, waiting for a connection, connecting or validating.
 */
public class CheckoutTimeoutException extends CheckoutException {
  private static final long serialVersionUID = 2L;

  /**
   * @param summary what happened
   * @param state the endpoint's state at the moment of failure
   * @param cause the last connect or validation failure, or null
   */
  public CheckoutTimeoutException(String summary, CheckoutState state, Throwable cause) {
    super(summary, state, cause);
  }
}
