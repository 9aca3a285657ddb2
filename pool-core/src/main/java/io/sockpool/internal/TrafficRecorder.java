package io.sockpool.internal;

import io.sockpool.Endpoint;
import io.sockpool.PoolListener;
import io.sockpool.sizing.TrafficSample;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Measures each endpoint's traffic over a sliding window, for live sizing: checkouts (the
 * arrivals), the checkouts that waited, returns and the time connections were held. A {@link
 * PoolListener} the pool registers at construction.
 *
 * <p>The window is a ring of buckets, each covering {@code window / buckets}; a bucket is reset
 * when the clock enters it again one turn later. Recording a checkout or a return is a map lookup,
 * a clock read and one or two {@link LongAdder} increments: no lock (except once per bucket turn),
 * no allocation. Counts that race with a bucket's reset may land in the new turn; at a bucket
 * length of seconds that error is far below the window's own noise.
 */
public final class TrafficRecorder implements PoolListener {
  private final LongSupplier nanoClock;
  private final long bucketNanos;
  private final int bucketCount;
  private final ConcurrentHashMap<Endpoint, Window> windows = new ConcurrentHashMap<>();

  /**
   * @param window the span measured, at least one nanosecond per bucket
   * @param buckets how many buckets the window is cut into, >= 1
   * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime}; a fake in tests)
   */
  public TrafficRecorder(Duration window, int buckets, LongSupplier nanoClock) {
    if (buckets < 1) {
      throw new IllegalArgumentException("buckets must be >= 1, but was " + buckets);
    }
    if (window == null || window.toNanos() < buckets) {
      throw new IllegalArgumentException(
          "window must be at least " + buckets + " ns (one per bucket)," + " but was " + window);
    }
    this.nanoClock = nanoClock;
    this.bucketCount = buckets;
    this.bucketNanos = window.toNanos() / buckets;
  }

  /**
   * @return the span the window covers once it is full
   */
  public Duration window() {
    return Duration.ofNanos(bucketNanos * bucketCount);
  }

  @Override
  public void checkedOut(Endpoint endpoint, long elapsedNanos, boolean waited) {
    long now = nanoClock.getAsLong();
    Bucket b = window(endpoint, now).current(now);
    b.checkouts.increment();
    if (waited) {
      b.waited.increment();
    }
  }

  @Override
  public void returned(Endpoint endpoint, long heldNanos) {
    long now = nanoClock.getAsLong();
    Bucket b = window(endpoint, now).current(now);
    b.returns.increment();
    b.heldNanos.add(heldNanos);
  }

  /**
   * {@link #checkedOut(Endpoint, long, boolean)} from the pool itself: the endpoint's window is
   * cached in its state (no map lookup) and the time is the pool's own clock reading.
   */
  void checkedOut(EndpointState st, long nowNanos, boolean waited) {
    Bucket b = window(st, nowNanos).current(nowNanos);
    b.checkouts.increment();
    if (waited) {
      b.waited.increment();
    }
  }

  /**
   * {@link #returned(Endpoint, long)} from the pool itself; see {@link #checkedOut(EndpointState,
   * long, boolean)}.
   */
  void returned(EndpointState st, long nowNanos, long heldNanos) {
    Bucket b = window(st, nowNanos).current(nowNanos);
    b.returns.increment();
    b.heldNanos.add(heldNanos);
  }

  @Override
  public void endpointRemoved(Endpoint endpoint) {
    windows.remove(endpoint);
  }

  /**
   * Sums the buckets still inside the window.
   *
   * @param endpoint the peer
   * @return what was measured; all zero (and a zero span) for an endpoint never seen
   */
  public TrafficSample sample(Endpoint endpoint) {
    Window w = windows.get(endpoint);
    if (w == null) {
      return TrafficSample.EMPTY;
    }
    return w.sample(nanoClock.getAsLong());
  }

  private Window window(EndpointState st, long now) {
    Object cached = st.traffic;
    if (cached instanceof Window && ((Window) cached).recorder() == this) {
      return (Window) cached;
    }
    Window w = window(st.endpoint, now);
    st.traffic = w; // immutable references only (final fields): safe to publish without a fence
    return w;
  }

  private Window window(Endpoint endpoint, long now) {
    Window w = windows.get(endpoint);
    return w != null ? w : windows.computeIfAbsent(endpoint, e -> new Window(now));
  }

  private final class Window {
    private final long firstSeenNanos;
    private final Bucket[] ring = new Bucket[bucketCount];

    TrafficRecorder recorder() {
      return TrafficRecorder.this;
    }

    Window(long now) {
      this.firstSeenNanos = now;
      for (int i = 0; i < ring.length; i++) {
        ring[i] = new Bucket();
      }
    }

    Bucket current(long now) {
      long turn = Math.floorDiv(now, bucketNanos);
      Bucket b = ring[(int) Math.floorMod(turn, (long) bucketCount)];
      if (b.turn != turn) {
        b.enter(turn);
      }
      return b;
    }

    TrafficSample sample(long now) {
      long turn = Math.floorDiv(now, bucketNanos);
      long oldest = turn - bucketCount + 1;
      long checkouts = 0;
      long waited = 0;
      long returns = 0;
      long held = 0;
      for (Bucket b : ring) {
        long t = b.turn;
        if (t >= oldest && t <= turn) {
          checkouts += b.checkouts.sum();
          waited += b.waited.sum();
          returns += b.returns.sum();
          held += b.heldNanos.sum();
        }
      }
      long start = Math.max(firstSeenNanos, oldest * bucketNanos);
      return new TrafficSample(
          Duration.ofNanos(Math.max(0, now - start)),
          checkouts,
          waited,
          returns,
          Duration.ofNanos(held));
    }
  }

  private static final class Bucket {
    volatile long turn = Long.MIN_VALUE;
    final LongAdder checkouts = new LongAdder();
    final LongAdder waited = new LongAdder();
    final LongAdder returns = new LongAdder();
    final LongAdder heldNanos = new LongAdder();

    synchronized void enter(long newTurn) {
      if (turn < newTurn) {
        checkouts.reset();
        waited.reset();
        returns.reset();
        heldNanos.reset();
        turn = newTurn;
      }
    }
  }
}
