package io.sockpool.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.sockpool.CheckoutException;
import io.sockpool.CheckoutState;
import io.sockpool.Endpoint;
import io.sockpool.PoolExhaustedException;
import io.sockpool.PooledConnection;
import io.sockpool.internal.group.EndpointLoad;
import io.sockpool.internal.group.MemberAccess;
import io.sockpool.internal.queue.Affinity;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The engine as the groups see it ({@link MemberAccess}): a member's breaker, its room, its
 * checkout (the fast path, else the full {@link Checkout}), what counts as its fault, its drain.
 */
final class GroupMembers implements MemberAccess {
  private final Lifecycle lifecycle;
  private final EndpointRegistry endpoints;
  private final Connections connections;
  private final HotSlots hot;
  private final Leases leases;
  private final Checkout.Context checkouts;
  private final CheckoutFailures failures;
  private final int maxPerEndpoint;
  private final AsyncCheckouts async;

  GroupMembers(
      Lifecycle lifecycle,
      EndpointRegistry endpoints,
      Connections connections,
      HotSlots hot,
      Leases leases,
      Checkout.Context checkouts,
      int maxPerEndpoint,
      AsyncCheckouts async) {
    this.lifecycle = lifecycle;
    this.endpoints = endpoints;
    this.connections = connections;
    this.hot = hot;
    this.leases = leases;
    this.checkouts = checkouts;
    this.failures = checkouts.failures();
    this.maxPerEndpoint = maxPerEndpoint;
    this.async = async;
  }

  @Override
  public String refusing(Endpoint member) {
    EndpointState st = endpoints.find(member);
    if (st == null) {
      return null;
    }
    CircuitBreaker b = st.breaker();
    CircuitBreaker.State s = b.getState();
    if (s == CircuitBreaker.State.FORCED_OPEN) {
      return "circuit breaker FORCED_OPEN";
    }
    if (s != CircuitBreaker.State.OPEN) {
      return null;
    }
    long wait = b.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1);
    long due = st.openedAtMillis() + wait - System.currentTimeMillis();
    return due <= 0 ? null : "circuit breaker OPEN, next probe in " + due + " ms";
  }

  @Override
  public boolean hasRoom(Endpoint member) {
    EndpointState st = endpoints.find(member);
    if (st == null) {
      return true;
    }
    if (st.waiters().size() > 0) {
      return false;
    }
    return st.reservations().get() < maxPerEndpoint || connections.idle(member) > 0;
  }

  @Override
  public PooledConnection checkout(Endpoint member, long timeoutNanos) throws CheckoutException {
    lifecycle.ensureOpen("is closed");
    EndpointState st = endpoints.state(member);
    long start = System.nanoTime();
    Affinity aff = hot.affinity();
    aff.checkingOut(start);
    PooledChannel ch = hot.checkoutHot(aff, st, start);
    return ch != null
        ? leases.leaseOut(st, ch, start, start, false)
        : new Checkout(checkouts, st, Duration.ofNanos(timeoutNanos)).run();
  }

  @Override
  public EndpointLoad handle(Endpoint member, EndpointLoad cached) {
    // a retired state holds no connection and can reserve none: a stale one serves nothing
    return cached instanceof EndpointState st && !st.retiring() ? st : endpoints.find(member);
  }

  @Override
  public PooledConnection tryHot(EndpointLoad handle, long nowNanos) {
    EndpointState st = (EndpointState) handle;
    if (!st.nobodyWaits() || lifecycle.isClosed()) {
      return null; // callers queue for the member, or the full checkout says the pool is closed
    }
    Affinity aff = hot.affinity();
    aff.checkingOut(nowNanos);
    PooledChannel ch = hot.checkoutHot(aff, st, nowNanos); // breaker CLOSED, window, time rules
    return ch != null ? leases.leaseOut(st, ch, nowNanos, nowNanos, false) : null;
  }

  @Override
  public boolean end(PooledConnection lease, long nowNanos, boolean invalidate) {
    if (!(lease instanceof Lease l)) {
      throw new IllegalArgumentException(
          "not a connection checked out of this pool's members: " + lease);
    }
    return invalidate ? l.returns().invalidate(l, nowNanos) : l.returns().giveBack(l, nowNanos);
  }

  @Override
  public boolean peerFault(CheckoutException failure) {
    if (failure instanceof PoolExhaustedException) {
      return false;
    }
    Throwable cause = failure.getCause();
    if (!(cause instanceof IOException) || cause instanceof LocalResourceException) {
      return false; // waiting, an interrupt, a hook that threw, the process's own shortage
    }
    if (cause instanceof SocketTimeoutException) {
      // a connect or validation that timed out: the peer's only if the checkout blamed it (it had
      // the full connect or validation timeout, or the peer sent nothing for its no-answer bound);
      // a caller's shorter deadline is not held against it, as on the breaker
      EndpointState st = endpoints.find(failure.endpoint());
      return st != null && st.lastFailure() == cause;
    }
    return !(cause instanceof InterruptedIOException);
  }

  @Override
  public boolean unanswered(PooledConnection lease) {
    return lease instanceof Lease l && l.pooledChannel().replies().noAnswerInLease();
  }

  @Override
  public CheckoutState state(Endpoint member, long elapsedNanos) {
    EndpointState st = endpoints.state(member);
    return failures.state(st, System.nanoTime() - elapsedNanos);
  }

  @Override
  public void drain(Endpoint member) {
    EndpointState st = endpoints.find(member);
    if (st == null) {
      return;
    }
    for (PooledChannel ch : st.channels()) {
      ch.retire();
    }
    connections.evictIdle(member, PooledChannel::isRetired);
  }

  @Override
  public CompletableFuture<PooledConnection> checkoutAsync(Endpoint member, long timeoutNanos) {
    try {
      lifecycle.ensureOpen("is closed");
      EndpointState st = endpoints.state(member);
      return new AsyncCheckout(new Checkout(checkouts, st, Duration.ofNanos(timeoutNanos)), async)
          .start();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
