package io.sockpool.internal;

import io.sockpool.Endpoint;
import io.sockpool.internal.metrics.RoundTrip;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * What the peer did with the requests written on one connection: whether a request is still waiting
 * for its first reply byte, how long replies take (fed to the endpoint's {@link RoundTrip}), and,
 * for the current lease, whether a reply arrived and the longest a timed-out read waited with no
 * reply byte at all. The return path turns that into breaker evidence; {@code execute} into whether
 * the operation's exchange is complete.
 *
 * <p>{@link PooledChannel}'s superclass, so that these fields sit in the connection's own object: a
 * checkout and a return of a connection last used 10,000 checkouts ago (1,000 endpoints) load one
 * object fewer. Used by the connection's one user at a time, like {@link PooledChannel}. Costs an
 * exchange one clock read of its own (at the reply's first byte; the request's time is the write's
 * own clock read, taken for its deadline); the endpoint's estimate is written only when a reply is
 * slower than normal, or on every 8th reply of a connection.
 */
abstract class ReplyWatch {
  private static final RoundTrip UNMEASURED = new RoundTrip(); // until the connection has a state

  private RoundTrip roundTrip = UNMEASURED;
  private boolean awaiting;
  private long wroteAtNanos;
  private int replies;
  private boolean repliedInLease;
  private long noAnswerNanos;
  private Owed owed = Owed.OUTCOME;

  /** What the connection still owes its endpoint's breaker. */
  enum Owed {
    /** Nothing: an exchange on it got an answer, or the outcome was recorded. */
    NOTHING,
    /** The outcome of its first exchange (it was only connected: the handshake is the kernel's). */
    OUTCOME,
    /**
     * That outcome, and the breaker permission of the checkout that served it is waiting for it.
     */
    PERMISSION
  }

  /** For {@link PooledChannel}. */
  ReplyWatch() {
    // nothing measured yet
  }

  /**
   * @param endpointRoundTrip the estimate of the endpoint this connection belongs to
   */
  final void roundTrip(RoundTrip endpointRoundTrip) {
    roundTrip = endpointRoundTrip;
  }

  /**
   * @return the endpoint's estimate
   */
  final RoundTrip roundTrip() {
    return roundTrip;
  }

  /** A new lease (or the end of a hook's exchange): the per-lease evidence starts afresh. */
  final void newLease() {
    awaiting = false;
    repliedInLease = false;
    noAnswerNanos = 0;
  }

  /**
   * A request went out: the first write since the last reply byte starts the clock.
   *
   * @param startedNanos when the write started (the caller's clock read for its deadline)
   */
  final void wrote(long startedNanos) {
    if (!awaiting) {
      awaiting = true;
      wroteAtNanos = startedNanos;
    }
  }

  /** A read returned {@code n} bytes. */
  final void replyBytes(int n) {
    if (n <= 0 || !awaiting) {
      return;
    }
    awaiting = false;
    repliedInLease = true;
    long took = System.nanoTime() - wroteAtNanos;
    if (replies++ == 0 || (replies & 7) == 0 || took >= roundTrip.normalNanos()) {
      roundTrip.sample(took);
    }
  }

  /**
   * A read timed out. Notes how long the request had gone without any reply byte, and gives the
   * exception the caller gets: the same message with what is known about the reply, and without the
   * close that ended the blocked call as a cause (that close is the timeout itself).
   *
   * <p>The wait that counts is up to the read's deadline, not up to when the timeout was noticed:
   * on a busy machine the timeout may fire late, and the peer is judged by the time it was given.
   *
   * @param e the timeout of the timed I/O layer
   * @param endpoint for the message
   * @param deadlineNanos the read's deadline
   * @return the exception to throw
   */
  final SocketTimeoutException timedOut(
      SocketTimeoutException e, Endpoint endpoint, long deadlineNanos) {
    String what;
    if (awaiting) {
      long now = System.nanoTime();
      long waited = now - wroteAtNanos;
      long given = (now - deadlineNanos > 0 ? deadlineNanos : now) - wroteAtNanos;
      noAnswerNanos = Math.max(noAnswerNanos, given);
      what =
          ": no byte of the reply "
              + TimeUnit.NANOSECONDS.toMillis(waited)
              + " ms after the request (the endpoint normally answers in "
              + roundTrip
              + ")";
    } else {
      what = " with the reply incomplete";
    }
    SocketTimeoutException t = new SocketTimeoutException(e.getMessage() + what);
    t.setStackTrace(e.getStackTrace());
    return t;
  }

  /**
   * @return what the connection owes its endpoint's breaker
   */
  final Owed owed() {
    return owed;
  }

  /**
   * @param value what it owes from now on
   */
  final void owed(Owed value) {
    owed = value;
  }

  /**
   * @return whether any reply byte ever arrived on the connection (an initializer's, a validator's,
   *     a holder's)
   */
  final boolean everReplied() {
    return replies > 0;
  }

  /**
   * @return whether, in this lease, a read timed out with no reply byte at all since the request
   *     (however short the wait)
   */
  final boolean silentInLease() {
    return noAnswerNanos > 0;
  }

  /**
   * @return whether a request was written and no reply byte has arrived since
   */
  final boolean awaitingReply() {
    return awaiting;
  }

  /**
   * @return whether, in this lease, a reply byte arrived after a request
   */
  final boolean repliedInLease() {
    return repliedInLease;
  }

  /**
   * @return whether, in this lease, a read timed out after the request had gone without any reply
   *     byte for at least the endpoint's no-answer bound ({@link RoundTrip#noAnswerBoundNanos()})
   */
  final boolean noAnswerInLease() {
    return noAnswerNanos > 0 && roundTrip.isNoAnswer(noAnswerNanos);
  }
}
