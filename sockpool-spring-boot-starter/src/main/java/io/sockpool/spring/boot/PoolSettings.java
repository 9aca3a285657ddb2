package io.sockpool.spring.boot;

import java.time.Duration;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * The settings of one pool, as bound from {@code sockpool.*} (the default pool) or {@code
 * sockpool.pools.<name>.*} (a named pool). A setting left unset keeps {@link
 * io.sockpool.PoolConfig}'s default. Durations take Spring Boot's forms ({@code 300ms}, {@code 5m};
 * a plain number is milliseconds).
 */
public class PoolSettings {
  /**
   * Name of the pool, used in thread names, logs and the {@code pool} tag of the metrics. Default:
   * {@code sockpool} for the default pool, the map key for a named pool.
   */
  private String poolName;

  /** Endpoints as {@code host:port}, warmed up at startup and reported by the health indicator. */
  private java.util.List<String> endpoints = new java.util.ArrayList<>();

  /** Connections open at once over all endpoints. Default 64. */
  private Integer maxTotal;

  /** Connections open at once to one endpoint. Default 8; at most max-total. */
  private Integer maxPerEndpoint;

  /**
   * Idle connections kept open per endpoint (refilled in the background). Default 0; at most
   * max-per-endpoint.
   */
  private Integer minIdlePerEndpoint;

  /** Callers allowed to queue per endpoint; more fail at once. Default unbounded. */
  private Integer maxWaitersPerEndpoint;

  /**
   * Connects (TCP, TLS and the initializer) in flight per endpoint at most; callers beyond it wait
   * for a connection or a connect. Default 4; at least 1.
   */
  private Integer maxConnectingPerEndpoint;

  /**
   * An asynchronous checkout that finds a ready idle connection (no validation round trip owed)
   * completes in the calling thread, without the hop to the completion executor; stages chained
   * without *Async then run in the calling thread. Default false.
   */
  private Boolean asyncInlineWhenReady;

  /** One deadline over waiting, connecting and validating. Default 2s. */
  private Duration checkoutTimeout;

  /** One connect plus the initializer. Default 1s. */
  private Duration connectTimeout;

  /** Bound of one validation exchange. Default 500ms. */
  private Duration validationTimeout;

  /** A connection idle for less than this is not validated on checkout. Default 500ms. */
  private Duration validationWindow;

  /**
   * Bounded barging: once a waiter has waited this long, returns go to waiters in arrival order.
   * Default 250ms; 0 = strict arrival order.
   */
  private Duration fairnessWindow;

  /** Also validate idle connections from the evictor. Default false. */
  private Boolean backgroundValidation;

  /** Idle connections are closed after this. Default 1m; must be below server-idle-timeout. */
  private Duration idleTimeout;

  /** The server's own idle timeout, if known (idle-timeout must be below it). */
  private Duration serverIdleTimeout;

  /** Connections are retired after this. Default 30m. */
  private Duration maxLifetime;

  /**
   * Connections are retired at a random point in [max-lifetime - jitter, max-lifetime]. Default
   * 30s.
   */
  private Duration maxLifetimeJitter;

  /** Period of the evictor (eviction, min-idle, leak detection). Default 1s. */
  private Duration evictionInterval;

  /** A checkout held longer is logged once at WARN with its stack trace. Default off. */
  private Duration leakDetectionThreshold;

  /**
   * How long closing the pool waits for checked-out connections. Default 5s, or
   * spring.lifecycle.timeout-per-shutdown-phase if shorter.
   */
  private Duration closeGracePeriod;

  /** How often host names are re-resolved. Default 30s; 0 = resolve once. */
  private Duration reresolveInterval;

  /**
   * When a host name has several addresses, how long a connect to one runs alone before a connect
   * to the next races it (happy eyeballs). Default 250ms; 0 = one address after the other.
   */
  private Duration happyEyeballsDelay;

  /** Register a SocketPoolMXBean. Default false. */
  private Boolean jmxEnabled;

  /** Socket options (TCP_NODELAY, keepalive, buffers). */
  @NestedConfigurationProperty private final SocketSettings socket = new SocketSettings();

  /** The circuit breaker of each endpoint. */
  @NestedConfigurationProperty private final BreakerSettings circuitBreaker = new BreakerSettings();

