package io.sockpool.internal;

import io.sockpool.DestroyReason;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closing a pool, atomically and once: the first caller does the work, concurrent callers return
 * when it has finished. In order: refuse new checkouts, abort connects under way, wake every
 * waiter, close idle connections, wait up to the grace period for checked-out ones (parked, woken
 * by each destroy; an interrupt neither cuts the wait short nor turns it into a spin, and the flag
 * is restored), close the rest by force, stop the pool's threads.
 */
final class Shutdown {
  private static final Logger LOG = LoggerFactory.getLogger(Shutdown.class);

  private final KeyedChannelPool owner;
  private final AtomicBoolean started = new AtomicBoolean();
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile Thread closer;

  Shutdown(KeyedChannelPool owner) {
    this.owner = owner;
  }

  /** Wakes the closing thread, if any, to look at what is still checked out. */
  void connectionGone() {
    Thread c = closer;
    if (c != null) {
      LockSupport.unpark(c);
    }
  }

  void run() {
    if (!started.compareAndSet(false, true)) {
      awaitDone();
      return;
    }
    boolean interrupted = Thread.interrupted(); // close() always completes; the flag is restored
    try {
      closer = Thread.currentThread();
      owner.markClosed();
      owner.factory().closing();
      owner.maintenance().stop();
      owner.connector().abortPending();
      for (EndpointState st : owner.endpoints().all()) {
        st.waiters().nudgeAll();
      }
      owner.commons().clear();
      for (EndpointState st : owner.endpoints().all()) {
        owner.hot().destroy(st, ch -> true, DestroyReason.CLOSED); // idle too, though allocated
      }
      awaitReturned(System.nanoTime() + owner.config().closeGracePeriod().toNanos());
      forceClose();
      owner.watchdog().stop(); // nothing is in I/O any more: every connection is closed
      owner.commons().close();
      owner.maintenance().awaitStopped();
      awaitWatchdog();
      owner.names().close();
      owner.endpoints().closed(); // listeners hear endpointRemoved; the stats stay readable
    } finally {
      closer = null;
      done.countDown();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void awaitWatchdog() {
    try {
      owner.watchdog().awaitStopped(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // restored by the caller's finally as well
    }
  }

  private void awaitDone() {
    boolean interrupted = false;
    while (true) {
      try {
        done.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Parks (woken by each destroy) until nothing is checked out or the grace period ends. */
  private void awaitReturned(long graceEndNanos) {
    while (owner.commons().getNumActive() > 0) {
      long left = graceEndNanos - System.nanoTime();
      if (left <= 0) {
        return;
      }
      LockSupport.parkNanos(this, left);
      Thread.interrupted(); // an interrupt must not turn this wait into a spin
    }
  }

  /** Closes whatever is still open after the grace period, connects under way included. */
  private void forceClose() {
    int forced = 0;
    for (EndpointState st : owner.endpoints().all()) {
      for (PooledChannel ch : st.channels()) {
        ch.abort(); // wakes a holder blocked in a timed wait
        if (ch.inPool()) {
          owner.destroyActive(ch, DestroyReason.CLOSED);
        } else {
          ch.closeQuietly(); // still connecting: its checkout fails and gives the slot back
        }
        forced++;
      }
    }
    if (forced > 0) {
      LOG.warn(
          "pool '{}' closed {} connection(s) still checked out or connecting after the grace "
              + "period of {} ms",
          owner.name(),
          forced,
          owner.config().closeGracePeriod().toMillis());
    }
  }
}
