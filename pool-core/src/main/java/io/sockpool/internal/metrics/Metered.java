package io.sockpool.internal.metrics;

import io.sockpool.Endpoint;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An endpoint as the listeners and the traffic recorder see it: its name, and the current bucket of
 * its {@link TrafficRecorder} window, counted in fields of the endpoint's own state.
 *
 * <p>Why fields here: a checkout of an endpoint last touched 1,000 checkouts ago finds its state in
 * no cache, and every further object it touches is another miss. Counting the current bucket in the
 * state's own fields (declared in this superclass, so they sit at the start of the object) costs
 * one atomic add on a line the checkout loads anyway; the recorder's window, ring and buckets are
 * touched once per bucket length, when the first record after the bucket's end folds these counts
 * into the ring ({@link TrafficRecorder}).
 */
public abstract class Metered {
  private static final VarHandle CHECKOUTS = field("checkouts");
  private static final VarHandle WAITED = field("waited");
  private static final VarHandle RETURNS = field("returns");
  private static final VarHandle HELD = field("heldNanos");
  private static final VarHandle NO_WAITS = field("noWaits");

  private static VarHandle field(String name) {
    try {
      return MethodHandles.lookup().findVarHandle(Metered.class, name, long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  // Declaration order is layout order here (the JVM places a superclass's fields first, longs
  // before narrower fields, in declaration order within a size): what every checkout + return
  // touches comes first, so that it shares as few cache lines as possible with the subclass's
  // fast-path fields behind it; the counts touched only on a wait or a bucket's turn come last.

  /** The endpoint's window, set at the first record; null until then. */
  volatile TrafficRecorder.Window window;

  /** When the current bucket ends ({@code nanoTime}); meaningful once {@link #window} is set. */
  volatile long turnEnds;

  @SuppressWarnings("unused") // through its VarHandle
  private volatile long checkouts;

  @SuppressWarnings("unused") // through its VarHandle
  private volatile long returns;

  @SuppressWarnings("unused") // through its VarHandle
  private volatile long heldNanos;

  /**
   * Checkouts served without waiting, the endpoint's {@link WaitHistogram}'s zero waits (see {@link
   * #countNoWait()}).
   */
  @SuppressWarnings("unused") // through its VarHandle
  private volatile long noWaits;

  @SuppressWarnings("unused") // through its VarHandle
  private volatile long waited;

  /** The current bucket's turn (see {@link TrafficRecorder}); written under the window's lock. */
  long turn;

  // The four counts above only grow; these are their values at the window's last fold (read and
  // written under the window's lock): a bucket gets the difference.
  private long foldedCheckouts;
  private long foldedWaited;
  private long foldedReturns;
  private long foldedHeld;

  /** For subclasses: the pool's endpoint state, or the recorder's own per-endpoint counts. */
  protected Metered() {
    // the counts start at zero, in no bucket yet
  }

  /** Returns the endpoint. */
  public abstract Endpoint endpoint();

  /**
   * Counts a checkout served without waiting: an atomic add in the endpoint's own state, which the
   * checkout holds anyway, instead of a line of its {@link WaitHistogram} (which reads the count
   * through {@link #noWaitCount()}).
   */
  protected final void countNoWait() {
    NO_WAITS.getAndAdd(this, 1L);
  }

  /** Returns the checkouts counted by {@link #countNoWait()}. */
  protected final long noWaitCount() {
    return (long) NO_WAITS.getVolatile(this);
  }

  final void countCheckout(boolean hadToWait) {
    CHECKOUTS.getAndAdd(this, 1L);
    if (hadToWait) {
      WAITED.getAndAdd(this, 1L);
    }
  }

  final void countReturn(long held) {
    RETURNS.getAndAdd(this, 1L);
    HELD.getAndAdd(this, held);
  }

  /**
   * Returns the connections checked out and not yet returned, by these counts (a balancer's load).
   * The returns are read first: a return counted is one whose checkout was counted before it, so
   * the difference is never negative.
   */
  public final int outstanding() {
    long returned = (long) RETURNS.getVolatile(this);
    long checkedOut = (long) CHECKOUTS.getVolatile(this);
    return (int) Math.min(Integer.MAX_VALUE, checkedOut - returned);
  }

  /**
   * Moves what was counted since the last fold into {@code into} (a count added meanwhile lands in
   * the next bucket). Call under the window's lock.
   *
   * @param into where the counts are added, in the order checkouts, waited, returns, held
   */
  final void drainInto(long[] into) {
    long checkouts = (long) CHECKOUTS.getVolatile(this);
    long waited = (long) WAITED.getVolatile(this);
    long returns = (long) RETURNS.getVolatile(this);
    long held = (long) HELD.getVolatile(this);
    into[0] += checkouts - foldedCheckouts;
    into[1] += waited - foldedWaited;
    into[2] += returns - foldedReturns;
    into[3] += held - foldedHeld;
    foldedCheckouts = checkouts;
    foldedWaited = waited;
    foldedReturns = returns;
    foldedHeld = held;
  }

  /**
   * Reads what was counted since the last fold without moving it. Call under the window's lock.
   *
   * @param into where the counts are added, in the order checkouts, waited, returns, held
   */
  final void addTo(long[] into) {
    into[0] += (long) CHECKOUTS.getVolatile(this) - foldedCheckouts;
    into[1] += (long) WAITED.getVolatile(this) - foldedWaited;
    into[2] += (long) RETURNS.getVolatile(this) - foldedReturns;
    into[3] += (long) HELD.getVolatile(this) - foldedHeld;
  }
}
