package io.sockpool;

/**
 * The endpoint already had {@link PoolConfig#maxWaitersPerEndpoint()} callers waiting, so this one
 * failed at once instead of queueing (load shedding).
 */
public class PoolExhaustedException extends CheckoutException {
  private static final long serialVersionUID = 2L;

  /**
   * @param summary what happened
   * @param state the endpoint's state at the moment of failure
   * @param cause the last connect or validation failure, or null
   */
  public PoolExhaustedException(String summary, CheckoutState state, Throwable cause) {
    super(summary, state, cause);
  }
}
