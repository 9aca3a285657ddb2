package io.sockpool.internal;

import io.sockpool.DestroyReason;
import io.sockpool.internal.queue.Affinity;
import io.sockpool.internal.queue.Handoff;
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

  private final KeyedChannelPool owner;

  ReturnPath(KeyedChannelPool owner) {
    this.owner = owner;
  }

  /** Returns the name of the pool this path returns to (for messages). */
  String poolName() {
    return owner.name();
  }

  /** Keeps the connection only if it is clean. Idempotent per lease. */
  void giveBack(Lease lease) {
    if (!lease.finish()) {
      return;
    }
    PooledChannel ch = lease.pooledChannel();
    long now = System.nanoTime();
    owner.listeners().returned(ch.state(), now, now - lease.checkoutNanos());
    DestroyReason reason = verdict(ch, owner.isClosed(), now);
    if (reason == DestroyReason.BROKEN) {
      distrustIfPeerClosed(ch, now);
    }
    ch.lease(null);
    if (reason != null) {
      if (reason == DestroyReason.DIRTY) {
        LOG.debug("connection to {} returned with unread bytes: destroyed", ch.endpoint());
      }
      owner.destroyActive(ch, reason);
      return;
    }
    ch.touch(now);
    ch.markReturnedClean();
    EndpointState st = ch.state();
    st.active(now);
    // a thread that comes straight back keeps its connection hot until a waiter has waited the
    // fairness window; any other return goes to the longest waiter at once, or the idle set
    Affinity aff = owner.affinity();
    boolean quick = aff.returning(now);
    if (st.waiters().handOffIfDue(ch, now, !quick)) {
      return;
    }
    if (quick) {
      owner.hot().keep(aff, st, ch, now);
    } else {
      returnIdle(st, ch);
    }
  }

  /** Destroys the connection of the lease. Idempotent per lease. */
  void invalidate(Lease lease) {
    if (!lease.finish()) {
      return;
    }
    PooledChannel ch = lease.pooledChannel();
    long now = System.nanoTime();
    owner.listeners().returned(ch.state(), now, now - lease.checkoutNanos());
    distrustIfPeerClosed(ch, now);
    ch.lease(null);
    owner.destroyActive(ch, DestroyReason.BROKEN);
  }

  /**
   * An exchange that died before any reply byte means the peer closed the connection while it sat
   * idle, and maybe its other connections too (a restart, CLIENT KILL): for the next validation
   * window every reused connection of the endpoint is probed on borrow, so a retry does not meet
   * another dead one.
   */
  private void distrustIfPeerClosed(PooledChannel ch, long now) {
    if (ch.diedBeforeReply()) {
      ch.state().distrustRecentUseUntil(now + owner.validationWindowNanos());
    }
  }

  /** Gives back what was handed to a waiter that left without it. */
  void giveBackHanded(EndpointState st, Handoff<PooledChannel> handed) {
    if (handed == Handoff.<PooledChannel>slot()) {
      owner.admission().release(st);
    } else if (handed instanceof Handoff.Channel<PooledChannel> given) {
      passOn(st, given.channel());
    }
  }

  /**
   * Passes on a clean connection nobody holds (a hot one taken back, one a waiter left without): to
   * the longest waiter, else to the idle set; destroyed if the pool is closed.
   */
  void passOn(EndpointState st, PooledChannel ch) {
    if (owner.isClosed()) {
      owner.destroyActive(ch, DestroyReason.CLOSED);
    } else if (!st.waiters().handOff(ch)) {
      returnIdle(st, ch);
    }
  }

  /**
   * Puts a clean connection into the idle set, then looks at the waiters once more: one may have
   * joined, or become due, after the hand-off declined, and a waiter that already looked at the
   * idle set parks until handed something.
   */
  private void returnIdle(EndpointState st, PooledChannel ch) {
    try {
      owner.commons().returnObject(st.endpoint(), ch);
    } catch (IllegalStateException e) {
      owner.destroyActive(ch, DestroyReason.CLOSED);
      return;
    }
    for (int round = 0; round < 4 && st.waiters().size() > 0; round++) {
      PooledChannel idle = owner.takeIdle(st);
      if (idle == null) {
        return;
      }
      if (!st.waiters().handOff(idle)) {
        owner.commons().returnObject(st.endpoint(), idle);
      }
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
