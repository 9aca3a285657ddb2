package io.sockpool.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.sockpool.CheckoutException;
import io.sockpool.CheckoutState;
import io.sockpool.CheckoutTimeoutException;
import io.sockpool.EndpointUnavailableException;
import io.sockpool.PoolConfig;
import io.sockpool.PoolExhaustedException;
import io.sockpool.internal.metrics.Listeners;
import io.sockpool.internal.queue.Admission;
import java.time.Duration;
import java.time.Instant;

/**
 * Builds every checkout exception, in one place: the message, the endpoint's state at the moment of
 * failure ({@link CheckoutState}), the counting (timeouts, rejections) and the listeners'
 * notification.
 */
final class CheckoutFailures {
  private final Admission admission;
  private final PoolConfig config;
  private final Listeners listeners;

  /**
   * @param admission the capacity counts
   * @param config the pool's settings (limits, the breaker's wait)
   * @param listeners told of each failure
   */
  CheckoutFailures(Admission admission, PoolConfig config, Listeners listeners) {
    this.admission = admission;
    this.config = config;
    this.listeners = listeners;
  }

  /**
   * @param waited whether the failing caller was among the waiters; it has left the queue by now,
   *     but the state it reports counts it
   */
  CheckoutTimeoutException timeout(
      EndpointState st, long start, boolean waited, String what, Throwable cause) {
    st.countTimeout();
    return told(new CheckoutTimeoutException(what, state(st, start, waited ? 1 : 0), cause));
  }

  PoolExhaustedException exhausted(EndpointState st, long start, String what, Throwable cause) {
    st.countRejected();
    return told(new PoolExhaustedException(what, state(st, start), cause));
  }

  CheckoutException failed(EndpointState st, long start, String what, Throwable cause) {
    return told(new CheckoutException(what, state(st, start), cause));
  }

  CheckoutException interrupted(EndpointState st, long start, Throwable cause) {
    CheckoutException e =
        new CheckoutException(
            "interrupted (the thread's interrupt flag is set and" + " stays set)",
            state(st, start),
            cause);
    return told(e);
  }

  /**
   * Returns the summary of the checkout exception: name resolution, a connect timeout, or a failed
   * connect.
   *
   * @param failure why a connect for a checkout failed
   * @param timeout the checkout's timeout
   */
  static String connectSummary(Throwable failure, Duration timeout) {
    if (failure
        instanceof io.sockpool.NameResolutionTimeoutException nameResolutionTimeoutException) {
      return "name resolution of host '"
          + nameResolutionTimeoutException.host()
          + "' did not finish within the checkout timeout of "
          + timeout.toMillis()
          + " ms";
    }
    if (failure instanceof java.net.UnknownHostException) {
      return "cannot connect: the host name does not resolve";
    }
    if (failure instanceof io.sockpool.internal.io.TlsHandshakeTimeoutException) {
      return "TLS handshake did not finish within the connect deadline (checkout timeout "
          + timeout.toMillis()
          + " ms): "
          + failure.getMessage();
    }
    if (failure instanceof javax.net.ssl.SSLException) {
      return "TLS handshake failed: " + failure.getMessage();
    }
    if (failure instanceof java.net.SocketTimeoutException) {
      return "connect did not finish within the checkout timeout of " + timeout.toMillis() + " ms";
    }
    return "cannot connect";
  }

  EndpointUnavailableException unavailable(EndpointState st, long start) {
    st.countRejected();
    long waitMillis = config.circuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1);
    Instant retryAfter =
        st.breaker().getState() == CircuitBreaker.State.OPEN
            ? Instant.ofEpochMilli(st.openedAtMillis() + waitMillis)
            : Instant.now();
    return told(
        new EndpointUnavailableException(
            "endpoint unavailable: circuit breaker is "
                + st.breaker().getState()
                + " after failures (failure rate "
                + st.breaker().getMetrics().getFailureRate()
                + " %)",
            state(st, start),
            retryAfter,
            st.lastFailure()));
  }

  private <E extends CheckoutException> E told(E e) {
    listeners.checkoutFailed(e);
    return e;
  }

  CheckoutState state(EndpointState st, long start) {
    return state(st, start, 0);
  }

  /**
   * The endpoint's state for a failing checkout, read without a lock: the caller may be past its
   * deadline already, and commons-pool2's counts take the locks of its idle set, where a thread
   * descheduled while holding one would hold the caller up too. Active and idle are counted from
   * the endpoint's own connections (held by a lease; hot or idle in commons-pool2).
   */
  private CheckoutState state(EndpointState st, long start, int alsoWaiting) {
    int held = 0;
    int idleNow = 0;
    for (PooledChannel ch : st.channels()) {
      if (ch.lease() != null) {
        held++;
      } else if (IdleReclaim.isIdle(ch)) {
        idleNow++;
      }
    }
    return new CheckoutState(
        st.endpoint(),
        Duration.ofNanos(System.nanoTime() - start),
        held,
        idleNow,
        st.waiters().size() + alsoWaiting,
        st.connecting(),
        config.maxPerEndpoint(),
        admission.total(),
        config.maxTotal(),
        holders(st));
  }

  /** Up to five holders: thread name and how long it has held the connection. */
  static String holders(EndpointState st) {
    StringBuilder sb = new StringBuilder();
    long now = System.nanoTime();
    int n = 0;
    for (PooledChannel ch : st.channels()) {
      Lease l = ch.lease();
      if (l == null) {
        continue;
      }
      if (n == 5) {
        sb.append(", ...");
        break;
      }
      sb.append(n == 0 ? "" : ", ")
          .append(l.holder())
          .append(" (")
          .append(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(now - l.checkoutNanos()))
          .append(" ms)");
      n++;
    }
    return sb.toString();
  }
}
