package io.sockpool.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.sockpool.DestroyReason;
import io.sockpool.Endpoint;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The endpoints the pool knows, each with its {@link EndpointState} and breaker, and their
 * lifecycle: a state is created on first use and forgotten (its breaker removed from the registry)
 * once it has had no connection, connect or waiter for longer than the idle timeout, so endpoint
 * churn does not grow memory. The counters of forgotten endpoints are kept in the totals.
 */
final class EndpointRegistry {
  private final ConcurrentHashMap<Endpoint, EndpointState> states = new ConcurrentHashMap<>();
  private final CircuitBreakerRegistry breakers;
  private final Listeners listeners;
  final LongAdder forgottenCreated = new LongAdder();
  final LongAdder forgottenCheckouts = new LongAdder();
  final LongAdder forgottenTimeouts = new LongAdder();
  final LongAdder forgottenRejected = new LongAdder();
  final LongAdder[] forgottenDestroyed = new LongAdder[DestroyReason.values().length];

  EndpointRegistry(CircuitBreakerRegistry breakers, Listeners listeners) {
    this.breakers = breakers;
    this.listeners = listeners;
    for (int i = 0; i < forgottenDestroyed.length; i++) {
      forgottenDestroyed[i] = new LongAdder();
    }
  }

  CircuitBreakerRegistry breakers() {
    return breakers;
  }

  /**
   * @return the endpoint's state, created if the pool does not know it yet
   */
  EndpointState state(Endpoint endpoint) {
    while (true) {
      EndpointState st = states.get(endpoint);
      if (st != null && !st.retired()) {
        return st;
      }
      EndpointState created =
          new EndpointState(
              endpoint, breakers.circuitBreaker(endpoint.toString()), System.nanoTime());
      boolean won =
          st == null
              ? states.putIfAbsent(endpoint, created) == null
              : states.replace(endpoint, st, created);
      if (won) {
        listeners.endpointAdded(endpoint);
        return created;
      }
    }
  }

  /**
   * @return the endpoint's state, or null if the pool does not know it
   */
  EndpointState find(Endpoint endpoint) {
    return states.get(endpoint);
  }

  Collection<EndpointState> all() {
    return states.values();
  }

  /**
   * Forgets every endpoint unused since {@code idleSinceNanos}.
   *
   * @return how many were forgotten
   */
  int forgetIdle(long idleSinceNanos) {
    int n = 0;
    for (EndpointState st : states.values()) {
      if (st.tryRetire(idleSinceNanos)) {
        forget(st);
        n++;
      }
    }
    return n;
  }

  /** The pool closed: the breakers go, the listeners hear of every endpoint, the stats stay. */
  void closed() {
    for (EndpointState st : states.values()) {
      breakers.remove(st.endpoint.toString());
      listeners.endpointRemoved(st.endpoint);
    }
  }

  private void forget(EndpointState st) {
    if (!states.remove(st.endpoint, st)) {
      return;
    }
    breakers.remove(st.endpoint.toString());
    forgottenCreated.add(st.created.sum());
    forgottenCheckouts.add(st.checkouts.sum());
    forgottenTimeouts.add(st.timeouts.sum());
    forgottenRejected.add(st.rejected.sum());
    for (int i = 0; i < forgottenDestroyed.length; i++) {
      forgottenDestroyed[i].add(st.destroyed[i].sum());
    }
    listeners.endpointRemoved(st.endpoint);
  }
}
