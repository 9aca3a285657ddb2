package io.sockpool.internal.jfr;

import io.sockpool.Endpoint;
import java.net.InetSocketAddress;
import jdk.jfr.FlightRecorder;

/**
 * Writes the events. Loaded only once JFR is initialized ({@link JfrEvents} checks first), so that
 * an application that never records loads no event class: the first {@code jdk.jfr.Event} subclass
 * a JVM loads costs it hundreds of milliseconds of JFR set-up.
 */
final class Recorder {
  // One shared instance per type, only asked isEnabled() (the type's state, whatever the
  // instance): no allocation while an event is disabled.
  static {
    // registered now, with the running recordings' settings, so that the first event after JFR
    // started is not lost while the class would otherwise be registered lazily
    FlightRecorder.register(CheckoutEvent.class);
    FlightRecorder.register(ConnectEvent.class);
    FlightRecorder.register(DestroyEvent.class);
    FlightRecorder.register(BreakerTransitionEvent.class);
    FlightRecorder.register(GroupEjectionEvent.class);
    FlightRecorder.register(GroupReturnEvent.class);
  }

  private static final CheckoutEvent CHECKOUT = new CheckoutEvent();
  private static final ConnectEvent CONNECT = new ConnectEvent();
  private static final DestroyEvent DESTROY = new DestroyEvent();
  private static final BreakerTransitionEvent TRANSITION = new BreakerTransitionEvent();
  private static final GroupEjectionEvent EJECTION = new GroupEjectionEvent();
  private static final GroupReturnEvent RETURN = new GroupReturnEvent();
  // The checkout event of each thread, begun again by its next checkout: a checkout that stays
  // below the threshold (nearly all) allocates nothing and touches the thread-local once. A
  // committed event is dropped and the thread's next checkout takes a new one.
  private static final ThreadLocal<CheckoutEvent> CURRENT = new ThreadLocal<>();

  private Recorder() {}

  static Object beginCheckout() {
    if (!CHECKOUT.isEnabled()) {
      return null;
    }
    CheckoutEvent e = CURRENT.get();
    if (e == null) {
      e = new CheckoutEvent();
      CURRENT.set(e);
    }
    e.waited = false;
    e.begin();
    return e;
  }

  static void endCheckout(Object event, String pool, Endpoint endpoint, String outcome) {
    CheckoutEvent e = (CheckoutEvent) event;
    e.end();
    if (e.shouldCommit()) {
      e.pool = pool;
      e.endpoint = endpoint.toString();
      e.outcome = outcome;
      e.commit();
      CURRENT.remove();
    }
  }

  /** Marks the thread's checkout in progress as one that waited (called during the checkout). */
  static void waited() {
    if (CHECKOUT.isEnabled()) {
      CheckoutEvent e = CURRENT.get();
      if (e != null) {
        e.waited = true;
      }
    }
  }

  static void connect(
      String pool,
      Endpoint endpoint,
      InetSocketAddress address,
      long nanos,
      boolean tls,
      String outcome) {
    if (!CONNECT.isEnabled()) {
      return;
    }
    ConnectEvent e = new ConnectEvent();
    e.pool = pool;
    e.endpoint = endpoint.toString();
    e.address = address == null ? "" : address.toString();
    e.connectTime = nanos;
    e.tls = tls;
    e.outcome = outcome;
    e.commit();
  }

  static void destroyed(String pool, Endpoint endpoint, String reason) {
    if (!DESTROY.isEnabled()) {
      return;
    }
    DestroyEvent e = new DestroyEvent();
    e.pool = pool;
    e.endpoint = endpoint.toString();
    e.reason = reason;
    e.commit();
  }

  static void transition(String pool, String breaker, String from, String to) {
    if (!TRANSITION.isEnabled()) {
      return;
    }
    BreakerTransitionEvent e = new BreakerTransitionEvent();
    e.pool = pool;
    e.endpoint = breaker;
    e.from = from;
    e.to = to;
    e.commit();
  }

  static void ejected(
      String pool, String group, Endpoint member, String reason, long nanos, long ejections) {
    if (!EJECTION.isEnabled()) {
      return;
    }
    GroupEjectionEvent e = new GroupEjectionEvent();
    e.pool = pool;
    e.group = group;
    e.member = member.toString();
    e.reason = reason;
    e.ejectionTime = nanos;
    e.ejections = ejections;
    e.commit();
  }

  static void returned(String pool, String group, Endpoint member, long ejections) {
    if (!RETURN.isEnabled()) {
      return;
    }
    GroupReturnEvent e = new GroupReturnEvent();
    e.pool = pool;
    e.group = group;
    e.member = member.toString();
    e.ejections = ejections;
    e.commit();
  }
}
