package io.sockpool.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.sockpool.CheckoutException;
import io.sockpool.DestroyReason;
import io.sockpool.Endpoint;
import io.sockpool.Validator;
import io.sockpool.internal.jfr.JfrEvents;
import io.sockpool.internal.queue.Admission;
import io.sockpool.internal.queue.Admission.Result;
import io.sockpool.internal.queue.Handoff;
import io.sockpool.internal.queue.Waiters.Waiter;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One checkout, start to end, within one deadline: an idle connection if nobody waits before us,
 * else a new one if there is capacity, else a place in the endpoint's queue until a connection or a
 * slot is handed over. Every connection taken is vetted (time rules, the cheap probe, the validator
 * after the idle window) before it is served.
 *
 * <p>Failure attribution: only what the peer did (refused, reset, EOF, garbage, no answer within
 * the full validation timeout) destroys a connection as invalid or counts against the breaker; what
 * the caller did (interrupt, a deadline too short for the exchange, the pool closing) fails this
 * checkout only. The breaker permission taken at the start gets exactly one outcome, in {@link
 * #recordOutcome}.
 */
final class Checkout {
  /**
   * What every checkout of one pool works with, made once per pool.
   *
   * @param lifecycle whether the pool closed meanwhile
   * @param endpoints the endpoints' states (a retired one is looked up again)
   * @param connections idle connections, new ones, hand-backs and destroys
   * @param admission the capacity counts
   * @param reclaim frees global capacity held idle by other endpoints
   * @param failures the exceptions a checkout fails with, and their counts
   * @param leases the last step: the lease handed to the caller
   * @param rules the time rules a reused connection is checked against
   * @param validator the round trip after the validation window
   * @param fairnessWindowNanos how long a waiter lets later callers take what comes back
   * @param validationWindowNanos how recently a connection must have been used to skip validation
   * @param maxWaiters how many callers may wait per endpoint
   * @param connectTimeoutNanos the connect timeout (a shorter budget is the caller's deadline)
   * @param validationTimeoutNanos the validation timeout (likewise)
   */
  record Context(
      Lifecycle lifecycle,
      EndpointRegistry endpoints,
      Connections connections,
      Admission admission,
      IdleReclaim reclaim,
      CheckoutFailures failures,
      Leases leases,
      EvictionRules rules,
      Validator validator,
      long fairnessWindowNanos,
      long validationWindowNanos,
      int maxWaiters,
      long connectTimeoutNanos,
      long validationTimeoutNanos) {}

  private final Context ctx;
  private final Connections connections;
  private final CheckoutFailures failures;
  private final Endpoint endpoint;
  private final CircuitBreaker breaker;
  private final long start;
  private final long deadline;
  private final long timeoutMillis;
  private final Duration timeout;
  private EndpointState st;
  private Throwable lastFailure;
  private boolean peerFailed;
  private boolean peerAnswered;
  private boolean waited;
  private boolean suspect;
  private Waiter<PooledChannel> queued; // an asynchronous checkout's place in the queue
  private boolean lookedAfterWindow;

  Checkout(Context ctx, EndpointState st, Duration timeout) {
    this.ctx = ctx;
    this.connections = ctx.connections();
    this.failures = ctx.failures();
    this.st = st;
    this.endpoint = st.endpoint();
    this.breaker = st.breaker();
    this.start = System.nanoTime();
    this.deadline = start + timeout.toNanos();
    this.timeoutMillis = timeout.toMillis();
    this.timeout = timeout;
  }

  /**
   * Runs the checkout; see {@link io.sockpool.SocketPool#checkout(Endpoint, Duration)}. Timed as a
   * JFR {@code io.sockpool.Checkout} event when one is recorded: every checkout that gets here has
   * left the fast path ({@link HotSlots#checkoutHot}), which takes under a microsecond and is never
   * timed, so that recording the event costs the fast path nothing.
   */
  Lease run() throws CheckoutException {
    Object event = JfrEvents.beginCheckout(); // null unless JFR records io.sockpool.Checkout
    if (event == null) {
      return runUntimed();
    }
    String outcome = "failed";
    try {
      Lease lease = runUntimed();
      outcome = "ok";
      return lease;
    } catch (CheckoutException | RuntimeException e) {
      outcome = e.getClass().getSimpleName();
      throw e;
    } finally {
      JfrEvents.endCheckout(event, ctx.leases().poolName(), endpoint, outcome);
    }
  }

  private Lease runUntimed() throws CheckoutException {
    if (Thread.currentThread().isInterrupted()) {
      throw failures.interrupted(st, start, null);
    }
    if (!breaker.tryAcquirePermission()) {
      throw failures.unavailable(st, start);
    }
    PooledChannel served = null;
    try {
      PooledChannel ch = obtain();
      Lease lease = ctx.leases().leaseOut(st, ch, start, waited);
      served = ch;
      return lease;
    } finally {
      recordOutcome(served);
    }
  }

  private PooledChannel obtain() throws CheckoutException {
    return obtain(null);
  }

  /**
   * The checkout's loop. With a {@code wake} action (an asynchronous checkout) it never parks: it
   * returns null once queued, and {@link #advance} goes on when {@code wake} has run.
   */
  private PooledChannel obtain(Runnable wake) throws CheckoutException {
    while (true) {
      checkStillWanted();
      PooledChannel ch = st.waiters().mayBarge(System.nanoTime()) ? connections.takeIdle(st) : null;
      if (ch == null) {
        Result room = reserve();
        if (room == Result.RETIRED) {
          st = ctx.endpoints().state(endpoint);
          continue;
        }
        if (room == Result.RESERVED) {
          ch = open();
        } else if (wake == null) {
          ch = await(room);
        } else {
          queued = join(room, wake);
          Handoff<PooledChannel> h = lookWhileQueued();
          if (h == null) {
            return null;
          }
          ch = taken(h);
        }
      }
      if (ch != null && (ch = vet(ch)) != null) {
        return ch;
      }
    }
  }

  // ---- the asynchronous checkout (AsyncCheckout drives it): the same steps, never parked ----

  /**
   * Takes the breaker's permission, as {@link #run} does first (there is no thread to interrupt).
   */
  void begin() throws CheckoutException {
    if (!breaker.tryAcquirePermission()) {
      throw failures.unavailable(st, start);
    }
  }

  /**
   * The first step, in the caller's thread: no I/O. Returns what it found (a connection to vet, a
   * slot to connect with, or nothing: look again), which {@link #advance} puts to use on the
   * executor; or null once queued.
   */
  Handoff<PooledChannel> firstLook(Runnable wake) throws CheckoutException {
    checkStillWanted();
    PooledChannel ch = st.waiters().mayBarge(System.nanoTime()) ? connections.takeIdle(st) : null;
    if (ch != null) {
      return new Handoff.Channel<>(ch);
    }
    Result room = reserve();
    if (room == Result.RESERVED || room == Result.RETIRED) {
      return room == Result.RESERVED ? Handoff.slot() : Handoff.nothing();
    }
    queued = join(room, wake);
    return lookWhileQueued();
  }

  /**
   * Vets what {@link #firstLook} found as far as that takes no blocking I/O, for an asynchronous
   * checkout that may complete in the caller's thread: a connection found {@link Vetted#READY} goes
   * to {@link #serve}; one {@link Vetted#DESTROYED} is gone (look again); one that owes a {@link
   * Vetted#ROUND_TRIP} goes to {@link #advance} on the executor, which vets it again in full.
   *
   * @param ch the connection found
   * @return what the vetting found
   */
  Vetted vetWithoutIo(PooledChannel ch) {
    return vetWithoutIo(ch, System.nanoTime());
  }

  /**
   * Goes as far as it can without parking, from what {@link #firstLook} found (null: from the
   * queue): returns a vetted connection, or null while queued (then {@code wake} runs when
   * something is handed over or the caller is nudged, and the caller calls this again, also at the
   * end of the fairness window and at the deadline).
   */
  PooledChannel advance(Handoff<PooledChannel> found, Runnable wake) throws CheckoutException {
    Handoff<PooledChannel> h = found;
    if (h == null && queued != null) {
      h = pollQueued();
      if (h == null) {
        return null; // still queued
      }
    }
    if (h != null) {
      PooledChannel ch = taken(h);
      if (ch != null && (ch = vet(ch)) != null) {
        return ch;
      }
    }
    return obtain(wake);
  }

  /**
   * Queued: what came since (a hand-off, a nudge, the end of the window), without I/O; null while
   * it stays queued. What it returns goes to {@link #advance} on the executor.
   */
  Handoff<PooledChannel> pollQueued() throws CheckoutException {
    checkStillWanted();
    return resumeQueued();
  }

  private Handoff<PooledChannel> resumeQueued() {
    Waiter<PooledChannel> w = queued;
    if (st.waiters().signalled(w)) { // handed something, or nudged to look again
      queued = null;
      return st.waiters().leave(w);
    }
    if (!lookedAfterWindow && System.nanoTime() - w.dueAt() >= 0) {
      lookedAfterWindow = true; // the window is over: look at the idle set once, as a thread does
      return lookWhileQueued();
    }
    return null;
  }

  /**
   * Queued: takes an idle connection, or a slot to open one, if one is there now, and leaves the
   * queue with it; else stays queued and returns null. No I/O.
   */
  private Handoff<PooledChannel> lookWhileQueued() {
    PooledChannel ch = connections.takeIdle(st);
    Handoff<PooledChannel> h =
        ch != null
            ? new Handoff.Channel<>(ch)
            : st.retired()
                ? Handoff.nothing()
                : reserve() == Result.RESERVED ? Handoff.slot() : null;
    if (h != null) {
      abandon();
    }
    return h;
  }

  /** Leaves the queue if queued, giving back whatever was handed over meanwhile. */
  void abandon() {
    Waiter<PooledChannel> w = queued;
    if (w != null) {
      queued = null;
      giveBack(st.waiters().leave(w));
    }
  }

  /** Gives back what {@link #firstLook} found and nobody used. */
  void giveBack(Handoff<PooledChannel> found) {
    connections.giveBackHanded(st, found);
  }

  /** Returns whether it waits in the queue now. */
  boolean isQueued() {
    return queued != null;
  }

  /** Returns when the fairness window of the queued caller ends. */
  long windowEnd() {
    return queued == null ? deadline : queued.dueAt();
  }

  /** Returns the checkout's deadline ({@link System#nanoTime()}). */
  long deadline() {
    return deadline;
  }

  /**
   * Serves a vetted connection: the lease, and the breaker's outcome. Past the deadline (an
   * asynchronous step that ran late) the connection goes back and the checkout times out instead: a
   * future completed after its deadline never holds a connection.
   */
  Lease serve(PooledChannel ch) throws CheckoutException {
    if (System.nanoTime() - deadline >= 0) {
      ch.openedForCheckout(false);
      connections.passOn(st, ch);
      checkStillWanted(); // throws: past the deadline
    }
    Lease lease = ctx.leases().leaseOut(st, ch, start, waited);
    recordOutcome(ch);
    return lease;
  }

  /** The checkout failed or was given up: the breaker's outcome without a connection. */
  void failed() {
    recordOutcome(null);
  }

  /** Fails the checkout at its deadline. */
  CheckoutException timedOut() {
    return failures.timeout(
        st,
        start,
        waited,
        "no connection within the checkout timeout of " + timeoutMillis + " ms",
        lastFailure);
  }

  /** Throws if the pool closed, the caller was interrupted or the deadline passed. */
  private void checkStillWanted() throws CheckoutException {
    ctx.lifecycle().ensureOpen("was closed during the checkout");
    if (Thread.currentThread().isInterrupted()) {
      throw failures.interrupted(st, start, lastFailure);
    }
    if (System.nanoTime() - deadline >= 0) {
      throw timedOut();
    }
  }

  /**
   * Queues behind earlier callers and parks until handed a connection or a slot, nudged, or out of
   * time.
   *
   * @return a connection, or null to look again
   */
  private PooledChannel await(Result why) throws CheckoutException {
    Waiter<PooledChannel> w = join(why, null);
    try {
      // Queued now: whatever comes back from here on is handed to us in turn. Look once more
      // for what came back before we joined and found nobody to go to.
      PooledChannel ch = connections.takeIdle(st);
      if (ch != null || st.retired()) {
        return ch;
      }
      if (reserve() == Result.RESERVED) {
        return open();
      }
      Handoff<PooledChannel> handed = parkThroughWindow(w);
      return handed == null ? lookAgainAfterWindow(w) : taken(handed);
    } finally {
      connections.giveBackHanded(st, st.waiters().leave(w));
    }
  }

  /** Joins the endpoint's queue: a parked thread, or with {@code wake} an asynchronous caller. */
  private Waiter<PooledChannel> join(Result why, Runnable wake) throws CheckoutException {
    long now = System.nanoTime();
    // the window, but never more than half of what is left of the deadline: a short checkout
    // timeout is not used up by callers going ahead
    long dueAt = now + Math.max(0, Math.min(ctx.fairnessWindowNanos(), (deadline - now) / 2));
    Waiter<PooledChannel> w =
        wake == null
            ? st.waiters().join(now, dueAt, deadline, ctx.maxWaiters())
            : st.waiters().joinAsync(now, dueAt, deadline, ctx.maxWaiters(), wake);
    if (w == null) {
      throw failures.exhausted(
          st,
          start,
          "pool exhausted and " + ctx.maxWaiters() + " callers already waiting",
          lastFailure);
    }
    waited = true;
    if (why == Result.GLOBAL_FULL) {
      // after joining: the return path of another endpoint, seeing us, closes a connection it
      // would keep idle, and the freed slot nudges us
      ctx.admission().heldBackGlobally(st);
    }
    return w;
  }

  /**
   * Parks until the end of this caller's fairness window (returns may go to the idle set meanwhile,
   * where later callers may take them), then, with nothing handed, returns null so that the caller
   * looks at the idle set itself. Without a window (or with the deadline inside it), parks until
   * the deadline.
   *
   * @return what was handed ({@link Handoff#nothing()} if nothing), or null at the end of the
   *     window
   */
  private Handoff<PooledChannel> parkThroughWindow(Waiter<PooledChannel> w) {
    long dueAt = w.dueAt();
    if (dueAt - w.since() <= 0) {
      return st.waiters().park(w, deadline);
    }
    Handoff<PooledChannel> handed = st.waiters().park(w, dueAt);
    return handed == Handoff.<PooledChannel>nothing() && System.nanoTime() - dueAt >= 0
        ? null
        : handed;
  }

  /**
   * This caller's window is over: take what sits idle (a connection returned while nobody had
   * waited the window), else park in turn until handed something or the deadline; from now on every
   * return comes to the queue.
   */
  private PooledChannel lookAgainAfterWindow(Waiter<PooledChannel> w) throws CheckoutException {
    checkStillWanted();
    PooledChannel ch = connections.takeIdle(st);
    if (ch != null || st.retired()) {
      return ch;
    }
    if (reserve() == Result.RESERVED) {
      return open();
    }
    return taken(st.waiters().park(w, deadline));
  }

  /**
   * Reserves a slot; with the pool at {@code maxTotal} (not this endpoint at its own limit),
   * reclaims the oldest idle connection of another endpoint first.
   */
  private Result reserve() {
    Result room = ctx.admission().tryReserve(st);
    if (room == Result.GLOBAL_FULL && ctx.reclaim().reclaimFor(st)) {
      room = ctx.admission().tryReserve(st);
    }
    return room;
  }

  /**
   * What a waiter was handed, put to use: a connection, or a slot to open one with; a failure of
   * the peer it was queued behind fails it at once.
   */
  private PooledChannel taken(Handoff<PooledChannel> handed) throws CheckoutException {
    if (handed instanceof Handoff.Channel<PooledChannel> given) {
      return given.channel();
    }
    if (handed instanceof Handoff.Failed<PooledChannel> failure) {
      lastFailure = failure.cause();
      throw failures.failed(
          st,
          start,
          "the peer failed the connect this checkout was queued behind ("
              + CheckoutFailures.connectSummary(failure.cause(), timeout)
              + "), and no capacity was left to try again within the deadline",
          failure.cause());
    }
    return handed == Handoff.<PooledChannel>slot() ? open() : null;
  }

  /**
   * Opens a connection with the slot this checkout holds; the slot goes back on failure. Past the
   * deadline (a slot handed over as it ran out), the slot goes back at once and nothing is tried.
   */
  private PooledChannel open() throws CheckoutException {
    long begin = System.nanoTime();
    if (begin - deadline >= 0) {
      ctx.admission().releaseUnopened(st);
      checkStillWanted(); // throws: past the deadline
    }
    try {
      PooledChannel ch = connections.connect(st, deadline);
      // connected, and answered if an initializer got a reply; if not, the handshake alone proves
      // nothing (a hung server's kernel completes it): the first exchange decides
      peerAnswered |= ch.openedForCheckout() && ch.replies().owed() == ReplyWatch.Owed.NOTHING;
      return ch;
    } catch (ChannelFactory.HookError e) {
      throw e.error();
    } catch (IOException e) {
      throw connectFailed(e, deadline - begin, begin);
    } catch (ChannelFactory.InitializerThrew e) {
      ctx.lifecycle().ensureOpen("was closed while connecting");
      throw failures.failed(st, start, "the initializer threw", e.getCause());
    } catch (RuntimeException e) {
      ctx.lifecycle().ensureOpen("was closed while connecting");
      throw failures.failed(st, start, "opening a connection failed", e);
    }
  }

  private CheckoutException connectFailed(IOException e, long budgetNanos, long begin) {
    ctx.lifecycle().ensureOpen("was closed while connecting");
    if (Thread.currentThread().isInterrupted()) {
      return failures.interrupted(st, start, e);
    }
    if (e instanceof LocalResourceException) { // the process's shortage, not the peer's fault
      return failures.failed(st, start, "cannot connect: a local resource ran out", e);
    }
    boolean callersDeadline = budgetNanos < ctx.connectTimeoutNanos();
    if (e instanceof SocketTimeoutException) {
      if (!callersDeadline) {
        blamePeer(e);
        ctx.admission().failFast(st, e, System.nanoTime() - begin);
      }
      return failures.timeout(st, start, waited, CheckoutFailures.connectSummary(e, timeout), e);
    }
    blamePeer(e);
    ctx.admission().failFast(st, e, System.nanoTime() - begin);
    return failures.failed(st, start, CheckoutFailures.connectSummary(e, timeout), e);
  }

  /**
   * The time rules and the probe for a reused connection, then a round trip if it was idle past the
   * validation window (or the peer is suspect).
   *
   * @return the connection, or null if it was destroyed (look again)
   */
  private PooledChannel vet(PooledChannel ch) throws CheckoutException {
    long now = System.nanoTime();
    return switch (vetWithoutIo(ch, now)) {
      case READY -> ch;
      case DESTROYED -> null;
      case ROUND_TRIP -> roundTrip(ch, now);
    };
  }

  /** What {@link #vetWithoutIo} found. */
  enum Vetted {
    /** Ready to serve: no round trip owed. */
    READY,
    /** Failed the time rules or the probe, and destroyed: look again. */
    DESTROYED,
    /** Passed the rules, but owes a validation round trip (I/O). */
    ROUND_TRIP
  }

  /**
   * The part of the vetting that does no blocking I/O: the time rules and the probe (one
   * non-blocking read) for a reused connection, a destroy if it fails them, and whether a round
   * trip is owed.
   */
  private Vetted vetWithoutIo(PooledChannel ch, long now) {
    boolean fresh = ch.openedForCheckout();
    if (!fresh) {
      // returned by a holder within the validation window: the time rules only, no probe (a
      // close that arrived meanwhile fails the next exchange before any reply byte: retryable)
      DestroyReason reason =
          ch.returnedClean()
                  && now - ch.lastUsedNanos() < ctx.validationWindowNanos()
                  && st.trustsRecentUse(now)
              ? ctx.rules().expired(ch, now)
              : ctx.rules().check(ch, now);
      if (reason != null) {
        connections.destroyActive(ch, reason);
        return Vetted.DESTROYED;
      }
    }
    return needsRoundTrip(ch, fresh, now) ? Vetted.ROUND_TRIP : Vetted.READY;
  }

  /** The validation round trip a connection owes, within the deadline. */
  private PooledChannel roundTrip(PooledChannel ch, long now) throws CheckoutException {
    boolean fresh = ch.openedForCheckout();
    if (now - deadline >= 0) { // handed over as the deadline ran out: no round trip after it
      ch.openedForCheckout(false);
      connections.passOn(st, ch);
      checkStillWanted(); // throws: past the deadline
    }
    long budget = Math.min(ctx.validationTimeoutNanos(), deadline - now);
    try {
      ctx.validator().validate(ch, Duration.ofNanos(Math.max(1, budget)));
      ch.checkHookLeftItClean("the validator");
      ch.exchangeComplete(); // a validator that returned has read its reply
      ch.replies().owed(ReplyWatch.Owed.NOTHING); // answered: the outcome is this checkout's
      peerAnswered = true;
      return ch;
    } catch (IOException e) {
      return validationFailed(ch, fresh, e, budget);
    } catch (RuntimeException | Error e) {
      connections.destroyActive(ch, DestroyReason.BROKEN);
      if (e instanceof Error err) {
        throw err;
      }
      throw failures.failed(st, start, "the validator threw", e);
    }
  }

  private boolean needsRoundTrip(PooledChannel ch, boolean fresh, long now) {
    if (ctx.validator() == Validator.NONE) {
      return false;
    }
    if (fresh) {
      return suspect;
    }
    return now - ch.lastUsedNanos() > ctx.validationWindowNanos()
        || breaker.getState() != CircuitBreaker.State.CLOSED;
  }

  private PooledChannel validationFailed(
      PooledChannel ch, boolean fresh, IOException e, long budget) throws CheckoutException {
    if (Thread.currentThread().isInterrupted()) {
      connections.destroyActive(ch, DestroyReason.ABANDONED);
      throw failures.interrupted(st, start, e);
    }
    // A validation cut short by the caller's deadline is the caller's, unless the peer sent no
    // byte for longer than it normally takes to answer (RoundTrip): then it is not answering.
    if (e instanceof SocketTimeoutException
        && budget < ctx.validationTimeoutNanos()
        && !ch.replies().noAnswerInLease()) {
      connections.destroyActive(ch, DestroyReason.ABANDONED); // our deadline, not the peer's fault
      throw failures.timeout(
          st,
          start,
          waited,
          "validation did not finish within the "
              + TimeUnit.NANOSECONDS.toMillis(budget)
              + " ms left of the checkout timeout of "
              + timeoutMillis
              + " ms (validationTimeout "
              + TimeUnit.NANOSECONDS.toMillis(ctx.validationTimeoutNanos())
              + " ms)",
          e);
    }
    blamePeer(e);
    suspect = true;
    connections.destroyActive(ch, DestroyReason.VALIDATION);
    if (fresh) {
      ctx.admission().failFast(st, e, budget);
      throw failures.failed(st, start, "a new connection failed validation too", e);
    }
    return null;
  }

  private void blamePeer(Throwable e) {
    peerFailed = true;
    lastFailure = e;
    st.peerFailed(e);
  }

  /**
   * The one breaker outcome of this checkout. A connection served without a round trip of this
   * checkout that still owes the outcome of its first exchange (only connected so far) takes the
   * permission along: that exchange decides ({@link PeerEvidence}).
   *
   * @param served the connection served, or null if the checkout failed
   */
  private void recordOutcome(PooledChannel served) {
    long took = System.nanoTime() - start;
    if (served == null) {
      if (peerFailed) {
        breaker.onError(took, TimeUnit.NANOSECONDS, lastFailure);
      } else {
        breaker.releasePermission();
      }
    } else if (peerAnswered) {
      breaker.onSuccess(took, TimeUnit.NANOSECONDS);
    } else if (served.replies().owed() != ReplyWatch.Owed.NOTHING) {
      served.replies().owed(ReplyWatch.Owed.PERMISSION);
    } else if (peerFailed) {
      breaker.onSuccess(took, TimeUnit.NANOSECONDS);
    } else {
      breaker.releasePermission();
    }
  }
}
