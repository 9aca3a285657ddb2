package io.sockpool.internal.jfr;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.sockpool.DestroyReason;
import io.sockpool.Endpoint;
import io.sockpool.GroupListener;
import io.sockpool.PoolListener;
import java.net.InetSocketAddress;
import java.util.function.Consumer;
import java.util.function.Predicate;
import jdk.jfr.FlightRecorder;

/**
 * The pool's JFR events ({@code io.sockpool.*}), all disabled by default. Registered on every pool
 * as a {@link PoolListener} (connect, destroy, the {@code waited} flag of a checkout) and on its
 * breaker registry (transitions); a checkout that leaves the fast path is timed by the engine's
 * full checkout through {@link #beginCheckout()} / {@link #endCheckout} (a connection served hot is
 * never timed: it takes under a microsecond, below any threshold). Until JFR is initialized (a
 * recording started, by {@code -XX:StartFlightRecording}, {@code jcmd JFR.start} or in code) each
 * hook costs one read of {@link FlightRecorder#isInitialized()} and no event class is loaded; after
 * that, one read of the event type's enabled flag while it is disabled.
 */
public final class JfrEvents implements PoolListener {
  private final String pool;
  private final Predicate<Endpoint> usesTls;

  private JfrEvents(String pool, Predicate<Endpoint> usesTls) {
    this.pool = pool;
    this.usesTls = usesTls;
  }

  /**
   * Hooks the events into a pool: a listener, and a transition consumer on each breaker the
   * registry creates.
   *
   * @param poolName the pool's name, a field of every event
   * @param usesTls whether an endpoint's connections are TLS (the connect event's {@code tls})
   * @param listeners adds the listener to the pool
   * @param breakers the pool's breaker registry
   */
  public static void install(
      String poolName,
      Predicate<Endpoint> usesTls,
      Consumer<PoolListener> listeners,
      CircuitBreakerRegistry breakers) {
    JfrEvents events = new JfrEvents(poolName, usesTls);
    listeners.accept(events);
    breakers
        .getEventPublisher()
        .onEntryAdded(
            added -> {
              CircuitBreaker b = added.getAddedEntry();
              b.getEventPublisher()
                  .onStateTransition(
                      t -> {
                        if (FlightRecorder.isInitialized()) {
                          Recorder.transition(
                              poolName,
                              b.getName(),
                              t.getStateTransition().getFromState().name(),
                              t.getStateTransition().getToState().name());
                        }
                      });
            });
  }

  /**
   * Returns the listener that writes the group events ({@code io.sockpool.GroupEjection}, {@code
   * io.sockpool.GroupReturn}); register it on the pool's groups.
   *
   * @param poolName the pool's name, a field of every event
   */
  public static GroupListener groupListener(String poolName) {
    return new GroupJfr(poolName);
  }

  /**
   * @return a started checkout event, or null (the common case) when JFR or the event is off
   */
  public static Object beginCheckout() {
    return FlightRecorder.isInitialized() ? Recorder.beginCheckout() : null;
  }

  /**
   * Ends a checkout event from {@link #beginCheckout()} and commits it if it took at least its
   * threshold.
   *
   * @param event what {@link #beginCheckout()} returned (not null)
   * @param pool the pool's name
   * @param endpoint the peer
   * @param outcome {@code ok} or the exception's simple class name
   */
  public static void endCheckout(Object event, String pool, Endpoint endpoint, String outcome) {
    Recorder.endCheckout(event, pool, endpoint, outcome);
  }

  @Override
  public void checkedOut(Endpoint endpoint, long elapsedNanos, boolean waited) {
    if (waited && FlightRecorder.isInitialized()) {
      Recorder.waited();
    }
  }

  @Override
  public void connected(Endpoint endpoint, InetSocketAddress address, long connectNanos) {
    if (FlightRecorder.isInitialized()) {
      Recorder.connect(pool, endpoint, address, connectNanos, usesTls.test(endpoint), "ok");
    }
  }

  @Override
  public void connectFailed(
      Endpoint endpoint, InetSocketAddress address, long elapsedNanos, Throwable failure) {
    if (FlightRecorder.isInitialized()) {
      Recorder.connect(
          pool, endpoint, address, elapsedNanos, usesTls.test(endpoint), failure.toString());
    }
  }

  @Override
  public void destroyed(Endpoint endpoint, DestroyReason reason) {
    if (FlightRecorder.isInitialized()) {
      Recorder.destroyed(pool, endpoint, reason.name());
    }
  }
}