  /** TLS for every endpoint; on when any sockpool.tls.* is set (see docs/tls.md). */
  @NestedConfigurationProperty private final TlsSettings tls = new TlsSettings();

  /** A PING/PONG validator, run on checkout after the validation window. */
  @NestedConfigurationProperty private final ValidatorSettings validator = new ValidatorSettings();

  /** Predictive preconnect: keep open ahead of demand what the measured load needs. */
  @NestedConfigurationProperty
  private final PreconnectSettings preconnect = new PreconnectSettings();

  /**
   * @return {@code pool-name}, or null when unset
   */
  public String getPoolName() {
    return poolName;
  }

  /**
   * @param value {@code pool-name}
   */
  public void setPoolName(String value) {
    this.poolName = value;
  }

  /**
   * @return {@code endpoints}, or null when unset
   */
  public java.util.List<String> getEndpoints() {
    return endpoints;
  }

  /**
   * @param value {@code endpoints}
   */
  public void setEndpoints(java.util.List<String> value) {
    this.endpoints = value;
  }

  /**
   * @return {@code max-total}, or null when unset
   */
  public Integer getMaxTotal() {
    return maxTotal;
  }

  /**
   * @param value {@code max-total}
   */
  public void setMaxTotal(Integer value) {
    this.maxTotal = value;
  }

  /**
   * @return {@code max-per-endpoint}, or null when unset
   */
  public Integer getMaxPerEndpoint() {
    return maxPerEndpoint;
  }

  /**
   * @param value {@code max-per-endpoint}
   */
  public void setMaxPerEndpoint(Integer value) {
    this.maxPerEndpoint = value;
  }

  /**
   * @return {@code min-idle-per-endpoint}, or null when unset
   */
  public Integer getMinIdlePerEndpoint() {
    return minIdlePerEndpoint;
  }

  /**
   * @param value {@code min-idle-per-endpoint}
   */
  public void setMinIdlePerEndpoint(Integer value) {
    this.minIdlePerEndpoint = value;
  }

  /**
   * @return {@code max-waiters-per-endpoint}, or null when unset
   */
  public Integer getMaxWaitersPerEndpoint() {
    return maxWaitersPerEndpoint;
  }

  /**
   * @param value {@code max-waiters-per-endpoint}
   */
  public void setMaxWaitersPerEndpoint(Integer value) {
    this.maxWaitersPerEndpoint = value;
  }

  /**
   * @return {@code checkout-timeout}, or null when unset
   */
  public Duration getCheckoutTimeout() {
    return checkoutTimeout;
  }

  /**
   * @param value {@code checkout-timeout}
   */
  public void setCheckoutTimeout(Duration value) {
    this.checkoutTimeout = value;
  }

  /**
   * @return {@code connect-timeout}, or null when unset
   */
  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  /**
   * @param value {@code connect-timeout}
   */
  public void setConnectTimeout(Duration value) {
    this.connectTimeout = value;
  }

  /**
   * @return {@code validation-timeout}, or null when unset
   */
  public Duration getValidationTimeout() {
    return validationTimeout;
  }

  /**
   * @param value {@code validation-timeout}
   */
  public void setValidationTimeout(Duration value) {
    this.validationTimeout = value;
  }

  /**
   * @return {@code validation-window}, or null when unset
   */
  public Duration getValidationWindow() {
    return validationWindow;
  }

  /**
   * @param value {@code validation-window}
   */
  public void setValidationWindow(Duration value) {
    this.validationWindow = value;
  }

  /**
   * @return {@code fairness-window}, or null when unset
   */
  public Duration getFairnessWindow() {
    return fairnessWindow;
  }

  /**
   * @param value {@code fairness-window}
   */
  public void setFairnessWindow(Duration value) {
    this.fairnessWindow = value;
  }

  /**
   * @return {@code async-inline-when-ready}, or null when unset
   */
  public Boolean getAsyncInlineWhenReady() {
    return asyncInlineWhenReady;
  }

  /**
   * @param value {@code async-inline-when-ready}
   */
  public void setAsyncInlineWhenReady(Boolean value) {
    this.asyncInlineWhenReady = value;
  }

  /**
   * @return {@code background-validation}, or null when unset
   */
  public Boolean getBackgroundValidation() {
    return backgroundValidation;
  }

