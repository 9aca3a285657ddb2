package io.sockpool;

import java.time.Duration;
import java.util.Objects;

/**
 * The pool's state for one endpoint at the moment a checkout failed: what a {@link
 * CheckoutException} carries and prints. Read one value after the other, so under load the numbers
 * may not add up exactly.
 *
 * @param endpoint the endpoint of the checkout
 * @param elapsed time spent in the checkout
 * @param active connections to the endpoint checked out
 * @param idle idle connections to the endpoint
 * @param waiting callers waiting for the endpoint
 * @param connecting connects to the endpoint under way
 * @param maxPerEndpoint the per-endpoint limit
 * @param totalOpen connections open or connecting, all endpoints
 * @param maxTotal the global limit
 * @param holders who holds the endpoint's connections (up to five thread names with how long each
 *     has held its connection), may be empty
 */
public record CheckoutState(
    Endpoint endpoint,
    Duration elapsed,
    int active,
    int idle,
    int waiting,
    int connecting,
    int maxPerEndpoint,
    int totalOpen,
    int maxTotal,
    String holders) {

  /** Checks that endpoint and elapsed are present; a null holders becomes empty. */
  public CheckoutState {
    Objects.requireNonNull(endpoint, "endpoint must not be null");
    Objects.requireNonNull(elapsed, "elapsed must not be null");
    holders = holders == null ? "" : holders;
  }

  /**
   * @return the state as it is appended to exception messages
   */
  @Override
  public String toString() {
    return "endpoint="
        + endpoint
        + ", elapsed="
        + elapsed.toMillis()
        + " ms, active="
        + active
        + ", idle="
        + idle
        + ", waiting="
        + waiting
        + ", connecting="
        + connecting
        + ", maxPerEndpoint="
        + maxPerEndpoint
        + ", totalOpen="
        + totalOpen
        + ", maxTotal="
        + maxTotal
        + (holders.isEmpty() ? "" : ", held by " + holders);
  }
}
