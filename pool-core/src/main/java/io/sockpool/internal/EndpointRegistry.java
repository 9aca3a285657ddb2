package io.sockpool.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.sockpool.DestroyReason;
import io.sockpool.Endpoint;
import io.sockpool.internal.metrics.Listeners;
import io.sockpool.internal.resolve.Names;
import java.util.Collection;
import java.util.EnumMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The endpoints the pool knows, each with its {@link EndpointState} and breaker, and their
 * lifecycle: a state is created on first use and forgotten (its breaker removed from the registry,
 * its address book from {@link Names}) once it has had no connection, connect or waiter for longer
 * than the idle timeout, so endpoint churn does not grow memory. The counters of forgotten
 * endpoints are kept in the totals.
 *
 * <p>Creating and forgetting an endpoint's state run under the map's lock for that endpoint, so a
 * state created while the old one is being forgotten never gets a breaker or an address book that
 * the forgetting then removes.
 */
final class EndpointRegistry {
  private final ConcurrentHashMap<Endpoint, EndpointState> states = new ConcurrentHashMap<>();
  private final CircuitBreakerRegistry breakers;
  private final Names names;
  private final Listeners listeners;
  private final int hotSlots;
  final LongAdder forgottenCreated = new LongAdder();
  final LongAdder forgottenCreatedOnDemand = new LongAdder();
  final LongAdder forgottenCreatedByPreconnect = new LongAdder();
  final LongAdder forgottenCheckouts = new LongAdder();
  final LongAdder forgottenTimeouts = new LongAdder();
  final LongAdder forgottenRejected = new LongAdder();
  final EnumMap<DestroyReason, LongAdder> forgottenDestroyed = new EnumMap<>(DestroyReason.class);

  EndpointRegistry(
      CircuitBreakerRegistry breakers, Names names, Listeners listeners, int hotSlots) {
    this.breakers = breakers;
    this.hotSlots = hotSlots;
    this.names = names;
    this.listeners = listeners;
    for (DestroyReason r : DestroyReason.values()) {
      forgottenDestroyed.put(r, new LongAdder());
    }
  }

  CircuitBreakerRegistry breakers() {
    return breakers;
  }

  /** Returns the endpoint's state, created if the pool does not know it yet. */
  EndpointState state(Endpoint endpoint) {
    EndpointState st = states.get(endpoint);
    if (st != null && !st.retiring()) { // a field of the state: no second object to load
      return st;
    }
    boolean[] added = new boolean[1];
    st =
        states.compute(
            endpoint,
            (e, current) -> {
              if (current != null && !current.retired()) {
                return current;
              }
              // a retired state still here is being forgotten: its replacement keeps the
              // breaker and the address book, and listeners heard of no removal
              added[0] = current == null;
              return new EndpointState(
                  e, breakers.circuitBreaker(e.toString()), hotSlots, System.nanoTime());
            });
    if (added[0]) {
      listeners.endpointAdded(endpoint);
    }
    return st;
  }

  /** Returns the endpoint's state, or null if the pool does not know it. */
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
      breakers.remove(st.endpoint().toString());
      listeners.endpointRemoved(st.endpoint());
    }
  }

  private void forget(EndpointState st) {
    boolean[] removed = new boolean[1];
    states.computeIfPresent(
        st.endpoint(),
        (e, current) -> {
          if (current != st) {
            return current; // replaced by a new state, which keeps the breaker and addresses
          }
          breakers.remove(e.toString());
          names.forget(e);
          removed[0] = true;
          return null;
        });
    // out of the map either way: its counters move to the totals
    forgottenCreated.add(st.createdCount());
    forgottenCreatedOnDemand.add(st.createdOnDemandCount());
    forgottenCreatedByPreconnect.add(st.createdByPreconnectCount());
    forgottenCheckouts.add(st.checkouts());
    forgottenTimeouts.add(st.timeoutCount());
    forgottenRejected.add(st.rejectedCount());
    for (DestroyReason r : DestroyReason.values()) {
      forgottenDestroyed.get(r).add(st.destroyedCount(r));
    }
    if (removed[0]) {
      listeners.endpointRemoved(st.endpoint());
    }
  }
}
