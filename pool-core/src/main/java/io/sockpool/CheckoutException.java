package io.sockpool;

import java.io.IOException;
import java.time.Duration;

/**
 * A checkout failed. The message and the getters give the pool's state for the endpoint at
 * the moment of failure; the cause, if any, is the last connect or validation failure.
 *
 * <p>Subclasses: {@link CheckoutTimeoutException} (the deadline passed),
 * {@link PoolExhaustedException} (too many callers already waiting: load was shed) and
 * {@link EndpointUnavailableException} (the endpoint's circuit breaker is open).
 */
public class CheckoutException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Endpoint endpoint;
  private final Duration elapsed;
  private final int active;
  private final int idle;
  private final int waiting;
  private final int maxPerEndpoint;
  private final int totalActive;
  private final int maxTotal;

  /**
   * @param summary what happened, without the state (the state is appended)
   * @param endpoint the endpoint of the checkout
   * @param elapsed time spent in the checkout
   * @param active connections to the endpoint checked out
   * @param idle idle connections to the endpoint
   * @param waiting callers waiting for the endpoint
   * @param maxPerEndpoint the per-endpoint limit
   * @param totalActive connections checked out for all endpoints
   * @param maxTotal the global limit
   * @param holders who holds the endpoint's connections (thread names), may be empty
   * @param cause the last connect or validation failure, or null
   */
  public CheckoutException(String summary, Endpoint endpoint, Duration elapsed, int active, int idle,
      int waiting, int maxPerEndpoint, int totalActive, int maxTotal, String holders, Throwable cause) {
    super(summary + " [endpoint=" + endpoint + ", elapsed=" + elapsed.toMillis() + " ms, active="
        + active + ", idle=" + idle + ", waiting=" + waiting + ", maxPerEndpoint=" + maxPerEndpoint
        + ", totalActive=" + totalActive + ", maxTotal=" + maxTotal
        + (holders == null || holders.isEmpty() ? "" : ", held by " + holders)
        + (cause == null ? "" : ", last failure: " + cause) + "]", cause);
    this.endpoint = endpoint;
    this.elapsed = elapsed;
    this.active = active;
    this.idle = idle;
    this.waiting = waiting;
    this.maxPerEndpoint = maxPerEndpoint;
    this.totalActive = totalActive;
    this.maxTotal = maxTotal;
  }

  /** @return the endpoint of the failed checkout */
  public Endpoint endpoint() {
    return endpoint;
  }

  /** @return how long the checkout ran before failing */
  public Duration elapsed() {
    return elapsed;
  }

  /** @return connections to the endpoint that were checked out */
  public int active() {
    return active;
  }

  /** @return idle connections to the endpoint */
  public int idle() {
    return idle;
  }

  /** @return callers that were waiting for the endpoint */
  public int waiting() {
    return waiting;
  }

  /** @return the per-endpoint limit */
  public int maxPerEndpoint() {
    return maxPerEndpoint;
  }

  /** @return connections checked out for all endpoints */
  public int totalActive() {
    return totalActive;
  }

  /** @return the global limit */
  public int maxTotal() {
    return maxTotal;
  }
}
