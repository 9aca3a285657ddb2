package io.sockpool.spring.boot;

import java.time.Duration;

/**
 * The circuit breaker of each endpoint ({@code sockpool.circuit-breaker.*}); unset values keep the
 * pool's defaults (count-based window of 10 calls, 5 calls minimum, 50 %, 2 s open, 2 half-open
 * probes).
 */
public class BreakerSettings {
  /** Calls in the count-based window. Default 10. */
  private Integer slidingWindowSize;

  /** Calls needed before the failure rate counts. Default 5. */
  private Integer minimumNumberOfCalls;

  /** Failure rate in percent that opens the breaker. Default 50; 0 < rate <= 100. */
  private Float failureRateThreshold;

  /** How long the breaker stays open. Default 2s. */
  private Duration waitDurationInOpenState;

  /** Probe calls in the half-open state. Default 2. */
  private Integer permittedNumberOfCallsInHalfOpenState;

  /**
   * @return {@code circuit-breaker.sliding-window-size}, or null when unset
   */
  public Integer getSlidingWindowSize() {
    return slidingWindowSize;
  }

  /**
   * @param value {@code circuit-breaker.sliding-window-size}
   */
  public void setSlidingWindowSize(Integer value) {
    this.slidingWindowSize = value;
  }

  /**
   * @return {@code circuit-breaker.minimum-number-of-calls}, or null when unset
   */
  public Integer getMinimumNumberOfCalls() {
    return minimumNumberOfCalls;
  }

  /**
   * @param value {@code circuit-breaker.minimum-number-of-calls}
   */
  public void setMinimumNumberOfCalls(Integer value) {
    this.minimumNumberOfCalls = value;
  }

  /**
   * @return {@code circuit-breaker.failure-rate-threshold}, or null when unset
   */
  public Float getFailureRateThreshold() {
    return failureRateThreshold;
  }

  /**
   * @param value {@code circuit-breaker.failure-rate-threshold}
   */
  public void setFailureRateThreshold(Float value) {
    this.failureRateThreshold = value;
  }

  /**
   * @return {@code circuit-breaker.wait-duration-in-open-state}, or null when unset
   */
  public Duration getWaitDurationInOpenState() {
    return waitDurationInOpenState;
  }

  /**
   * @param value {@code circuit-breaker.wait-duration-in-open-state}
   */
  public void setWaitDurationInOpenState(Duration value) {
    this.waitDurationInOpenState = value;
  }

  /**
   * @return {@code circuit-breaker.permitted-number-of-calls-in-half-open-state}, or null when
   *     unset
   */
  public Integer getPermittedNumberOfCallsInHalfOpenState() {
    return permittedNumberOfCallsInHalfOpenState;
  }

  /**
   * @param value {@code circuit-breaker.permitted-number-of-calls-in-half-open-state}
   */
  public void setPermittedNumberOfCallsInHalfOpenState(Integer value) {
    this.permittedNumberOfCallsInHalfOpenState = value;
  }
}
