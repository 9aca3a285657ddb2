package io.sockpool.internal.metrics;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import io.sockpool.DestroyReason;
import io.sockpool.Endpoint;
import io.sockpool.PoolListener;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the pool tells its log at WARN and INFO, where a user looks when something is off: a
 * connection destroyed because its holder did not declare the exchange complete ({@link
 * DestroyReason#INCOMPLETE_EXCHANGE}) or left bytes unread ({@link DestroyReason#DIRTY}), a
 * breaker's transitions (WARN on open, INFO on half-open and close, with the last failure as the
 * cause).
 *
 * <p>Each kind of message is logged at most once per {@link #INTERVAL} and endpoint: the first at
 * once, the ones after it within the interval counted, and the next one logged says how many were
 * left out. The time is the given ticker's ({@link System#nanoTime()} in the pool). The logger is
 * {@code io.sockpool.SocketPool}.
 *
 * <p>It hears destroys as a {@link PoolListener} and breaker transitions through the breaker
 * registry's events ({@link #watch}); it forgets an endpoint's limits when the pool forgets the
 * endpoint.
 */
public final class PoolEventLog implements PoolListener {
  /** The most one kind of message is logged per endpoint: once per this interval. */
  public static final Duration INTERVAL = Duration.ofMinutes(1);

  private static final Logger LOG = LoggerFactory.getLogger("io.sockpool.SocketPool");

  private final String poolName;
  private final LongSupplier ticker;
  private final long intervalNanos;
  private final Map<String, Map<String, Limit>> limits = new ConcurrentHashMap<>();
  private final Map<String, Throwable> lastErrors = new ConcurrentHashMap<>();

  /**
   * @param poolName for the messages
   * @param ticker the time in nanoseconds ({@link System#nanoTime()} or a test's clock)
   */
  public PoolEventLog(String poolName, LongSupplier ticker) {
    this.poolName = poolName;
    this.ticker = ticker;
    this.intervalNanos = INTERVAL.toNanos();
  }

  /**
   * Hears the transitions and failures of every breaker the registry creates from now on.
   *
   * @param registry the pool's breakers, one per endpoint, named {@code host:port}
   */
  public void watch(CircuitBreakerRegistry registry) {
    registry
        .getEventPublisher()
        .onEntryAdded(e -> watch(e.getAddedEntry()))
        .onEntryRemoved(e -> forget(e.getRemovedEntry().getName()));
    registry.getAllCircuitBreakers().forEach(this::watch);
  }

  private void watch(CircuitBreaker breaker) {
    String name = breaker.getName();
    breaker
        .getEventPublisher()
        .onError(e -> lastErrors.put(name, e.getThrowable()))
        .onStateTransition(e -> transition(breaker, e));
  }

  private void transition(CircuitBreaker breaker, CircuitBreakerOnStateTransitionEvent e) {
    CircuitBreaker.State to = e.getStateTransition().getToState();
    long more = admit(breaker.getName(), "breaker " + to);
    if (more < 0) {
      return;
    }
    String name = breaker.getName();
    if (to == CircuitBreaker.State.OPEN) {
      CircuitBreaker.Metrics m = breaker.getMetrics();
      Throwable cause = lastErrors.get(name);
      LOG.warn(
          "pool '{}': circuit breaker of {} is OPEN (failure rate {} % over the last {} calls):"
              + " checkouts of {} fail at once with EndpointUnavailableException until it lets"
              + " probes through; last failure: {}{}",
          poolName,
          name,
          m.getFailureRate(),
          m.getNumberOfBufferedCalls(),
          name,
          cause == null ? "none recorded" : cause.toString(),
          suppressed(more));
    } else if (to == CircuitBreaker.State.HALF_OPEN) {
      LOG.info(
          "pool '{}': circuit breaker of {} is HALF_OPEN: letting {} probe checkouts through{}",
          poolName,
          name,
          breaker.getCircuitBreakerConfig().getPermittedNumberOfCallsInHalfOpenState(),
          suppressed(more));
    } else {
      LOG.info(
          "pool '{}': circuit breaker of {} is {} (was {}){}",
          poolName,
          name,
          to,
          e.getStateTransition().getFromState(),
          suppressed(more));
    }
  }

  @Override
  public void destroyed(Endpoint endpoint, DestroyReason reason) {
    if (reason == DestroyReason.INCOMPLETE_EXCHANGE) {
      long more = admit(endpoint.toString(), reason.name());
      if (more >= 0) {
        LOG.warn(
            "pool '{}': a connection to {} came back after writing a request without"
                + " Connection.exchangeComplete() since, so it was closed instead of reused"
                + " (INCOMPLETE_EXCHANGE: a late reply must not reach the next borrower). If"
                + " every checkout does this, the pool opens a new connection per checkout. Call"
                + " exchangeComplete() once each reply is read in full, or run the exchange"
                + " through SocketPool.execute / executeIdempotent, which declare it for an"
                + " operation that read after its last write. Counted in"
                + " stats(endpoint).destroyed(INCOMPLETE_EXCHANGE); logged at most once a"
                + " minute per endpoint{}",
            poolName,
            endpoint,
            suppressed(more));
      }
    } else if (reason == DestroyReason.DIRTY) {
      long more = admit(endpoint.toString(), reason.name());
      if (more >= 0) {
        LOG.warn(
            "pool '{}': a connection to {} came back with bytes from the peer that its holder"
                + " did not read, so it was closed instead of reused (DIRTY: they would reach the"
                + " next borrower). Read each reply in full before exchangeComplete() and"
                + " returning. Counted in stats(endpoint).destroyed(DIRTY); logged at most once a"
                + " minute per endpoint{}",
            poolName,
            endpoint,
            suppressed(more));
      }
    }
  }

  @Override
  public void endpointRemoved(Endpoint endpoint) {
    forget(endpoint.toString());
  }

  private void forget(String name) {
    limits.remove(name);
    lastErrors.remove(name);
  }

  /**
   * @return -1 to stay silent (logged less than {@link #INTERVAL} ago), else how many messages of
   *     this kind were left out since the last one logged
   */
  long admit(String endpoint, String kind) {
    Limit limit =
        limits
            .computeIfAbsent(endpoint, e -> new ConcurrentHashMap<>())
            .computeIfAbsent(kind, k -> new Limit());
    return limit.admit(ticker.getAsLong(), intervalNanos);
  }

  private static String suppressed(long more) {
    return more == 0 ? "" : " (" + more + " more like it since the last one)";
  }

  /** One kind of message of one endpoint: when it was last logged, and how many were left out. */
  private static final class Limit {
    private boolean logged;
    private long loggedAtNanos;
    private long leftOut;

    synchronized long admit(long nowNanos, long intervalNanos) {
      if (logged && nowNanos - loggedAtNanos < intervalNanos) {
        leftOut++;
        return -1;
      }
      long more = leftOut;
      logged = true;
      loggedAtNanos = nowNanos;
      leftOut = 0;
      return more;
    }
  }

  @Override
  public String toString() {
    return "PoolEventLog{"
        + poolName
        + ", "
        + TimeUnit.NANOSECONDS.toSeconds(intervalNanos)
        + " s}";
  }
}
