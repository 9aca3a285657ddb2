package io.sockpool.spring.boot;

import io.sockpool.PreconnectPolicy;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Predictive preconnect ({@code sockpool.preconnect.*}, see {@link PreconnectPolicy}): off unless
 * {@code enabled} is true; the other settings default to {@link
 * PreconnectPolicy#forWaitProbability}'s.
 */
public class PreconnectSettings {
  private static final Map<String, String> PROPERTIES =
      Map.of(
          "targetWaitProbability", "target-wait-probability",
          "window", "window",
          "interval", "interval",
          "initialBackoff", "initial-backoff",
          "maxBackoff", "max-backoff",
          "rateHeadroom", "rate-headroom");

  /** Keep open the Erlang C size for the measured load, ahead of demand. Default false. */
  private boolean enabled;

  /** The most acceptable share of checkouts that wait, 0 < P < 1. Default 0.01. */
  private Double targetWaitProbability;

  /** The span the arrival rate and hold time are measured over; 200ms to 60s. Default 2s. */
  private Duration window;

  /** How often what is open is compared with what the model asks for; 10ms to 10s. Default 50ms. */
  private Duration interval;

  /** The pause after a first failed connect. Default 100ms. */
  private Duration initialBackoff;

  /** The longest pause after failed connects; at least initial-backoff. Default 5s. */
  private Duration maxBackoff;

  /**
   * Size for the measured arrival rate times this factor, so a step in load up to it finds its
   * connections open; 1 to 100. Default 1 (the measured rate).
   */
  private Double rateHeadroom;

  /**
   * The policy, if enabled.
   *
   * @param prefix {@code sockpool} or {@code sockpool.pools.<name>}
   * @return the checked policy, or empty when off
   * @throws InvalidPoolPropertyException naming the property if a value is rejected
   */
  Optional<PreconnectPolicy> policy(String prefix) {
    if (!enabled) {
      return Optional.empty();
    }
    try {
      PreconnectPolicy d =
          PreconnectPolicy.forWaitProbability(
              targetWaitProbability == null ? 0.01 : targetWaitProbability);
      return Optional.of(
          new PreconnectPolicy(
              d.targetWaitProbability(),
              window == null ? d.window() : window,
              interval == null ? d.interval() : interval,
              initialBackoff == null ? d.initialBackoff() : initialBackoff,
              maxBackoff == null ? d.maxBackoff() : maxBackoff,
              rateHeadroom == null ? d.rateHeadroom() : rateHeadroom));
    } catch (IllegalArgumentException e) {
      throw PoolConfigs.rewrite(prefix + ".preconnect", PROPERTIES, e);
    }
  }

  /**
   * @return {@code enabled}
   */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * @param value {@code enabled}
   */
  public void setEnabled(boolean value) {
    this.enabled = value;
  }

  /**
   * @return {@code target-wait-probability}, or null when unset
   */
  public Double getTargetWaitProbability() {
    return targetWaitProbability;
  }

  /**
   * @param value {@code target-wait-probability}
   */
  public void setTargetWaitProbability(Double value) {
    this.targetWaitProbability = value;
  }

  /**
   * @return {@code window}, or null when unset
   */
  public Duration getWindow() {
    return window;
  }

  /**
   * @param value {@code window}
   */
  public void setWindow(Duration value) {
    this.window = value;
  }

  /**
   * @return {@code interval}, or null when unset
   */
  public Duration getInterval() {
    return interval;
  }

  /**
   * @param value {@code interval}
   */
  public void setInterval(Duration value) {
    this.interval = value;
  }

  /**
   * @return {@code initial-backoff}, or null when unset
   */
  public Duration getInitialBackoff() {
    return initialBackoff;
  }

  /**
   * @param value {@code initial-backoff}
   */
  public void setInitialBackoff(Duration value) {
    this.initialBackoff = value;
  }

  /**
   * @return {@code max-backoff}, or null when unset
   */
  public Duration getMaxBackoff() {
    return maxBackoff;
  }

  /**
   * @param value {@code max-backoff}
   */
  public void setMaxBackoff(Duration value) {
    this.maxBackoff = value;
  }

  /**
   * @return {@code rate-headroom}, or null when unset
   */
  public Double getRateHeadroom() {
    return rateHeadroom;
  }

  /**
   * @param value {@code rate-headroom}
   */
  public void setRateHeadroom(Double value) {
    this.rateHeadroom = value;
  }
}
