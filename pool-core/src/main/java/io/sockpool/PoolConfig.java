package io.sockpool;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool's settings: immutable, made by {@link #builder()}. Every time is a {@link Duration};
 * every invalid value is rejected by {@link Builder#build()} or the setter with an {@link
 * IllegalArgumentException} naming the field, the value and what is allowed. Nothing is silently
 * corrected. {@link #toString()} shows every effective value.
 */
public final class PoolConfig {
  private static final Logger LOG = LoggerFactory.getLogger(PoolConfig.class);

  private final String poolName;
  private final int maxTotal;
  private final int maxPerEndpoint;
  private final int minIdlePerEndpoint;
  private final int maxWaitersPerEndpoint;
  private final int maxConnectingPerEndpoint;
  private final java.util.concurrent.Executor asyncExecutor; // null: the pool's own
  private final boolean asyncInlineWhenReady;
  private final Duration checkoutTimeout;
  private final Duration connectTimeout;
  private final Duration validationTimeout;
  private final Duration validationWindow;
  private final Duration fairnessWindow;
  private final boolean backgroundValidation;
  private final Duration idleTimeout;
  private final Duration serverIdleTimeout;
  private final Duration maxLifetime;
  private final Duration maxLifetimeJitter;
  private final Duration evictionInterval;
  private final Duration leakDetectionThreshold;
  private final Duration closeGracePeriod;
  private final SocketOptions socketOptions;
  private final Validator validator;
  private final ConnectionInitializer initializer;
  private final CircuitBreakerConfig circuitBreakerConfig;
  private final boolean jmxEnabled;
  private final AddressResolver addressResolver;
  private final Duration reresolveInterval;
  private final TlsConfig tls;
  private final java.util.Map<Endpoint, Optional<TlsConfig>> tlsByEndpoint;
  private final Duration happyEyeballsDelay;

  private PoolConfig(Builder b) {
    poolName = b.poolName;
    maxTotal = b.maxTotal;
    maxPerEndpoint = b.maxPerEndpoint;
    minIdlePerEndpoint = b.minIdlePerEndpoint;
    maxWaitersPerEndpoint = b.maxWaitersPerEndpoint;
    maxConnectingPerEndpoint = b.maxConnectingPerEndpoint;
    asyncExecutor = b.asyncExecutor;
    asyncInlineWhenReady = b.asyncInlineWhenReady;
    checkoutTimeout = b.checkoutTimeout;
    connectTimeout = b.connectTimeout;
    validationTimeout = b.validationTimeout;
    validationWindow = b.validationWindow;
    fairnessWindow = b.fairnessWindow;
    backgroundValidation = b.backgroundValidation;
    idleTimeout = b.idleTimeout;
    serverIdleTimeout = b.serverIdleTimeout;
    maxLifetime = b.maxLifetime;
    maxLifetimeJitter = b.maxLifetimeJitter;
    evictionInterval = b.evictionInterval;
    leakDetectionThreshold = b.leakDetectionThreshold;
    closeGracePeriod = b.closeGracePeriod;
    socketOptions = b.socketOptions;
    validator = b.validator;
    initializer = b.initializer;
    circuitBreakerConfig = b.circuitBreakerConfig;
    jmxEnabled = b.jmxEnabled;
    addressResolver = b.addressResolver;
    reresolveInterval = b.reresolveInterval;
    tls = b.tls;
    tlsByEndpoint = java.util.Map.copyOf(b.tlsByEndpoint);
    happyEyeballsDelay = b.happyEyeballsDelay;
  }

  /**
   * @return a builder with the defaults documented on each setter
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return a builder holding this config's values
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.poolName = poolName;
    b.maxTotal = maxTotal;
    b.maxPerEndpoint = maxPerEndpoint;
    b.minIdlePerEndpoint = minIdlePerEndpoint;
    b.maxWaitersPerEndpoint = maxWaitersPerEndpoint;
    b.maxConnectingPerEndpoint = maxConnectingPerEndpoint;
    b.asyncExecutor = asyncExecutor;
    b.asyncInlineWhenReady = asyncInlineWhenReady;
    b.checkoutTimeout = checkoutTimeout;
    b.connectTimeout = connectTimeout;
    b.validationTimeout = validationTimeout;
    b.validationWindow = validationWindow;
    b.fairnessWindow = fairnessWindow;
    b.backgroundValidation = backgroundValidation;
    b.idleTimeout = idleTimeout;
    b.serverIdleTimeout = serverIdleTimeout;
    b.maxLifetime = maxLifetime;
    b.maxLifetimeJitter = maxLifetimeJitter;
    b.evictionInterval = evictionInterval;
    b.leakDetectionThreshold = leakDetectionThreshold;
    b.closeGracePeriod = closeGracePeriod;
    b.socketOptions = socketOptions;
    b.validator = validator;
    b.initializer = initializer;
    b.circuitBreakerConfig = circuitBreakerConfig;
    b.jmxEnabled = jmxEnabled;
    b.addressResolver = addressResolver;
    b.reresolveInterval = reresolveInterval;
    b.tls = tls;
    b.tlsByEndpoint.putAll(tlsByEndpoint);
    b.happyEyeballsDelay = happyEyeballsDelay;
    return b;
  }

  /**
   * @return the name used in thread names and log lines
   */
  public String poolName() {
    return poolName;
  }

  /**
   * @return the most connections open at once, all endpoints together
   */
  public int maxTotal() {
    return maxTotal;
  }

  /**
   * @return the most connections open at once to one endpoint
   */
  public int maxPerEndpoint() {
    return maxPerEndpoint;
  }

  /**
   * @return idle connections kept open per endpoint that has been used or warmed up
   */
  public int minIdlePerEndpoint() {
    return minIdlePerEndpoint;
  }

  /**
   * @return the most callers that may wait for one endpoint; further ones fail at once
   */
  public int maxWaitersPerEndpoint() {
    return maxWaitersPerEndpoint;
  }

  /**
   * @return the most connects (TCP, TLS and the initializer) in flight per endpoint; callers beyond
   *     it wait for a connection or a connect, inside their deadline
   */
  public int maxConnectingPerEndpoint() {
    return maxConnectingPerEndpoint;
  }

  /**
   * @return the executor that runs asynchronous checkouts' steps (connect, validation) and
   *     completes their futures; empty: the pool's own ({@code <poolName>-async-N} daemon threads,
   *     made while steps run and ended 10 s after)
   */
  public Optional<java.util.concurrent.Executor> asyncExecutor() {
    return Optional.ofNullable(asyncExecutor);
  }

  /**
   * @return whether an asynchronous checkout that finds a ready idle connection completes in the
   *     calling thread instead of on {@link #asyncExecutor()} (default false); see {@link
   *     Builder#asyncInlineWhenReady(boolean)}
   */
  public boolean asyncInlineWhenReady() {
    return asyncInlineWhenReady;
  }

  /**
   * @return the default checkout deadline: wait + connect + validate together
   */
  public Duration checkoutTimeout() {
    return checkoutTimeout;
  }

  /**
   * @return the most one TCP connect (plus the initializer) may take
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * @return the most one {@link Validator} run may take
   */
  public Duration validationTimeout() {
    return validationTimeout;
  }

  /**
   * @return a connection idle longer than this is validated with a round trip on borrow
   */
  public Duration validationWindow() {
    return validationWindow;
  }

  /**
   * @return how long a waiting caller may be overtaken by callers that arrive after it (bounded
   *     barging); {@link Duration#ZERO} is strict arrival order
   */
  public Duration fairnessWindow() {
    return fairnessWindow;
  }

  /**
   * @return whether the evictor also runs the validator on idle connections
   */
  public boolean backgroundValidation() {
    return backgroundValidation;
  }

  /**
   * @return a connection idle this long or longer is closed, never handed out
   */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /**
   * @return the peer's own idle timeout, if known; idleTimeout is below it
   */
  public Optional<Duration> serverIdleTimeout() {
    return Optional.ofNullable(serverIdleTimeout);
  }

  /**
   * @return a connection older than this (minus up to the jitter) is closed
   */
  public Duration maxLifetime() {
    return maxLifetime;
  }

  /**
   * @return each connection's lifetime is shortened by a random amount up to this
   */
  public Duration maxLifetimeJitter() {
    return maxLifetimeJitter;
  }

  /**
   * @return how often the evictor runs (eviction, min-idle, leak detection)
   */
  public Duration evictionInterval() {
    return evictionInterval;
  }

  /**
   * @return a checkout held longer than this is logged once at WARN; empty = off
   */
  public Optional<Duration> leakDetectionThreshold() {
    return Optional.ofNullable(leakDetectionThreshold);
  }

  /**
   * @return on close, how long checked-out connections may still be returned
   */
  public Duration closeGracePeriod() {
    return closeGracePeriod;
  }

  /**
   * @return the socket options applied to every connection
   */
  public SocketOptions socketOptions() {
    return socketOptions;
  }

  /**
   * @return the round-trip validator
   */
  public Validator validator() {
    return validator;
  }

  /**
   * @return the hook run once on each new connection
   */
  public ConnectionInitializer initializer() {
    return initializer;
  }

  /**
   * @return the configuration of each endpoint's circuit breaker
   */
  public CircuitBreakerConfig circuitBreakerConfig() {
    return circuitBreakerConfig;
  }

  /**
   * @return whether the pool registers a {@link SocketPoolMXBean} under {@code
   *     io.sockpool:type=Pool,name=<poolName>} with the platform MBean server
   */
  public boolean jmxEnabled() {
    return jmxEnabled;
  }

  /**
   * @return how host names are turned into addresses
   */
  public AddressResolver addressResolver() {
    return addressResolver;
  }

  /**
   * @return how often an endpoint given by name is re-resolved in the background (it is also
   *     re-resolved after a failed connect); {@link Duration#ZERO} = never: the first answer is
   *     kept for the life of the pool
   */
  public Duration reresolveInterval() {
    return reresolveInterval;
  }

  /**
   * @return the TLS config of every endpoint without an override of its own; empty: plaintext
   */
  public Optional<TlsConfig> tls() {
    return Optional.ofNullable(tls);
  }

  /**
   * @param endpoint an endpoint
   * @return the TLS config its connections use (its override, else {@link #tls()}); empty:
   *     plaintext
   */
  public Optional<TlsConfig> tlsFor(Endpoint endpoint) {
    Optional<TlsConfig> own = tlsByEndpoint.get(endpoint);
    return own != null ? own : Optional.ofNullable(tls);
  }

  /**
   * @return the per-endpoint overrides ({@link Builder#tls(Endpoint, TlsConfig)}, {@link
   *     Builder#plaintext(Endpoint)}: empty)
   */
  public java.util.Map<Endpoint, Optional<TlsConfig>> tlsOverrides() {
    return tlsByEndpoint;
  }

  /**
   * @return how long a connect to one of a name's addresses runs alone before a connect to the next
   *     address races it (happy eyeballs, RFC 8305); {@link Duration#ZERO} = one address after the
   *     other
   */
  public Duration happyEyeballsDelay() {
    return happyEyeballsDelay;
  }

  @Override
  public String toString() {
    return "PoolConfig{poolName="
        + poolName
        + ", maxTotal="
        + maxTotal
        + ", maxPerEndpoint="
        + maxPerEndpoint
        + ", minIdlePerEndpoint="
        + minIdlePerEndpoint
        + ", maxWaitersPerEndpoint="
        + maxWaitersPerEndpoint
        + ", maxConnectingPerEndpoint="
        + maxConnectingPerEndpoint
        + ", asyncInlineWhenReady="
        + asyncInlineWhenReady
        + ", checkoutTimeout="
        + checkoutTimeout
        + ", connectTimeout="
        + connectTimeout
        + ", validationTimeout="
        + validationTimeout
        + ", validationWindow="
        + validationWindow
        + ", fairnessWindow="
        + fairnessWindow
        + ", backgroundValidation="
        + backgroundValidation
        + ", idleTimeout="
        + idleTimeout
        + ", serverIdleTimeout="
        + (serverIdleTimeout == null ? "unknown" : serverIdleTimeout)
        + ", maxLifetime="
        + maxLifetime
        + ", maxLifetimeJitter="
        + maxLifetimeJitter
        + ", evictionInterval="
        + evictionInterval
        + ", leakDetectionThreshold="
        + (leakDetectionThreshold == null ? "off" : leakDetectionThreshold)
        + ", closeGracePeriod="
        + closeGracePeriod
        + ", socketOptions="
        + socketOptions
        + ", validator="
        + validator.getClass().getSimpleName()
        + ", initializer="
        + initializer.getClass().getSimpleName()
        + ", addressResolver="
        + addressResolver
        + ", reresolveInterval="
        + (reresolveInterval.isZero() ? "never" : reresolveInterval)
        + ", happyEyeballsDelay="
        + (happyEyeballsDelay.isZero() ? "off" : happyEyeballsDelay)
        + ", circuitBreaker{failureRateThreshold="
        + circuitBreakerConfig.getFailureRateThreshold()
        + ", minimumNumberOfCalls="
        + circuitBreakerConfig.getMinimumNumberOfCalls()
        + ", slidingWindowSize="
        + circuitBreakerConfig.getSlidingWindowSize()
        + ", permittedCallsInHalfOpen="
        + circuitBreakerConfig.getPermittedNumberOfCallsInHalfOpenState()
        + "}, jmxEnabled="
        + jmxEnabled
        + (tls == null ? "" : ", tls=" + tls)
        + (tlsByEndpoint.isEmpty() ? "" : ", tlsOverrides=" + tlsByEndpoint.keySet())
        + "}";
  }

  /** Builds a {@link PoolConfig}; each setter checks its value at once. Not thread-safe. */
  public static final class Builder {
    private static final java.util.concurrent.atomic.AtomicInteger POOL_IDS =
        new java.util.concurrent.atomic.AtomicInteger();

    private String poolName = "sockpool-" + POOL_IDS.incrementAndGet();
    private int maxTotal = 64;
    private int maxPerEndpoint = 8;
    private int minIdlePerEndpoint = 0;
    private int maxWaitersPerEndpoint = Integer.MAX_VALUE;
    private int maxConnectingPerEndpoint = 4;
    private java.util.concurrent.Executor asyncExecutor;
    private boolean asyncInlineWhenReady = false;
    private Duration checkoutTimeout = Duration.ofSeconds(2);
    private Duration connectTimeout = Duration.ofSeconds(1);
    private Duration validationTimeout = Duration.ofMillis(500);
    private Duration validationWindow = Duration.ofMillis(500);
    private Duration fairnessWindow = Duration.ofMillis(250);
    private boolean backgroundValidation = false;
    private Duration idleTimeout = Duration.ofMinutes(1);
    private Duration serverIdleTimeout = null;
    private Duration maxLifetime = Duration.ofMinutes(30);
    private Duration maxLifetimeJitter = Duration.ofSeconds(30);
    private Duration evictionInterval = Duration.ofSeconds(1);
    private Duration leakDetectionThreshold = null;
    private Duration closeGracePeriod = Duration.ofSeconds(5);
    private SocketOptions socketOptions = SocketOptions.defaults();
    private Validator validator = Validator.NONE;
    private ConnectionInitializer initializer = ConnectionInitializer.NONE;
    private CircuitBreakerConfig circuitBreakerConfig =
        CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(10)
            .minimumNumberOfCalls(5)
            .failureRateThreshold(50)
            .waitDurationInOpenState(Duration.ofSeconds(2))
            .permittedNumberOfCallsInHalfOpenState(2)
            .build();
    private boolean jmxEnabled = false;
    private AddressResolver addressResolver = AddressResolver.system();
    private Duration reresolveInterval = Duration.ofSeconds(30);
    private Duration happyEyeballsDelay = Duration.ofMillis(250);
    private boolean connectTimeoutSet;
    private TlsConfig tls;
    private final java.util.Map<Endpoint, Optional<TlsConfig>> tlsByEndpoint =
        new java.util.HashMap<>();

    private Builder() {}

    /**
     * @param name used in thread names and logs; default {@code sockpool-N}; not blank
     * @return this builder
     */
    public Builder poolName(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("poolName must not be blank, but was " + name);
      }
      this.poolName = name;
      return this;
    }

    /**
     * @param value connections open at once, all endpoints; default 64; >= 1
     * @return this builder
     */
    public Builder maxTotal(int value) {
      this.maxTotal = atLeast("maxTotal", value, 1);
      return this;
    }

    /**
     * @param value connections open at once per endpoint; default 8; >= 1
     * @return this builder
     */
    public Builder maxPerEndpoint(int value) {
      this.maxPerEndpoint = atLeast("maxPerEndpoint", value, 1);
      return this;
    }

    /**
     * @param value idle connections kept per endpoint; default 0; >= 0, &lt;= maxPerEndpoint
     * @return this builder
     */
    public Builder minIdlePerEndpoint(int value) {
      this.minIdlePerEndpoint = atLeast("minIdlePerEndpoint", value, 0);
      return this;
    }

    /**
     * @param value callers allowed to wait per endpoint; default unbounded; >= 0
     * @return this builder
     */
    public Builder maxWaitersPerEndpoint(int value) {
      this.maxWaitersPerEndpoint = atLeast("maxWaitersPerEndpoint", value, 0);
      return this;
    }

    /**
     * @param value connects (TCP, TLS and the initializer) in flight per endpoint at most; default
     *     4; >= 1. After an outage every waiting caller would otherwise connect at once (a connect
     *     storm against a peer that is just coming back); callers beyond it wait for a connection
     *     or a connect, inside their deadline
     * @return this builder
     */
    public Builder maxConnectingPerEndpoint(int value) {
      this.maxConnectingPerEndpoint = atLeast("maxConnectingPerEndpoint", value, 1);
      return this;
    }

    /**
     * @param executor runs the steps of {@link SocketPool#checkoutAsync} that may block (a connect,
     *     a validation round trip) and completes its futures, so the stages a caller chains without
     *     {@code *Async} run there too; never a thread that holds a pool lock. Default: the pool's
     *     own threads ({@code <poolName>-async-N}). A waiting future occupies no thread of it
     * @return this builder
     */
    public Builder asyncExecutor(java.util.concurrent.Executor executor) {
      this.asyncExecutor = notNull(executor, "asyncExecutor must not be null");
      return this;
    }

    /**
     * @param value whether an asynchronous checkout that finds an idle connection ready to serve
     *     (it passes the time rules and owes no validation round trip: used within {@code
     *     validationWindow}) completes in the calling thread: {@link SocketPool#checkoutAsync} then
     *     returns a completed future, and stages chained to it without {@code *Async} run in the
     *     calling thread, as for {@link java.util.concurrent.CompletableFuture#completedFuture}.
     *     That saves the hop to {@link #asyncExecutor} (a thread that has to be woken and get a
     *     core: 0.4-0.5 ms at p99 at 10k checkouts/s on 2 cores, docs/benchmarks.md). A checkout
     *     that waits, connects or validates completes on the executor as before. Default false:
     *     turn it on when what you chain without {@code *Async} may run in the calling thread (an
     *     event loop must not run a blocking exchange; chain it with {@code thenApplyAsync})
     * @return this builder
     */
    public Builder asyncInlineWhenReady(boolean value) {
      this.asyncInlineWhenReady = value;
      return this;
    }

    /**
     * @param value default checkout deadline; default 2 s; > 0
     * @return this builder
     */
    public Builder checkoutTimeout(Duration value) {
      this.checkoutTimeout = positive("checkoutTimeout", value);
      return this;
    }

    /**
     * A connect never outlives the checkout deadline, so a connect timeout longer than {@link
     * #checkoutTimeout(Duration)} only matters to checkouts given a longer timeout of their own,
     * and to warm-up and min-idle refills. Setting one longer than the checkout timeout is
     * therefore allowed, but {@link #build()} logs it once at WARN (with both values): it is
     * usually a mistake (seconds for milliseconds), and rejecting it would refuse the valid
     * configurations above. The default (1 s) is not reported against a shorter checkout timeout.
     *
     * @param value limit for one connect plus initializer; default 1 s; > 0
     * @return this builder
     */
    public Builder connectTimeout(Duration value) {
      this.connectTimeout = positive("connectTimeout", value);
      this.connectTimeoutSet = true;
      return this;
    }

    /**
     * @param value limit for one validator run; default 500 ms; > 0
     * @return this builder
     */
    public Builder validationTimeout(Duration value) {
      this.validationTimeout = positive("validationTimeout", value);
      return this;
    }

    /**
     * @param value idle time after which a borrow runs the validator; default 500 ms; >= 0 (0
     *     validates on every borrow)
     * @return this builder
     */
    public Builder validationWindow(Duration value) {
      this.validationWindow = nonNegative("validationWindow", value);
      return this;
    }

    /**
     * Bounded barging. While the longest-waiting caller of an endpoint has waited less than this, a
     * returned connection goes back to the idle set, where the thread that returned it (or any
     * caller) may take it again at once, and callers that arrive meanwhile may take idle
     * connections ahead of the waiting ones; once it has waited this long, every connection that
     * comes back is handed to the waiting callers in arrival order. A waiting caller also looks at
     * the idle set itself when its window ends, so it is never left parked beside an idle
     * connection. Costs throughput to shorten (a hand-off wakes a parked thread: a context switch
     * per checkout under contention).
     *
     * <p>A waiter's window is never more than half of what was left of its checkout deadline when
     * it started waiting, so a short deadline is not used up by callers going ahead.
     *
     * @param value default 250 ms; >= 0 ({@link Duration#ZERO}: strict arrival order, every return
     *     handed to the longest waiter)
     * @return this builder
     */
    public Builder fairnessWindow(Duration value) {
      this.fairnessWindow = nonNegative("fairnessWindow", value);
      return this;
    }

    /**
     * @param value run the validator on idle connections from the evictor; default false
     * @return this builder
     */
    public Builder backgroundValidation(boolean value) {
      this.backgroundValidation = value;
      return this;
    }

    /**
     * @param value close connections idle this long; default 1 min; > 0 and below serverIdleTimeout
     * @return this builder
     */
    public Builder idleTimeout(Duration value) {
      this.idleTimeout = positive("idleTimeout", value);
      return this;
    }

    /**
     * @param value the peer's idle timeout (e.g. Redis {@code timeout}); default unknown; > 0
     * @return this builder
     */
    public Builder serverIdleTimeout(Duration value) {
      this.serverIdleTimeout = positive("serverIdleTimeout", value);
      return this;
    }

    /**
     * @param value the longest a connection lives; default 30 min; > 0
     * @return this builder
     */
    public Builder maxLifetime(Duration value) {
      this.maxLifetime = positive("maxLifetime", value);
      return this;
    }

    /**
     * @param value random shortening of each lifetime; default 30 s; >= 0 and &lt; maxLifetime
     * @return this builder
     */
    public Builder maxLifetimeJitter(Duration value) {
      this.maxLifetimeJitter = nonNegative("maxLifetimeJitter", value);
      return this;
    }

    /**
     * @param value evictor period; default 1 s; >= 10 ms
     * @return this builder
     */
    public Builder evictionInterval(Duration value) {
      notNull(value, "evictionInterval must not be null");
      if (value.compareTo(Duration.ofMillis(10)) < 0) {
        throw new IllegalArgumentException("evictionInterval must be >= 10 ms, but was " + value);
      }
      this.evictionInterval = value;
      return this;
    }

    /**
     * @param value warn about checkouts held this long; default off; > 0
     * @return this builder
     */
    public Builder leakDetectionThreshold(Duration value) {
      this.leakDetectionThreshold = positive("leakDetectionThreshold", value);
      return this;
    }

    /**
     * @param value how long close() waits for checked-out connections; default 5 s; >= 0
     * @return this builder
     */
    public Builder closeGracePeriod(Duration value) {
      this.closeGracePeriod = nonNegative("closeGracePeriod", value);
      return this;
    }

    /**
     * @param value socket options for every connection; default {@link SocketOptions#defaults()}
     * @return this builder
     */
    public Builder socketOptions(SocketOptions value) {
      this.socketOptions = notNull(value, "socketOptions must not be null");
      return this;
    }

    /**
     * @param value the round-trip validator; default {@link Validator#NONE}
     * @return this builder
     */
    public Builder validator(Validator value) {
      this.validator = notNull(value, "validator must not be null (use Validator.NONE)");
      return this;
    }

    /**
     * @param value hook run on each new connection; default {@link ConnectionInitializer#NONE}
     * @return this builder
     */
    public Builder initializer(ConnectionInitializer value) {
      this.initializer =
          notNull(value, "initializer must not be null (use ConnectionInitializer.NONE)");
      return this;
    }

    /**
     * @param value per-endpoint breaker settings; default: count window 10, at least 5 calls, opens
     *     at 50 % failures, 2 s open, 2 probes half-open
     * @return this builder
     */
    public Builder circuitBreakerConfig(CircuitBreakerConfig value) {
      this.circuitBreakerConfig = notNull(value, "circuitBreakerConfig must not be null");
      return this;
    }

    /**
     * Registers the pool's {@link SocketPoolMXBean} with the platform MBean server under {@code
     * io.sockpool:type=Pool,name=<poolName>} (quoted if the name needs it) when the pool is
     * created, and unregisters it on close. {@link SocketPool#create} then fails if another MBean
     * already has that name. Default false.
     *
     * @param value whether to register the MXBean
     * @return this builder
     */
    public Builder jmxEnabled(boolean value) {
      this.jmxEnabled = value;
      return this;
    }

    /**
     * @param value turns host names into addresses; default {@link AddressResolver#system()} (the
     *     JDK's resolver, off the caller's thread)
     * @return this builder
     */
    public Builder addressResolver(AddressResolver value) {
      this.addressResolver =
          notNull(value, "addressResolver must not be null (use AddressResolver.system())");
      return this;
    }

    /**
     * @param value how often an endpoint given by name is re-resolved in the background; when the
     *     addresses change, connections to the old ones are drained. Default 30 s (or the
     *     resolver's {@link AddressResolver#answerTtl()} if shorter); also re-resolved after a
     *     failed connect. >= 0; {@link Duration#ZERO} = never: the first answer is kept
     * @return this builder
     */
    public Builder reresolveInterval(Duration value) {
      this.reresolveInterval = nonNegative("reresolveInterval", value);
      return this;
    }

    /**
     * @param value TLS for every endpoint that has no override of its own (see docs/tls.md); the
     *     handshake is done before a connection enters the pool; default: none (plaintext)
     * @return this builder
     */
    public Builder tls(TlsConfig value) {
      this.tls = notNull(value, "tls must not be null (leave it unset for plaintext)");
      return this;
    }

    /**
     * @param endpoint an endpoint whose connections use {@code value} instead of {@link
     *     #tls(TlsConfig)}
     * @param value its TLS config
     * @return this builder
     */
    public Builder tls(Endpoint endpoint, TlsConfig value) {
      notNull(endpoint, "endpoint must not be null");
      tlsByEndpoint.put(endpoint, Optional.of(notNull(value, "tls must not be null")));
      return this;
    }

    /**
     * @param endpoint an endpoint spoken to in plaintext even though {@link #tls(TlsConfig)} is set
     * @return this builder
     */
    public Builder plaintext(Endpoint endpoint) {
      tlsByEndpoint.put(notNull(endpoint, "endpoint must not be null"), Optional.empty());
      return this;
    }

    /**
     * @param value when a host name has several addresses, how long a connect to one runs alone
     *     before a connect to the next address races it; the first to connect wins and the others
     *     are closed (happy eyeballs, RFC 8305). Default 250 ms (RFC 8305's recommendation); >= 0;
     *     {@link Duration#ZERO} = one address after the other, each with a share of the time left
     * @return this builder
     */
    public Builder happyEyeballsDelay(Duration value) {
      this.happyEyeballsDelay = nonNegative("happyEyeballsDelay", value);
      return this;
    }

    /**
     * Checks the values against each other and builds the config.
     *
     * @return the config
     * @throws IllegalArgumentException if the values do not fit together
     */
    public PoolConfig build() {
      if (maxPerEndpoint > maxTotal) {
        throw new IllegalArgumentException(
            "maxPerEndpoint must be <= maxTotal (" + maxTotal + "), but was " + maxPerEndpoint);
      }
      if (minIdlePerEndpoint > maxPerEndpoint) {
        throw new IllegalArgumentException(
            "minIdlePerEndpoint must be <= maxPerEndpoint ("
                + maxPerEndpoint
                + "), but was "
                + minIdlePerEndpoint);
      }
      if (serverIdleTimeout != null && idleTimeout.compareTo(serverIdleTimeout) >= 0) {
        throw new IllegalArgumentException(
            "idleTimeout must be < serverIdleTimeout ("
                + serverIdleTimeout
                + "), but was "
                + idleTimeout
                + ": the server would close connections the pool still hands out");
      }
      if (maxLifetimeJitter.compareTo(maxLifetime) >= 0) {
        throw new IllegalArgumentException(
            "maxLifetimeJitter must be < maxLifetime ("
                + maxLifetime
                + "), but was "
                + maxLifetimeJitter);
      }
      if (connectTimeoutSet && connectTimeout.compareTo(checkoutTimeout) > 0) {
        LOG.warn(
            "connectTimeout ({}) is longer than checkoutTimeout ({}) of pool '{}': a connect never"
                + " outlives the checkout deadline, so it is cut at {} unless a checkout passes a"
                + " longer timeout of its own",
            connectTimeout,
            checkoutTimeout,
            poolName,
            checkoutTimeout);
      }
      return new PoolConfig(this);
    }

    /** A null argument is an {@link IllegalArgumentException} naming the parameter. */
    private static <T> T notNull(T value, String message) {
      if (value == null) {
        throw new IllegalArgumentException(message);
      }
      return value;
    }

    private static int atLeast(String field, int value, int min) {
      if (value < min) {
        throw new IllegalArgumentException(field + " must be >= " + min + ", but was " + value);
      }
      return value;
    }

    private static Duration positive(String field, Duration value) {
      notNull(value, field + " must not be null");
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(field + " must be > 0, but was " + value);
      }
      return value;
    }

    private static Duration nonNegative(String field, Duration value) {
      notNull(value, field + " must not be null");
      if (value.isNegative()) {
        throw new IllegalArgumentException(field + " must be >= 0, but was " + value);
      }
      return value;
    }
  }
}
