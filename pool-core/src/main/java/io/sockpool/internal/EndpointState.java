package io.sockpool.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import io.sockpool.DestroyReason;
import io.sockpool.Endpoint;
import io.sockpool.internal.group.EndpointLoad;
import io.sockpool.internal.metrics.Metered;
import io.sockpool.internal.metrics.RoundTrip;
import io.sockpool.internal.metrics.WaitHistogram;
import io.sockpool.internal.queue.Admission;
import io.sockpool.internal.queue.Waiters;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.EnumMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Everything the pool keeps per endpoint beyond commons-pool2's sub-pool: the capacity count
 * ({@link #open}), the {@link Waiters}, the counters, every live channel (for leak detection, "held
 * by" and forced close) and the circuit breaker.
 *
 * <p>Lifecycle: created on the first checkout or warm-up; {@linkplain #tryRetire retired} by the
 * maintenance pass once it has had no connection, connect or waiter for longer than the idle
 * timeout. Retiring flips {@link #open} to a negative value in one step, so a caller still holding
 * the old state fails to reserve or join and looks the endpoint up again.
 */
final class EndpointState extends Metered
    implements Admission.Account, Waiters.Count, EndpointLoad {
  private static final int RETIRED = Integer.MIN_VALUE / 2;

  private static final VarHandle WAITING;

  static {
    try {
      WAITING = MethodHandles.lookup().findVarHandle(EndpointState.class, "waiting", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  // Layout (the JVM orders by size, declaration order within a size, after Metered's fields):
  // the fast path's fields are the first long, int, boolean and reference fields declared here,
  // so that with Metered's counts they span about 96 bytes of the object (two lines, often)
  // instead of its whole length.

  /**
   * Hot connections ({@link HotSlots}): idle, yet allocated in commons-pool2; null = free. A plain
   * array accessed through {@link HotSlots}' VarHandle (one object fewer to load than an {@code
   * AtomicReferenceArray}).
   */
  private final PooledChannel[] hotSlots;

  private final Endpoint endpoint;

  /** The registry whose state this is: whose state an endpoint's {@link EndpointCache} holds. */
  final EndpointRegistry owner;

  private final CircuitBreaker breaker;
  private final Waiters<PooledChannel> waiters;

  /**
   * The {@link #waiters}' count of waiters, kept here ({@link Waiters.Count}) so that the fast path
   * reads "nobody waits" in this object's lines instead of the queue's (see {@link
   * #nobodyWaits()}).
   */
  @SuppressWarnings("unused") // through its VarHandle
  private volatile int waiting;

  /**
   * Whether the breaker is CLOSED: a copy of its state in this object's lines, which the fast path
   * reads instead of the breaker's state machine, its {@code AtomicReference} and its state object
   * (see {@link #breakerClosed()} for why a stale copy serves nothing the breaker refused).
   */
  private volatile boolean breakerClosed;

  /** Connections open or connecting (reservations); negative once retired. */
  private final AtomicInteger open = new AtomicInteger();

  private final AtomicInteger connecting = new AtomicInteger();

  /** Reservations whose connect has not ended ({@link Admission#tryReserve}). */
  private final AtomicInteger connectPermits = new AtomicInteger();

  private final AtomicBoolean heldBackGlobally = new AtomicBoolean();
  private final AtomicBoolean replenishing = new AtomicBoolean();
  private final Set<PooledChannel> channels = ConcurrentHashMap.newKeySet();
  private final LongAdder created = new LongAdder();
  private final LongAdder createdOnDemand = new LongAdder();
  private final LongAdder createdByPreconnect = new LongAdder();
  private final EnumMap<DestroyReason, LongAdder> destroyed = new EnumMap<>(DestroyReason.class);
  private final LongAdder timeouts = new LongAdder();
  private final LongAdder rejected = new LongAdder();

  /** Checkout waits; its count is the checkout count ({@link #checkouts()}). */
  private final WaitHistogram waits = new WaitHistogram(this::noWaitCount);

  private volatile Throwable lastFailure;

  /** What the endpoint normally takes to answer: the yardstick for "no answer". */
  private final RoundTrip roundTrip = new RoundTrip();

  /**
   * Until when every reused connection is probed on borrow, however recently used: set when an
   * exchange died before any reply byte (the peer closed connections: maybe all of them, as a
   * restart or CLIENT KILL does).
   */
  private volatile long probeAllUntil;

  /** Last checkout, return or connect; the idle clock for forgetting the endpoint. */
  private volatile long lastActiveNanos;

  private volatile long openedAtMillis;

  /**
   * Set before {@link #tryRetire} flips {@link #open} and cleared if it does not: the lookup's
   * check ({@link #retiring()}) reads this field of the state instead of the {@link #open} object.
   */
  private volatile boolean retiring;

  EndpointState(Endpoint endpoint, CircuitBreaker breaker, int hotSlots, long nowNanos) {
    this(endpoint, breaker, hotSlots, nowNanos, null);
  }

  EndpointState(
      Endpoint endpoint,
      CircuitBreaker breaker,
      int hotSlots,
      long nowNanos,
      EndpointRegistry owner) {
    this.endpoint = endpoint;
    this.owner = owner;
    this.hotSlots = new PooledChannel[hotSlots];
    this.breaker = breaker;
    this.waiters = new Waiters<>(this);
    this.lastActiveNanos = nowNanos;
    this.probeAllUntil = nowNanos;
    // onEvent, not onStateTransition: the generic consumers run before the per-type ones (the
    // event log's, JFR's, an application's), so a per-type consumer that throws (resilience4j then
    // skips the consumers after it) cannot keep this one from running
    breaker
        .getEventPublisher()
        .onEvent(
            e -> {
              if (e instanceof CircuitBreakerOnStateTransitionEvent t) {
                if (t.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                  openedAtMillis = e.getCreationTime().toInstant().toEpochMilli();
                }
                breakerChanged();
              }
            });
    breakerChanged(); // after the consumer is registered: a transition before it is read here
    for (DestroyReason r : DestroyReason.values()) {
      destroyed.put(r, new LongAdder());
    }
  }

  /**
   * Retires the state if it has been unused since {@code idleSinceNanos}: no connection, no
   * connect, no waiter, breaker closed.
   *
   * @return true if retired; the caller then removes it from the pool's map
   */
  boolean tryRetire(long idleSinceNanos) {
    if (lastActiveNanos - idleSinceNanos > 0
        || waiters.size() > 0
        || breaker.getState() != CircuitBreaker.State.CLOSED) {
      return false;
    }
    retiring = true; // before the flip: a lookup that still sees false ran before it
    if (!open.compareAndSet(0, RETIRED)) {
      retiring = retired(); // another caller may have retired it meanwhile
      return false;
    }
    if (waiters.size() > 0) { // joined between the check and the flip: keep it
      open.set(0);
      retiring = false;
      return false;
    }
    return true;
  }

  /**
   * Returns false if the state is not retired and was not being retired when read; true if it is
   * retired or may be (the caller then checks under the registry's lock).
   */
  boolean retiring() {
    return retiring;
  }

  /** Returns checkouts served so far (each records its wait once). */
  long checkouts() {
    return waits.count();
  }

  /** Returns whether the state was retired (look the endpoint up again). */
  boolean retired() {
    return open.get() < 0;
  }

  @Override
  public long served() {
    return checkouts();
  }

  @Override
  public int leased() {
    return outstanding();
  }

  @Override
  public boolean forgotten() {
    return retired();
  }

  /** Returns when the breaker last opened, epoch millis. */
  long openedAtMillis() {
    return openedAtMillis;
  }

  /** Returns whether a reused connection may skip the probe now (no exchange died recently). */
  boolean trustsRecentUse(long nowNanos) {
    return nowNanos - probeAllUntil >= 0;
  }

  void countDestroyed(DestroyReason reason) {
    destroyed.get(reason).increment();
  }

  @Override
  public Endpoint endpoint() {
    return endpoint;
  }

  @Override
  public AtomicInteger reservations() {
    return open;
  }

  @Override
  public Waiters<PooledChannel> waiters() {
    return waiters;
  }

  @Override
  public AtomicInteger connectPermits() {
    return connectPermits;
  }

  @Override
  public AtomicBoolean heldBackGlobally() {
    return heldBackGlobally;
  }

  /** Returns the endpoint's circuit breaker. */
  CircuitBreaker breaker() {
    return breaker;
  }

  /**
   * Returns whether the breaker is CLOSED, from the copy in this object: what the fast path checks
   * (a CLOSED breaker needs no permission for a reused connection) without touching the breaker.
   *
   * <p>Why a stale copy serves nothing the breaker refused: the copy is true only in CLOSED; every
   * other state (OPEN, HALF_OPEN, FORCED_OPEN, DISABLED, METRICS_ONLY) reads false, and false only
   * sends the checkout down the full path, which asks the breaker itself ({@code
   * tryAcquirePermission}). resilience4j publishes every change of state as a state-transition
   * event (never filtered by the state: the type is always published) synchronously, in the thread
   * that made the change, after the change; this object's consumer then rewrites the copy ({@link
   * #breakerChanged}). So once the call that opened the breaker ({@code onError}, {@code
   * transitionToOpenState}, ...) has returned, the copy reads false: a checkout that starts after
   * it is refused as before. A checkout that overlaps the transition may still see true, as it
   * could read CLOSED from {@code getState()} an instant before the change: the same window, the
   * width of the consumer's run. Should a transition's event not reach this consumer after all (an
   * earlier consumer registered with {@code onEvent} that throws), the maintenance pass rewrites
   * the copy from the breaker on each run.
   */
  boolean breakerClosed() {
    return breakerClosed;
  }

  /**
   * Rewrites the copy of the breaker's state from the breaker. Two transitions can publish out of
   * order (thread A changes CLOSED to OPEN, thread B OPEN to HALF_OPEN and then ... CLOSED, their
   * consumers run interleaved): each writer reads the state again after writing and writes again if
   * it changed, so the last write to the copy was checked against a state read after it, and a
   * later change has a consumer of its own still to run.
   */
  void breakerChanged() {
    boolean closed;
    do {
      closed = breaker.getState() == CircuitBreaker.State.CLOSED;
      breakerClosed = closed;
    } while ((breaker.getState() == CircuitBreaker.State.CLOSED) != closed);
  }

  /**
   * Returns whether nobody waits for the endpoint: the queue's count, read in this object (no line
   * of the queue). Safe for the fast path's barging check because the queue raises the count before
   * a waiter can be handed anything and lowers it only after the waiter was handed something or
   * left ({@link Waiters.Count}): a 0 read here cannot hide a waiter whose join returned before the
   * read, which is the caller that fairness protects.
   */
  boolean nobodyWaits() {
    return (int) WAITING.getVolatile(this) == 0;
  }

  @Override
  public int get() {
    return (int) WAITING.getVolatile(this);
  }

  @Override
  public void increment() {
    WAITING.getAndAdd(this, 1);
  }

  @Override
  public void decrement() {
    WAITING.getAndAdd(this, -1);
  }

  /** Returns the hot slots ({@link HotSlots}), accessed through its VarHandle. */
  PooledChannel[] hotSlots() {
    return hotSlots;
  }

  /** Notes a checkout, return or connect: the endpoint is in use. */
  void active(long nowNanos) {
    lastActiveNanos = nowNanos;
  }

  /** A connect starts (counted until {@link #connectEnded}). */
  void connectStarted() {
    connecting.incrementAndGet();
  }

  /** A connect ended, made or failed. */
  void connectEnded() {
    connecting.decrementAndGet();
  }

  /** Returns connects under way. */
  int connecting() {
    return connecting.get();
  }

  /** Returns true if this caller now runs the endpoint's replenishing (nobody else does). */
  boolean startReplenishing() {
    return replenishing.compareAndSet(false, true);
  }

  /** The replenishing started by {@link #startReplenishing} is over. */
  void replenishingDone() {
    replenishing.set(false);
  }

  /** Tracks a live connection (leak detection, "held by", forced close, address counts). */
  void tracked(PooledChannel ch) {
    channels.add(ch);
  }

  /**
   * Stops tracking a connection that is gone.
   *
   * @return true the first time (the one place that counts it destroyed)
   */
  boolean untracked(PooledChannel ch) {
    return channels.remove(ch);
  }

  /** Returns every live connection of the endpoint, a weakly consistent view. */
  Iterable<PooledChannel> channels() {
    return channels;
  }

  /**
   * Counts a connection opened.
   *
   * @param forCheckout true when a caller's checkout opened it (on demand), false when it was
   *     opened ahead of demand (warm-up, min-idle, preconnect)
   */
  void countCreated(boolean forCheckout) {
    created.increment(); // before its part: a snapshot reads the parts first
    if (forCheckout) {
      createdOnDemand.increment();
    }
  }

  /**
   * Counts a connection predictive preconnect opened (already counted by {@link #countCreated}).
   */
  void countPreconnected() {
    createdByPreconnect.increment();
  }

  long createdCount() {
    return created.sum();
  }

  long createdOnDemandCount() {
    return createdOnDemand.sum();
  }

  long createdByPreconnectCount() {
    return createdByPreconnect.sum();
  }

  long destroyedCount(DestroyReason reason) {
    return destroyed.get(reason).sum();
  }

  /** Counts a checkout that ran out of time. */
  void countTimeout() {
    timeouts.increment();
  }

  long timeoutCount() {
    return timeouts.sum();
  }

  /** Counts a checkout refused (breaker open, too many waiters). */
  void countRejected() {
    rejected.increment();
  }

  long rejectedCount() {
    return rejected.sum();
  }

  /** Records a checkout served without waiting (the fast path; also the checkout count). */
  void recordNoWait() {
    countNoWait(); // in this object's own fields (Metered): no line of the histogram
  }

  /** Records a checkout served after waiting {@code nanos}. */
  void recordWait(long nanos) {
    waits.record(nanos);
  }

  /** Returns the checkout waits, to read. */
  WaitHistogram waits() {
    return waits;
  }

  /**
   * @return the endpoint's round-trip estimate
   */
  RoundTrip roundTrip() {
    return roundTrip;
  }

  /** Remembers the peer's latest failure (shown in failures and stats). */
  void peerFailed(Throwable failure) {
    lastFailure = failure;
  }

  /** Returns the peer's latest failure, or null. */
  Throwable lastFailure() {
    return lastFailure;
  }

  /**
   * Until {@code untilNanos}, every reused connection is probed on borrow (an exchange died before
   * any reply byte: the peer may have closed all of them).
   */
  void distrustRecentUseUntil(long untilNanos) {
    probeAllUntil = untilNanos;
  }
}
