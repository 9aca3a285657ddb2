package io.sockpool.jfr;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import io.sockpool.DestroyReason;
import io.sockpool.Endpoint;
import io.sockpool.PoolListener;
import java.net.InetSocketAddress;
import java.util.function.Consumer;
import jdk.jfr.EventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool's JFR events ({@code io.sockpool.*}), all disabled by default. Registered on every pool
 * as a {@link PoolListener} (connect, destroy, the {@code waited} flag of a checkout) and on its
 * breaker registry (transitions); the checkout itself is timed by {@code SocketPool.checkout}
 * through {@link #beginCheckout()} / {@link #endCheckout}. While an event type is disabled its cost
 * is one read of its enabled flag.
 */
public final class JfrEvents implements PoolListener {
  private static final Logger LOG = LoggerFactory.getLogger(JfrEvents.class);
  private static final EventType CHECKOUT = type(CheckoutEvent.class);
  private static final EventType CONNECT = type(ConnectEvent.class);
  private static final EventType DESTROY = type(DestroyEvent.class);
  private static final EventType TRANSITION = type(BreakerTransitionEvent.class);
  private static final ThreadLocal<CheckoutEvent> CURRENT = new ThreadLocal<>();

  private final String pool;

  private JfrEvents(String pool) {
    this.pool = pool;
  }

  /**
   * Hooks the events into a pool: a listener, and a transition consumer on each breaker the
   * registry creates. Does nothing (logs at DEBUG) where JFR is missing.
   *
   * @param poolName the pool's name, a field of every event
   * @param listeners adds the listener to the pool
   * @param breakers the pool's breaker registry
   */
  public static void install(
      String poolName, Consumer<PoolListener> listeners, CircuitBreakerRegistry breakers) {
    if (CHECKOUT == null || CONNECT == null || DESTROY == null || TRANSITION == null) {
      return;
    }
    JfrEvents events = new JfrEvents(poolName);
    listeners.accept(events);
    breakers
        .getEventPublisher()
        .onEntryAdded(
            added -> {
              CircuitBreaker b = added.getAddedEntry();
              b.getEventPublisher().onStateTransition(t -> events.transition(b.getName(), t));
            });
  }

  /**
   * @return a started checkout event, or null (the common case) when the event is disabled
   */
  public static CheckoutEvent beginCheckout() {
    if (CHECKOUT == null || !CHECKOUT.isEnabled()) {
      return null;
    }
    CheckoutEvent e = new CheckoutEvent();
    e.begin();
    CURRENT.set(e);
    return e;
  }

  /**
   * Ends a checkout event from {@link #beginCheckout()} and commits it if it took at least its
   * threshold.
   *
   * @param e the event
   * @param pool the pool's name
   * @param endpoint the peer
   * @param outcome {@code ok} or the exception's simple class name
   */
  public static void endCheckout(CheckoutEvent e, String pool, Endpoint endpoint, String outcome) {
    CURRENT.remove();
    e.end();
    if (e.shouldCommit()) {
      e.pool = pool;
      e.endpoint = endpoint.toString();
      e.outcome = outcome;
      e.commit();
    }
  }

  @Override
  public void checkedOut(Endpoint endpoint, long elapsedNanos, boolean waited) {
    if (waited && CHECKOUT.isEnabled()) {
      CheckoutEvent e = CURRENT.get();
      if (e != null) {
        e.waited = true;
      }
    }
  }

  @Override
  public void connected(Endpoint endpoint, InetSocketAddress address, long connectNanos) {
    if (CONNECT.isEnabled()) {
      connect(endpoint, address, connectNanos, "ok");
    }
  }

  @Override
  public void connectFailed(
      Endpoint endpoint, InetSocketAddress address, long elapsedNanos, Throwable failure) {
    if (CONNECT.isEnabled()) {
      connect(endpoint, address, elapsedNanos, failure.toString());
    }
  }

  private void connect(Endpoint endpoint, InetSocketAddress address, long nanos, String outcome) {
    ConnectEvent e = new ConnectEvent();
    e.pool = pool;
    e.endpoint = endpoint.toString();
    e.address = address == null ? "" : address.toString();
    e.connectTime = nanos;
    e.tls = false;
    e.outcome = outcome;
    e.commit();
  }

  @Override
  public void destroyed(Endpoint endpoint, DestroyReason reason) {
    if (DESTROY.isEnabled()) {
      DestroyEvent e = new DestroyEvent();
      e.pool = pool;
      e.endpoint = endpoint.toString();
      e.reason = reason.name();
      e.commit();
    }
  }

  private void transition(String breaker, CircuitBreakerOnStateTransitionEvent t) {
    if (TRANSITION.isEnabled()) {
      BreakerTransitionEvent e = new BreakerTransitionEvent();
      e.pool = pool;
      e.endpoint = breaker;
      e.from = t.getStateTransition().getFromState().name();
      e.to = t.getStateTransition().getToState().name();
      e.commit();
    }
  }

  private static EventType type(Class<? extends jdk.jfr.Event> event) {
    try {
      return EventType.getEventType(event);
    } catch (RuntimeException | LinkageError e) {
      LOG.debug("JFR events of sockpool are off: {}", e.toString());
      return null;
    }
  }
}
