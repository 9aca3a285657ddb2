package io.sockpool.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.sockpool.CheckoutException;
import io.sockpool.CheckoutState;
import io.sockpool.CheckoutTimeoutException;
import io.sockpool.Endpoint;
import io.sockpool.EndpointUnavailableException;
import io.sockpool.PoolConfig;
import io.sockpool.PoolExhaustedException;
import java.time.Duration;
import java.time.Instant;

/** Builds the checkout exceptions with the endpoint's state at the moment of failure. */
final class CheckoutFailures {
  private final KeyedChannelPool pool;
  private final PoolConfig config;

  CheckoutFailures(KeyedChannelPool pool, PoolConfig config) {
    this.pool = pool;
    this.config = config;
  }

  CheckoutTimeoutException timeout(EndpointState st, long start, String what, Throwable cause) {
    return new CheckoutTimeoutException(what, state(st, start), cause);
  }

  PoolExhaustedException exhausted(EndpointState st, long start, String what, Throwable cause) {
    return new PoolExhaustedException(what, state(st, start), cause);
  }

  CheckoutException failed(EndpointState st, long start, String what, Throwable cause) {
    return new CheckoutException(what, state(st, start), cause);
  }

  /**
   * @param failure why a connect for a checkout failed
   * @param timeout the checkout's timeout
   * @return the summary of the checkout exception: name resolution, a connect timeout, or a
   *     failed connect
   */
  static String connectSummary(Throwable failure, Duration timeout) {
    if (failure instanceof io.sockpool.NameResolutionTimeoutException) {
      return "name resolution of host '" + ((io.sockpool.NameResolutionTimeoutException) failure).host()
          + "' did not finish within the checkout timeout of " + timeout.toMillis() + " ms";
    }
    if (failure instanceof java.net.UnknownHostException) {
      return "cannot connect: the host name does not resolve";
    }
    if (failure instanceof java.net.SocketTimeoutException) {
      return "connect did not finish within the checkout timeout of " + timeout.toMillis() + " ms";
    }
    return "cannot connect";
  }

  CheckoutState state(EndpointState st, long start) {
    Endpoint e = st.endpoint;
    return new CheckoutState(e, elapsed(start), pool.active(e), pool.idle(e), st.waiters.get(),
        st.connecting.get(), config.maxPerEndpoint(), pool.totalActive(), config.maxTotal(),
        holders(st));
  }

  EndpointUnavailableException unavailable(EndpointState st, long start) {
    Endpoint e = st.endpoint;
    long waitMillis = config.circuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1);
    Instant retryAfter = st.breaker.getState() == CircuitBreaker.State.OPEN
        ? Instant.ofEpochMilli(st.openedAtMillis() + waitMillis) : Instant.now();
    return new EndpointUnavailableException("endpoint unavailable: circuit breaker is "
        + st.breaker.getState() + " after failures (failure rate "
        + st.breaker.getMetrics().getFailureRate() + " %)", state(st, start), retryAfter, st.lastFailure);
  }

  /** Up to five holders: thread name and how long it has held the connection. */
  static String holders(EndpointState st) {
    StringBuilder sb = new StringBuilder();
    long now = System.nanoTime();
    int n = 0;
    for (PooledChannel ch : st.channels) {
      Lease l = ch.lease();
      if (l == null) {
        continue;
      }
      if (n == 5) {
        sb.append(", ...");
        break;
      }
      sb.append(n == 0 ? "" : ", ").append(l.holder()).append(" (")
          .append(EndpointState.millis(now - l.checkoutNanos())).append(" ms)");
      n++;
    }
    return sb.toString();
  }

  private static Duration elapsed(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
