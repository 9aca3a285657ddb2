package io.sockpool.faults;

import io.sockpool.Endpoint;
import io.sockpool.EndpointStats;
import io.sockpool.SocketPool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Samples the pool's stats about once a millisecond while {@code running} and records every sample
 * that breaks a limit: per endpoint, connections held (created - destroyed) at most maxPerEndpoint;
 * in total, held connections at most maxTotal. Held is exact in a snapshot: created is read before
 * destroyed, so it never overstates. Two gauges are only recorded, not checked, because they are no
 * exact bound: active and idle are read one after the other (a connection returned in between
 * counts in both), and the waiting gauge includes callers that are being turned away at that
 * instant (it is incremented before the maxWaitersPerEndpoint check and decremented on rejection).
 */
final class InvariantSampler implements Runnable {
  private static final int MAX_RECORDED = 100;

  private final SocketPool pool;
  private final List<Endpoint> endpoints;
  private final int maxPerEndpoint;
  private final int maxTotal;
  private final AtomicBoolean running;
  private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
  private volatile long samples;
  private volatile long maxHeld;
  private volatile long maxTotalHeld;
  private volatile long maxWaiting;
  private volatile long maxStallNanos;

  InvariantSampler(
      SocketPool pool, List<Endpoint> endpoints, int maxPerEndpoint, AtomicBoolean running) {
    this.pool = pool;
    this.endpoints = List.copyOf(endpoints);
    this.maxPerEndpoint = maxPerEndpoint;
    this.maxTotal = pool.config().maxTotal();
    this.running = running;
  }

  @Override
  public void run() {
    while (running.get()) {
      sample();
      long before = System.nanoTime();
      LockSupport.parkNanos(1_000_000);
      // How much later than asked this thread got the CPU back: the machine's own stalls,
      // to compare with how late checkouts return.
      maxStallNanos = Math.max(maxStallNanos, System.nanoTime() - before - 1_000_000);
    }
  }

  void sample() {
    long total = 0;
    for (Endpoint e : endpoints) {
      EndpointStats s = pool.stats(e);
      long held = s.created() - s.destroyedTotal();
      total += held;
      maxHeld = Math.max(maxHeld, held);
      maxWaiting = Math.max(maxWaiting, s.waiting());
      check(held <= maxPerEndpoint, "held " + held + " > maxPerEndpoint: " + s);
    }
    maxTotalHeld = Math.max(maxTotalHeld, total);
    check(total <= maxTotal, "held " + total + " > maxTotal " + maxTotal);
    samples++;
  }

  private void check(boolean ok, String what) {
    if (!ok && violations.size() < MAX_RECORDED) {
      violations.add("sample " + samples + ": " + what);
    }
  }

  List<String> violations() {
    return new ArrayList<>(violations);
  }

  long samples() {
    return samples;
  }

  long maxHeld() {
    return maxHeld;
  }

  long maxTotal() {
    return maxTotalHeld;
  }

  long maxWaiting() {
    return maxWaiting;
  }

  /**
   * @return the longest this thread woke up late from a 1 ms park (scheduling, GC)
   */
  long maxStallNanos() {
    return maxStallNanos;
  }
}
