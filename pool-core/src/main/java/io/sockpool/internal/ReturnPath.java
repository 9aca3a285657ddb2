package io.sockpool.internal;

import io.sockpool.DestroyReason;
import io.sockpool.internal.metrics.Listeners;
import io.sockpool.internal.queue.Affinity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The return path: a clean connection goes to the longest waiter (once it has waited the fairness
 * window) or the idle set, anything else is destroyed. {@link #verdict} is the one place that says
 * what "clean" means. What the pool can know: the holder's own I/O errors and timeouts (broken), a
 * request written without the reply declared complete ({@link
 * io.sockpool.Connection#exchangeComplete}), bytes already waiting or a close already received (the
 * probe: one non-blocking read, skipped when the holder's last read found the socket drained), and
 * the lifetime. What it cannot know: the rest of a reply that has not arrived yet, which is why an
 * undeclared exchange is never reused.
 */
final class ReturnPath {
  private static final Logger LOG = LoggerFactory.getLogger(ReturnPath.class);

  private final String poolName;
  private final Lifecycle lifecycle;
  private final Listeners listeners;
  private final Connections connections;
  private final HotSlots hot;
  private final long validationWindowNanos;
  private final io.sockpool.internal.queue.Admission admission;

  /**
   * @param poolName the pool's name (for messages)
   * @param lifecycle whether the pool is closed (then nothing is kept)
   * @param listeners told of each return
   * @param connections where a connection is destroyed, or goes to the idle set
   * @param hot where a thread that comes straight back keeps its connection
   * @param validationWindowNanos how long an endpoint whose peer closed a connection is distrusted
   * @param admission the limits: a connection coming back over a lowered one is closed
   */
  ReturnPath(
      String poolName,
      Lifecycle lifecycle,
      Listeners listeners,
      Connections connections,
      HotSlots hot,
      long validationWindowNanos,
      io.sockpool.internal.queue.Admission admission) {
    this.poolName = poolName;
    this.lifecycle = lifecycle;
    this.listeners = listeners;
    this.connections = connections;
    this.hot = hot;
    this.validationWindowNanos = validationWindowNanos;
    this.admission = admission;
  }

  /** Returns the name of the pool this path returns to (for messages). */
  String poolName() {
    return poolName;
  }

  /** Keeps the connection only if it is clean. Idempotent per lease. */
  void giveBack(Lease lease) {
    giveBack(lease, System.nanoTime());
  }

  /**
   * {@link #giveBack(Lease)} at a time the caller read (a group's lease reads the clock once for
   * its own latency and the return).
   *
   * @param now {@link System#nanoTime()} just now
   * @return true if this call returned the lease, false if it had been returned before
   */
  boolean giveBack(Lease lease, long now) {
    if (!lease.finish()) {
      return false;
    }
    PooledChannel ch = lease.pooledChannel();
    listeners.returned(ch.state(), now, now - lease.checkoutNanos());
    PeerEvidence.leaseEnded(ch, now - lease.checkoutNanos());
    // finish() above, then this look (Dekker with the holder's call): a call that passed its lease
    // check is seen here, and then whatever it reads or writes belongs to a destroyed connection
    DestroyReason reason =
        lease.callUnderWay() ? DestroyReason.BROKEN : verdict(ch, lifecycle.isClosed(), now);
    if (reason == DestroyReason.BROKEN) {
      distrustIfPeerClosed(ch, now);
    }
    ch.lease(null);
    if (reason == null && admission.overLimit(ch.state())) {
      reason = DestroyReason.IDLE; // the limits were lowered (resize): over them, it is not kept
    }
    if (reason != null) {
      if (reason == DestroyReason.DIRTY) {
        LOG.debug("connection to {} returned with unread bytes: destroyed", ch.endpoint());
      }
      connections.destroyActive(ch, reason);
      return true;
    }
    ch.touch(now);
    ch.markReturnedClean();
    EndpointState st = ch.state();
    st.active(now);
    // a thread that comes straight back keeps its connection hot until a waiter has waited the
    // fairness window; any other return goes to the longest waiter at once, or the idle set
    Affinity aff = hot.affinity();
    boolean quick = aff.returning(now);
    if (!st.nobodyWaits() && st.waiters().handOffIfDue(ch, now, !quick)) { // count in the state
      return true;
    }
    if (quick) {
      if (!connections.closedForOthers(st, ch)) {
        hot.keep(aff, st, ch, now);
      }
    } else {
      connections.returnIdle(st, ch);
    }
    return true;
  }

  /** Destroys the connection of the lease. Idempotent per lease. */
  void invalidate(Lease lease) {
    invalidate(lease, System.nanoTime());
  }

  /**
   * {@link #invalidate(Lease)} at a time the caller read.
   *
   * @param now {@link System#nanoTime()} just now
   * @return true if this call ended the lease, false if it had ended before
   */
  boolean invalidate(Lease lease, long now) {
    if (!lease.finish()) {
      return false;
    }
    PooledChannel ch = lease.pooledChannel();
    listeners.returned(ch.state(), now, now - lease.checkoutNanos());
    PeerEvidence.leaseEnded(ch, now - lease.checkoutNanos());
    distrustIfPeerClosed(ch, now);
    ch.lease(null);
    connections.destroyActive(ch, DestroyReason.BROKEN);
    return true;
  }

  /**
   * An exchange that died before any reply byte means the peer closed the connection while it sat
   * idle, and maybe its other connections too (a restart, CLIENT KILL): for the next validation
   * window every reused connection of the endpoint is probed on borrow, so a retry does not meet
   * another dead one.
   */
  private void distrustIfPeerClosed(PooledChannel ch, long now) {
    if (ch.diedBeforeReply()) {
      ch.state().distrustRecentUseUntil(now + validationWindowNanos);
    }
  }

  /**
   * Returns why it must be destroyed, or null to keep it.
   *
   * @param ch the connection coming back, still leased
   * @param poolClosed whether the pool is closed
   * @param nowNanos the current {@link System#nanoTime()}
   */
  static DestroyReason verdict(PooledChannel ch, boolean poolClosed, long nowNanos) {
    if (ch.isBroken()) {
      return DestroyReason.BROKEN;
    }
    if (ch.exchangeOpen()) {
      return DestroyReason.INCOMPLETE_EXCHANGE;
    }
    if (poolClosed) {
      return DestroyReason.CLOSED;
    }
    if (ch.isRetired()) {
      return DestroyReason.RETIRED;
    }
    if (nowNanos - ch.expiresNanos() >= 0) {
      return DestroyReason.LIFETIME;
    }
    if (ch.hasReadAhead()) {
      return DestroyReason.DIRTY; // the peer sent more than the holder read: no system call
    }
    if (!ch.mayHaveUnread()) {
      return null; // the last read drained the socket, or there was no exchange: no probe
    }
    return switch (ch.unreadCheck()) {
      case ALIVE -> null;
      case UNREAD_BYTES -> DestroyReason.DIRTY;
      default -> DestroyReason.VALIDATION;
    };
  }
}
