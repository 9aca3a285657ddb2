package io.sockpool.internal;

import io.sockpool.DestroyReason;
import io.sockpool.internal.io.Watchdog;
import io.sockpool.internal.resolve.Names;
import java.time.Duration;
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

  private final String poolName;
  private final Duration gracePeriod;
  private final Lifecycle lifecycle;
  private final ChannelFactory factory;
  private final Maintenance maintenance;
  private final SocketConnector connector;
  private final EndpointRegistry endpoints;
  private final Connections connections;
  private final Watchdog watchdog;
  private final Names names;
  private final AtomicBoolean started = new AtomicBoolean();
  private final CountDownLatch done = new CountDownLatch(1);

  /**
   * Takes what it closes, in the order it closes them.
   *
   * @param poolName the pool's name (for the log)
   * @param gracePeriod how long close waits for checked-out connections
   * @param lifecycle marked closed first; wakes this closer at each destroyed connection
   */
  Shutdown(
      String poolName,
      Duration gracePeriod,
      Lifecycle lifecycle,
      ChannelFactory factory,
      Maintenance maintenance,
      SocketConnector connector,
      EndpointRegistry endpoints,
      Connections connections,
      Watchdog watchdog,
      Names names) {
    this.poolName = poolName;
    this.gracePeriod = gracePeriod;
    this.lifecycle = lifecycle;
    this.factory = factory;
    this.maintenance = maintenance;
    this.connector = connector;
    this.endpoints = endpoints;
    this.connections = connections;
    this.watchdog = watchdog;
    this.names = names;
  }

  void run() {
    if (!started.compareAndSet(false, true)) {
      awaitDone();
      return;
    }
    boolean interrupted = Thread.interrupted(); // close() always completes; the flag is restored
    try {
      lifecycle.closingBy(Thread.currentThread());
      factory.closing();
      maintenance.stop();
      connector.abortPending();
      for (EndpointState st : endpoints.all()) {
        st.waiters().nudgeAll();
      }
      connections.clearIdle();
      for (EndpointState st : endpoints.all()) {
        HotSlots.destroy(
            st, ch -> true, DestroyReason.CLOSED, connections); // idle too, though allocated
      }
      awaitReturned(System.nanoTime() + gracePeriod.toNanos());
      forceClose();
      watchdog.stop(); // nothing is in I/O any more: every connection is closed
      connections.close();
      maintenance.awaitStopped();
      awaitWatchdog();
      names.close();
      endpoints.closed(); // listeners hear endpointRemoved; the stats stay readable
    } finally {
      lifecycle.closeDone();
      done.countDown();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void awaitWatchdog() {
    try {
      watchdog.awaitStopped(2000);
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
    while (connections.allocated() > 0) {
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
    for (EndpointState st : endpoints.all()) {
      for (PooledChannel ch : st.channels()) {
        ch.abort(); // wakes a holder blocked in a timed wait
        if (ch.inPool()) {
          connections.destroyActive(ch, DestroyReason.CLOSED);
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
          poolName,
          forced,
          gracePeriod.toMillis());
    }
  }
}
