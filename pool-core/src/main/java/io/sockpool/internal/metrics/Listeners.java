package io.sockpool.internal.metrics;

import io.sockpool.CheckoutException;
import io.sockpool.DestroyReason;
import io.sockpool.Endpoint;
import io.sockpool.PoolListener;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool's {@link PoolListener}s: a copy-on-write list (the hot path reads an array and allocates
 * nothing), each call isolated so that a throwing listener never reaches the caller and never
 * interrupts the pool's bookkeeping around the call (a connection is never lost to a listener).
 *
 * <p>Whatever a listener throws is caught, {@link Error}s included: an {@code Exception} or a
 * linkage error ({@code NoSuchMethodError} from a metrics library of another version) is logged at
 * WARN once per listener and method; a {@link VirtualMachineError} ({@code OutOfMemoryError},
 * {@code StackOverflowError}) is logged at ERROR every time and not rethrown either. Rethrowing it
 * would leave the pool's state half-updated (a connection counted out and never returned) for an
 * error that belongs to the listener's call, while the JVM's own handling is unaffected: {@code
 * -XX:+ExitOnOutOfMemoryError}, {@code CrashOnOutOfMemoryError} and {@code
 * HeapDumpOnOutOfMemoryError} act where the error is thrown, not where it is caught, and a heap
 * that is really exhausted fails the caller's next allocation anyway.
 */
public final class Listeners {
  private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

  private final CopyOnWriteArrayList<PoolListener> list = new CopyOnWriteArrayList<>();
  private final Set<String> reported = ConcurrentHashMap.newKeySet();
  private final String poolName;
  private TrafficRecorder traffic; // set once, before the first checkout

  public Listeners(String poolName) {
    this.poolName = poolName;
  }

  /**
   * Adds a listener (once).
   *
   * @param listener to add
   */
  public void add(PoolListener listener) {
    list.addIfAbsent(Objects.requireNonNull(listener, "listener must not be null"));
  }

  /**
   * Sets the pool's own traffic recorder (live sizing), called first on every checkout and return
   * with the endpoint's state and the pool's clock reading, so that it needs no map lookup and no
   * clock read of its own; it still hears {@code endpointRemoved} as a listener. Call once, before
   * the first checkout.
   *
   * @param recorder the recorder
   */
  public void traffic(TrafficRecorder recorder) {
    if (traffic != null) {
      throw new IllegalStateException("the traffic recorder of pool '" + poolName + "' is set");
    }
    traffic = Objects.requireNonNull(recorder, "recorder must not be null");
    add(recorder);
  }

  /**
   * Removes a listener.
   *
   * @param listener to remove
   * @return whether it was there
   */
  public boolean remove(PoolListener listener) {
    return list.remove(listener);
  }

  public void checkedOut(Metered st, long nowNanos, long elapsedNanos, boolean waited) {
    if (traffic != null) {
      traffic.checkedOut(st, nowNanos, waited);
    }
    for (PoolListener l : list) {
      if (l == traffic) {
        continue;
      }
      try {
        l.checkedOut(st.endpoint(), elapsedNanos, waited);
      } catch (Throwable x) { // Errors too: a listener never reaches the caller
        failed(l, "checkedOut", x);
      }
    }
  }

  public void returned(Metered st, long nowNanos, long heldNanos) {
    if (traffic != null) {
      traffic.returned(st, nowNanos, heldNanos);
    }
    for (PoolListener l : list) {
      if (l == traffic) {
        continue;
      }
      try {
        l.returned(st.endpoint(), heldNanos);
      } catch (Throwable x) { // Errors too: a listener never reaches the caller
        failed(l, "returned", x);
      }
    }
  }

  public void connected(Endpoint e, InetSocketAddress address, long connectNanos) {
    each("connected", l -> l.connected(e, address, connectNanos));
  }

  public void connectFailed(
      Endpoint e, InetSocketAddress address, long elapsedNanos, Throwable failure) {
    each("connectFailed", l -> l.connectFailed(e, address, elapsedNanos, failure));
  }

  public void destroyed(Endpoint e, DestroyReason reason) {
    each("destroyed", l -> l.destroyed(e, reason));
  }

  public void checkoutFailed(CheckoutException failure) {
    each("checkoutFailed", l -> l.checkoutFailed(failure));
  }

  public void endpointAdded(Endpoint e) {
    each("endpointAdded", l -> l.endpointAdded(e));
  }

  public void endpointRemoved(Endpoint e) {
    each("endpointRemoved", l -> l.endpointRemoved(e));
  }

  /** For the calls off the hot path (a capturing lambda each). */
  private void each(String method, Consumer<PoolListener> call) {
    if (list.isEmpty()) {
      return;
    }
    for (PoolListener l : list) {
      try {
        call.accept(l);
      } catch (Throwable x) { // Errors too: a listener never reaches the caller
        failed(l, method, x);
      }
    }
  }

  private void failed(PoolListener l, String method, Throwable x) {
    if (x instanceof VirtualMachineError) {
      LOG.error(
          "listener {} of pool '{}' threw from {}; the pool goes on: {}",
          l.getClass().getName(),
          poolName,
          method,
          x.toString(),
          x);
      return;
    }
    if (reported.add(System.identityHashCode(l) + "." + method)) {
      LOG.warn(
          "listener {} of pool '{}' threw from {} (logged once): {}",
          l.getClass().getName(),
          poolName,
          method,
          x.toString(),
          x);
    }
  }
}