  /**
   * @param value {@code background-validation}
   */
  public void setBackgroundValidation(Boolean value) {
    this.backgroundValidation = value;
  }

  /**
   * @return {@code idle-timeout}, or null when unset
   */
  public Duration getIdleTimeout() {
    return idleTimeout;
  }

  /**
   * @param value {@code idle-timeout}
   */
  public void setIdleTimeout(Duration value) {
    this.idleTimeout = value;
  }

  /**
   * @return {@code server-idle-timeout}, or null when unset
   */
  public Duration getServerIdleTimeout() {
    return serverIdleTimeout;
  }

  /**
   * @param value {@code server-idle-timeout}
   */
  public void setServerIdleTimeout(Duration value) {
    this.serverIdleTimeout = value;
  }

  /**
   * @return {@code max-lifetime}, or null when unset
   */
  public Duration getMaxLifetime() {
    return maxLifetime;
  }

  /**
   * @param value {@code max-lifetime}
   */
  public void setMaxLifetime(Duration value) {
    this.maxLifetime = value;
  }

  /**
   * @return {@code max-lifetime-jitter}, or null when unset
   */
  public Duration getMaxLifetimeJitter() {
    return maxLifetimeJitter;
  }

  /**
   * @param value {@code max-lifetime-jitter}
   */
  public void setMaxLifetimeJitter(Duration value) {
    this.maxLifetimeJitter = value;
  }

  /**
   * @return {@code eviction-interval}, or null when unset
   */
  public Duration getEvictionInterval() {
    return evictionInterval;
  }

  /**
   * @param value {@code eviction-interval}
   */
  public void setEvictionInterval(Duration value) {
    this.evictionInterval = value;
  }

  /**
   * @return {@code leak-detection-threshold}, or null when unset
   */
  public Duration getLeakDetectionThreshold() {
    return leakDetectionThreshold;
  }

  /**
   * @param value {@code leak-detection-threshold}
   */
  public void setLeakDetectionThreshold(Duration value) {
    this.leakDetectionThreshold = value;
  }

  /**
   * @return {@code close-grace-period}, or null when unset
   */
  public Duration getCloseGracePeriod() {
    return closeGracePeriod;
  }

  /**
   * @param value {@code close-grace-period}
   */
  public void setCloseGracePeriod(Duration value) {
    this.closeGracePeriod = value;
  }

  /**
   * @return {@code reresolve-interval}, or null when unset
   */
  public Duration getReresolveInterval() {
    return reresolveInterval;
  }

  /**
   * @param value {@code reresolve-interval}
   */
  public void setReresolveInterval(Duration value) {
    this.reresolveInterval = value;
  }

  /**
   * @return {@code jmx-enabled}, or null when unset
   */
  public Boolean getJmxEnabled() {
    return jmxEnabled;
  }

  /**
   * @param value {@code jmx-enabled}
   */
  public void setJmxEnabled(Boolean value) {
    this.jmxEnabled = value;
  }

  /**
   * @return the socket options
   */
  public SocketSettings getSocket() {
    return socket;
  }

  /**
   * @return the circuit breaker settings
   */
  public BreakerSettings getCircuitBreaker() {
    return circuitBreaker;
  }

  /**
   * @return the validator settings
   */
  public ValidatorSettings getValidator() {
    return validator;
  }

  /**
   * @return the predictive preconnect settings
   */
  public PreconnectSettings getPreconnect() {
    return preconnect;
  }

  /**
   * @return {@code max-connecting-per-endpoint}, or null when unset
   */
  public Integer getMaxConnectingPerEndpoint() {
    return maxConnectingPerEndpoint;
  }

  /**
   * @param value {@code max-connecting-per-endpoint}
   */
  public void setMaxConnectingPerEndpoint(Integer value) {
    this.maxConnectingPerEndpoint = value;
  }

  /**
   * @return {@code happy-eyeballs-delay}, or null when unset
   */
  public Duration getHappyEyeballsDelay() {
    return happyEyeballsDelay;
  }

  /**
   * @param value {@code happy-eyeballs-delay}
   */
  public void setHappyEyeballsDelay(Duration value) {
    this.happyEyeballsDelay = value;
  }

  /**
   * @return the TLS settings
   */
  public TlsSettings getTls() {
    return tls;
  }
}
