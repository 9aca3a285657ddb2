package io.sockpool.testkit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A {@link FakePeer}'s count of open connections, kept exactly on every accept and close, with the
 * peak and a wait for the count to drop. Thread-safe.
 */
final class OpenConnections {
  private int open; // guarded by this
  private int peak; // guarded by this

  synchronized void opened() {
    open++;
    peak = Math.max(peak, open);
  }

  synchronized void closed() {
    open--;
    notifyAll();
  }

  synchronized int now() {
    return open;
  }

  synchronized int peak() {
    return peak;
  }

  synchronized void resetPeak() {
    peak = open;
  }

  synchronized boolean awaitAtMost(int max, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (open > max) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }
}
