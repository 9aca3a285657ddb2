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

  /** Set when the pool closed; read by {@link #cache} after it stores. */
  volatile boolean closed;

  /**
   * Runs between the map's lookup and the caching of what it found: a test's hook, to forget the
   * state right there (the race {@link #cache} closes); does nothing in a pool.
   */
  Runnable afterLookup = () -> {};

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

  /**
   * Returns the endpoint's state, created if the pool does not know it yet: from the endpoint
   * instance's {@link EndpointCache} if it holds this registry's state and the state is not
   * retiring, else from the map (and cached).
   */
  EndpointState state(Endpoint endpoint) {
    Object cached = EndpointCache.get(endpoint);
    if (cached instanceof EndpointState c && c.owner == this && !c.retiring()) {
      return c; // the instance's field and the state's: no map slot or node to load
    }
    EndpointState st = states.get(endpoint);
    if (st != null && !st.retiring()) { // a field of the state: no second object to load
      afterLookup.run();
      cache(endpoint, cached, st);
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
                  e, breakers.circuitBreaker(e.toString()), hotSlots, System.nanoTime(), this);
            });
    if (added[0]) {
      listeners.endpointAdded(endpoint);
    }
    cache(endpoint, cached, st);
    return st;
  }

  /**
   * Caches the state in the endpoint instance if it is the instance the state was created with (the
   * one {@link #forget} and {@link #closed} clear; a caller that makes a new equal instance per
   * call pays no store per call) and it holds no other live pool's state (the first pool keeps it:
   * pools sharing an instance do not rewrite it on every checkout). A state that began retiring or
   * a pool that closed meanwhile clears it again: either the forgetting thread sees the stored
   * state or this one sees the flag (see {@link EndpointCache#put}).
   */
  @SuppressWarnings("ReferenceEquality") // the instance, not the value: see above
  private void cache(Endpoint endpoint, Object cached, EndpointState st) {
    if (endpoint != st.endpoint()
        || (cached instanceof EndpointState c && !c.retiring() && !c.owner.closed)) {
      return;
    }
    EndpointCache.put(endpoint, st);
    if (st.retiring() || closed) {
      EndpointCache.clear(endpoint, st);
    }
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

  /**
   * The pool closed: the breakers go, the listeners hear of every endpoint, the endpoints' caches
   * let go of the states (a user's endpoint constant keeps no closed pool alive), the stats stay.
   */
  void closed() {
    closed = true; // before the clears: a state cached after them is cleared by its cacher
    for (EndpointState st : states.values()) {
      EndpointCache.clear(st.endpoint(), st);
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
    EndpointCache.clear(st.endpoint(), st); // after the retiring flag: see cache
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
