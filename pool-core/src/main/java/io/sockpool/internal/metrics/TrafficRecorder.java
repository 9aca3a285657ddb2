package io.sockpool.internal.metrics;

import io.sockpool.Endpoint;
import io.sockpool.PoolListener;
import io.sockpool.sizing.TrafficSample;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Measures each endpoint's traffic over a sliding window, for live sizing: checkouts (the
 * arrivals), the checkouts that waited, returns and the time connections were held. A {@link
 * PoolListener} the pool registers at construction.
 *
 * <p>The window is a ring of buckets, each covering {@code window / buckets}. The current bucket is
 * counted in the endpoint's {@link Metered} fields (the pool's endpoint state, or the recorder's
 * own per-endpoint counts for callers that pass an {@link Endpoint}): recording a checkout or a
 * return is a clock comparison and one or two atomic adds there, no lock, no allocation, no other
 * object. The first record after the current bucket's end (or a {@link #sample}) folds those counts
 * into the ring, under the window's lock, once per bucket length; a ring bucket is reset when a
 * fold enters it again one turn later. Counts that race with a fold (read the old bucket's end, add
 * after the fold took the counts) land in the next bucket; at a bucket length of seconds that error
 * is far below the window's own noise.
 */
public final class TrafficRecorder implements PoolListener {
  private static final int CHECKOUTS = 0;
  private static final int WAITED = 1;
  private static final int RETURNS = 2;
  private static final int HELD = 3;
  private static final int COUNTS = 4;

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
    checkedOut(window(endpoint, now).own, now, waited);
  }

  @Override
  public void returned(Endpoint endpoint, long heldNanos) {
    long now = nanoClock.getAsLong();
    returned(window(endpoint, now).own, now, heldNanos);
  }

  /**
   * {@link #checkedOut(Endpoint, long, boolean)} from the pool itself: counted in the endpoint's
   * state (no map lookup, no other object) with the pool's own clock reading.
   */
  public void checkedOut(Metered st, long nowNanos, boolean waited) {
    current(st, nowNanos).countCheckout(waited);
  }

  /**
   * {@link #returned(Endpoint, long)} from the pool itself; see {@link #checkedOut(Metered, long,
   * boolean)}.
   */
  public void returned(Metered st, long nowNanos, long heldNanos) {
    current(st, nowNanos).countReturn(heldNanos);
  }

  @Override
  public void endpointRemoved(Endpoint endpoint) {
    windows.remove(endpoint);
  }

  /**
   * Sums the buckets still inside the window, the current one included.
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

  /** Returns {@code st}, its current bucket the one {@code now} falls in. */
  private Metered current(Metered st, long now) {
    if (st.window == null || now - st.turnEnds >= 0) {
      roll(st, now);
    }
    return st;
  }

  /** The first record of an endpoint, or the first after its current bucket ended. */
  private void roll(Metered st, long now) {
    Window w = st.window;
    if (w == null) {
      w = window(st.endpoint(), now);
    } else if (w.recorder() != this) {
      throw new IllegalStateException(
          "the traffic of " + st.endpoint() + " is counted by another recorder already");
    }
    w.roll(st, now);
  }

  private Window window(Endpoint endpoint, long now) {
    Window w = windows.get(endpoint);
    return w != null ? w : windows.computeIfAbsent(endpoint, e -> new Window(e, now));
  }

  /** The recorder's own current-bucket counts of an endpoint recorded by {@link Endpoint}. */
  private static final class Own extends Metered {
    private final Endpoint endpoint;

    Own(Endpoint endpoint) {
      this.endpoint = endpoint;
    }

    @Override
    public Endpoint endpoint() {
      return endpoint;
    }
  }

  /** One endpoint's ring of buckets, and whose fields count its current bucket. */
  public final class Window {
    private final long firstSeenNanos;
    private final Bucket[] ring = new Bucket[bucketCount];
    private final Own own;

    /** Whose fields count the current bucket; changed only under this window's lock. */
    private Metered counter;

    private Window(Endpoint endpoint, long now) {
      this.firstSeenNanos = now;
      this.own = new Own(endpoint);
      for (int i = 0; i < ring.length; i++) {
        ring[i] = new Bucket();
      }
    }

    /** Returns the recorder the window belongs to. */
    public TrafficRecorder recorder() {
      return TrafficRecorder.this;
    }

    /**
     * Makes {@code st}'s current bucket the one {@code now} falls in, folding what it counted for
     * an earlier bucket into the ring. A state that takes over the window from another (an endpoint
     * forgotten and seen again) folds the other's counts first.
     */
    synchronized void roll(Metered st, long now) {
      if (counter != st) {
        if (counter != null) {
          fold(counter);
          counter.window = null;
        }
        counter = st;
      } else if (now - st.turnEnds < 0) {
        return; // another thread rolled it meanwhile
      } else {
        fold(st);
      }
      long turn = Math.floorDiv(now, bucketNanos);
      st.turn = turn;
      st.turnEnds = (turn + 1) * bucketNanos;
      st.window = this; // after turnEnds: a thread that sees the window sees its bucket's end
    }

    /** Moves the counts of {@code st}'s current bucket into the ring. */
    private void fold(Metered st) {
      if (st.window != this) {
        return; // nothing counted yet
      }
      long[] counts = new long[COUNTS];
      st.drainInto(counts);
      Bucket b = ring[(int) Math.floorMod(st.turn, (long) bucketCount)];
      if (b.turn < st.turn) {
        b.enter(st.turn);
      }
      if (b.turn == st.turn) { // else the ring has gone a whole turn past it: out of the window
        b.add(counts);
      }
    }

    /** Sums the buckets inside the window ending at {@code now}, the current one included. */
    synchronized TrafficSample sample(long now) {
      Metered current = counter;
      if (current != null && now - current.turnEnds >= 0) {
        roll(current, now); // the current bucket ended: into the ring with it
      }
      long turn = Math.floorDiv(now, bucketNanos);
      long oldest = turn - bucketCount + 1;
      long[] sum = new long[COUNTS];
      for (Bucket b : ring) {
        if (b.turn >= oldest && b.turn <= turn) {
          b.addTo(sum);
        }
      }
      if (current != null && current.window == this) {
        current.addTo(sum); // the bucket now falls in
      }
      long start = Math.max(firstSeenNanos, oldest * bucketNanos);
      return new TrafficSample(
          Duration.ofNanos(Math.max(0, now - start)),
          sum[CHECKOUTS],
          sum[WAITED],
          sum[RETURNS],
          Duration.ofNanos(sum[HELD]));
    }
  }

  /** One slice of the ring: counts moved in by folds, read and written under the window's lock. */
  private static final class Bucket {
    private long turn = Long.MIN_VALUE;
    private final long[] counts = new long[COUNTS];

    void enter(long newTurn) {
      java.util.Arrays.fill(counts, 0L);
      turn = newTurn;
    }

    void add(long[] more) {
      for (int i = 0; i < COUNTS; i++) {
        counts[i] += more[i];
      }
    }

    void addTo(long[] sum) {
      for (int i = 0; i < COUNTS; i++) {
        sum[i] += counts[i];
      }
    }
  }
}
