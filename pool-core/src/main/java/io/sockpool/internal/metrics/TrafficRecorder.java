package io.sockpool.internal.metrics;

import io.sockpool.Endpoint;
import io.sockpool.PoolListener;
import io.sockpool.sizing.TrafficSample;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 * a clock read and one or two compare-and-sets on the bucket's fields (see {@link Bucket}): no lock
 * (except once per bucket turn), no allocation. Counts that race with a bucket's reset may land in
 * the new turn; at a bucket length of seconds that error is far below the window's own noise.
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

  /** Returns the span the window covers once it is full. */
  public Duration window() {
    return Duration.ofNanos(bucketNanos * bucketCount);
  }

  @Override
  public void checkedOut(Endpoint endpoint, long elapsedNanos, boolean waited) {
    long now = nanoClock.getAsLong();
    Bucket b = window(endpoint, now).current(now);
    b.add(Bucket.CHECKOUTS, 1);
    if (waited) {
      b.add(Bucket.WAITED, 1);
    }
  }

  @Override
  public void returned(Endpoint endpoint, long heldNanos) {
    long now = nanoClock.getAsLong();
    Bucket b = window(endpoint, now).current(now);
    b.add(Bucket.RETURNS, 1);
    b.add(Bucket.HELD, heldNanos);
  }

  /**
   * {@link #checkedOut(Endpoint, long, boolean)} from the pool itself: the endpoint's window is
   * cached in its state (no map lookup) and the time is the pool's own clock reading.
   */
  public void checkedOut(Metered st, long nowNanos, boolean waited) {
    Bucket b = window(st, nowNanos).current(nowNanos);
    b.add(Bucket.CHECKOUTS, 1);
    if (waited) {
      b.add(Bucket.WAITED, 1);
    }
  }

  /**
   * {@link #returned(Endpoint, long)} from the pool itself; see {@link #checkedOut(Metered, long,
   * boolean)}.
   */
  public void returned(Metered st, long nowNanos, long heldNanos) {
    Bucket b = window(st, nowNanos).current(nowNanos);
    b.add(Bucket.RETURNS, 1);
    b.add(Bucket.HELD, heldNanos);
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

  private Window window(Metered st, long now) {
    Window cached = st.trafficWindow();
    if (cached != null && cached.recorder() == this) {
      return cached;
    }
    Window w = window(st.endpoint(), now);
    st.trafficWindow(
        w); // immutable references only (final fields): safe to publish without a fence
    return w;
  }

  private Window window(Endpoint endpoint, long now) {
    Window w = windows.get(endpoint);
    return w != null ? w : windows.computeIfAbsent(endpoint, e -> new Window(now));
  }

  public final class Window {
    private final long firstSeenNanos;
    private final Bucket[] ring = new Bucket[bucketCount];

    public TrafficRecorder recorder() {
      return TrafficRecorder.this;
    }

    private Window(long now) {
      this.firstSeenNanos = now;
      for (int i = 0; i < ring.length; i++) {
        ring[i] = new Bucket();
      }
    }

    public Bucket current(long now) {
      long turn = Math.floorDiv(now, bucketNanos);
      Bucket b = ring[(int) Math.floorMod(turn, (long) bucketCount)];
      if (b.turn != turn) {
        b.enter(turn);
      }
      return b;
    }

    public TrafficSample sample(long now) {
      long turn = Math.floorDiv(now, bucketNanos);
      long oldest = turn - bucketCount + 1;
      long checkouts = 0;
      long waited = 0;
      long returns = 0;
      long held = 0;
      for (Bucket b : ring) {
        long t = b.turn;
        if (t >= oldest && t <= turn) {
          checkouts += b.sum(Bucket.CHECKOUTS);
          waited += b.sum(Bucket.WAITED);
          returns += b.sum(Bucket.RETURNS);
          held += b.sum(Bucket.HELD);
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

  /**
   * One slice of the window. The four counts are fields of the bucket, added to with one
   * compare-and-set each (one object per checkout and return, where four {@link LongAdder}s were up
   * to four more cache lines for an endpoint last touched long ago); the first compare-and-set that
   * loses a race moves the bucket's counting to {@link LongAdder}s for the rest of its life, as a
   * {@link LongAdder} moves from its base to its cells.
   */
  private static final class Bucket {
    private static final int CHECKOUTS = 0;
    private static final int WAITED = 1;
    private static final int RETURNS = 2;
    private static final int HELD = 3;
    private static final int COUNTS = 4;
    // one static final VarHandle per field (constants to the JIT; an array element would not be)
    private static final VarHandle CHECKOUTS_FIELD = field("checkouts");
    private static final VarHandle WAITED_FIELD = field("waited");
    private static final VarHandle RETURNS_FIELD = field("returns");
    private static final VarHandle HELD_FIELD = field("heldNanos");

    private static VarHandle field(String name) {
      try {
        return MethodHandles.lookup().findVarHandle(Bucket.class, name, long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private static VarHandle field(int which) {
      return switch (which) {
        case CHECKOUTS -> CHECKOUTS_FIELD;
        case WAITED -> WAITED_FIELD;
        case RETURNS -> RETURNS_FIELD;
        case HELD -> HELD_FIELD;
        default ->
            throw new IllegalArgumentException("no count " + which + "; there are " + COUNTS);
      };
    }

    volatile long turn = Long.MIN_VALUE;

    @SuppressWarnings("unused") // through its VarHandle
    private volatile long checkouts;

    @SuppressWarnings("unused") // through its VarHandle
    private volatile long waited;

    @SuppressWarnings("unused") // through its VarHandle
    private volatile long returns;

    @SuppressWarnings("unused") // through its VarHandle
    private volatile long heldNanos;

    /**
     * The counts once a compare-and-set lost a race, indexed by count ({@link #CHECKOUTS}, ...);
     * null until then.
     */
    private volatile LongAdder[] contended;

    void add(int which, long x) {
      LongAdder[] spill = contended;
      if (spill == null) {
        VarHandle field = field(which); // a constant once inlined
        long v = (long) field.getVolatile(this);
        if (field.compareAndSet(this, v, v + x)) {
          return;
        }
        spill = spill();
      }
      spill[which].add(x);
    }

    long sum(int which) {
      LongAdder[] spill = contended;
      return (long) field(which).getVolatile(this) + (spill == null ? 0 : spill[which].sum());
    }

    private synchronized LongAdder[] spill() {
      if (contended == null) {
        LongAdder[] adders = new LongAdder[COUNTS];
        for (int i = 0; i < adders.length; i++) {
          adders[i] = new LongAdder();
        }
        contended = adders;
      }
      return contended;
    }

    synchronized void enter(long newTurn) {
      if (turn < newTurn) {
        for (int i = 0; i < COUNTS; i++) {
          field(i).setVolatile(this, 0L);
        }
        LongAdder[] spill = contended;
        if (spill != null) {
          for (LongAdder adder : spill) {
            adder.reset();
          }
        }
        turn = newTurn;
      }
    }
  }
}
