package io.sockpool.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.sockpool.PoolConfig;
import io.sockpool.internal.queue.Admission;
import io.sockpool.internal.resolve.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool's own background work, on its own named threads (never commons-pool2's evictor, which is
 * one thread shared by every pool in the JVM):
 *
 * <ul>
 *   <li>{@code <pool>-evictor}: every evictionInterval, commons-pool2's {@code evict()} with {@link
 *       EvictionRules} (and the validator if background validation is on), leak detection, due
 *       re-resolutions of host names (started, not waited for), and a wake-up for waiters as a
 *       safety net;
 *   <li>{@code <pool>-connector-N}: opens connections ahead of demand (min-idle and {@code warmUp})
 *       in parallel, one task per endpoint at a time, so a slow peer's connect never holds up
 *       eviction or another endpoint.
 * </ul>
 */
final class Maintenance {
  private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);

  private final PoolConfig config;
  private final Lifecycle lifecycle;
  private final EndpointRegistry endpoints;
  private final Connections connections;
  private final HotSlots hot;
  private final Names names;
  private final Admission admission;
  private final ScheduledExecutorService evictor;
  private final ExecutorService connectors;
  private final long leakNanos;
  private volatile int minIdle; // resize() changes it

  /**
   * Starts the evictor thread.
   *
   * @param config the intervals, limits and timeouts
   * @param lifecycle whether the pool is closed (then a pass does nothing)
   * @param endpoints the endpoints to maintain
   * @param connections the idle set: evicted, counted, filled ahead of demand
   * @param hot the hot slots, cooled into the idle set at each pass
   * @param names the host names, re-resolved when due
   * @param admission the capacity a connection opened ahead of demand takes
   */
  Maintenance(
      PoolConfig config,
      Lifecycle lifecycle,
      EndpointRegistry endpoints,
      Connections connections,
      HotSlots hot,
      Names names,
      Admission admission) {
    this.config = config;
    this.lifecycle = lifecycle;
    this.endpoints = endpoints;
    this.connections = connections;
    this.hot = hot;
    this.names = names;
    this.admission = admission;
    this.minIdle = config.minIdlePerEndpoint();
    this.leakNanos =
        config.leakDetectionThreshold().map(java.time.Duration::toNanos).orElse(Long.MAX_VALUE);
    ScheduledThreadPoolExecutor ev =
        new ScheduledThreadPoolExecutor(1, named(config.poolName() + "-evictor"));
    ev.setRemoveOnCancelPolicy(true);
    this.evictor = ev;
    this.connectors =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            10,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            named(config.poolName() + "-connector"));
    long period = config.evictionInterval().toNanos();
    // run() catches and logs its own failures, so nothing needs the schedule's future
    ScheduledFuture<?> unused =
        evictor.scheduleWithFixedDelay(this::run, period, period, TimeUnit.NANOSECONDS);
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t =
          new Thread(r, prefix.endsWith("evictor") ? prefix : prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** One maintenance pass; never throws. */
  void run() {
    try {
      if (lifecycle.isClosed()) {
        return;
      }
      long cooled = System.nanoTime();
      for (EndpointState st : endpoints.all()) {
        hot.cool(st, cooled); // into commons-pool2, where eviction applies
        st.breakerChanged(); // the fast path's copy of the breaker's state, checked each pass
      }
      step("eviction", connections::evictIdle); // a failure here must not stop the rest
      long now = System.nanoTime();
      names.refreshDue(now); // starts due re-resolutions; never waits for DNS
      for (EndpointState st : endpoints.all()) {
        step("leak detection", () -> detectLeaks(st, now));
        step("min-idle", () -> replenish(st));
      }
      endpoints.forgetIdle(now - config.idleTimeout().toNanos());
    } catch (Throwable e) { // the evictor survives anything: the next pass runs as usual
      LOG.warn("maintenance of pool '{}' failed: {}", config.poolName(), e.toString(), e);
    }
  }

  /** Runs one step of a maintenance pass; whatever it throws is logged, and the pass goes on. */
  private void step(String what, Runnable step) {
    try {
      step.run();
    } catch (Throwable e) { // an Error from a hook or a listener included
      LOG.warn("{} in pool '{}' failed: {}", what, config.poolName(), e.toString(), e);
    }
  }

  private void detectLeaks(EndpointState st, long now) {
    if (leakNanos == Long.MAX_VALUE) {
      return;
    }
    for (PooledChannel ch : st.channels()) {
      Lease lease = ch.lease();
      if (lease != null && now - lease.checkoutNanos() > leakNanos && lease.markLeakReported()) {
        LOG.warn(
            "Possible connection leak in pool '{}': connection to {} held by thread '{}' for {} ms "
                + "(leakDetectionThreshold {} ms); it was checked out here:",
            config.poolName(),
            st.endpoint(),
            lease.holder(),
            java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(now - lease.checkoutNanos()),
            java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(leakNanos),
            lease.checkoutTrace());
      }
    }
  }

  private void replenish(EndpointState st) {
    if (minIdle == 0 || st.breaker().getState() != CircuitBreaker.State.CLOSED || !needsMore(st)) {
      return;
    }
    if (!st.startReplenishing()) {
      return;
    }
    try {
      connectors.execute(
          () -> {
            try {
              while (!lifecycle.isClosed()
                  && needsMore(st)
                  && st.breaker().getState() == CircuitBreaker.State.CLOSED
                  && openAhead(st)) {
                // one more idle connection; waiters were handed it if any
              }
            } catch (Throwable e) { // the connector thread survives; the next pass retries
              LOG.warn("min-idle refill of {} failed: {}", st.endpoint(), e.toString(), e);
            } finally {
              st.replenishingDone();
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      st.replenishingDone();
    }
  }

  private boolean needsMore(EndpointState st) {
    int idle = connections.idle(st.endpoint());
    return idle < minIdle && idle + connections.active(st.endpoint()) < admission.maxPerEndpoint();
  }

  /**
   * Opens up to {@code count} connections to the endpoint, at most {@code maxConnectingPerEndpoint}
   * at a time, each bounded by the connect timeout, and waits for them.
   *
   * @return how many were opened
   */
  int warmUp(EndpointState st, int count) {
    int n = Math.min(count, admission.maxPerEndpoint());
    int parallel = Math.max(1, Math.min(n, admission.maxConnecting()));
    Throwable failedBefore = st.lastFailure();
    AtomicInteger left = new AtomicInteger(n);
    List<Future<Integer>> tasks = new ArrayList<>(parallel);
    for (int i = 0; i < parallel && n > 0; i++) {
      tasks.add(
          connectors.submit(
              () -> {
                int made = 0;
                while (left.getAndDecrement() > 0 && !lifecycle.isClosed()) {
                  made += openAhead(st) ? 1 : 0;
                }
                return made;
              }));
    }
    int opened = 0;
    long rounds = ((long) n + parallel - 1) / parallel;
    long deadline = System.nanoTime() + config.connectTimeout().toNanos() * 2 * Math.max(1, rounds);
    for (Future<Integer> f : tasks) {
      try {
        opened += f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (ExecutionException | TimeoutException e) {
        LOG.debug("warm-up of {} did not open a connection: {}", st.endpoint(), e.toString());
      }
    }
    Throwable failed = st.lastFailure();
    if (opened < n && failed != failedBefore && !lifecycle.isClosed()) {
      LOG.warn(
          "pool '{}': warm-up of {} opened {} of {} connections; each failed connect counts"
              + " against its circuit breaker; last failure: {}",
          config.poolName(),
          st.endpoint(),
          opened,
          n,
          failed.toString());
    }
    return opened;
  }

  /** Changes the idle connections kept per endpoint (the next pass tops them up). */
  void minIdle(int perEndpoint) {
    this.minIdle = perEndpoint;
  }

  void stop() {
    evictor.shutdownNow();
  }

  void awaitStopped() {
    connectors.shutdownNow();
    try {
      if (!evictor.awaitTermination(2, TimeUnit.SECONDS)
          || !connectors.awaitTermination(
              config.connectTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
        LOG.warn("pool '{}': background threads did not stop in time", config.poolName());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A connect ahead of demand failed: only the peer's failure counts against its breaker, not a
   * closed pool, a local shortage (descriptors, buffers, memory) or a hook's {@link Error}.
   */
  private void failedAhead(EndpointState st, Throwable e, long start) {
    if (lifecycle.isClosed() || e instanceof IllegalStateException) {
      return;
    }
    if (e instanceof LocalResourceException
        || e instanceof Error
        || e instanceof ChannelFactory.HookError) {
      LOG.warn(
          "could not open a connection to {} ahead of demand (not the peer's fault): {}",
          st.endpoint(),
          e.toString());
      return;
    }
    st.breaker().onError(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS, e);
    st.peerFailed(e);
    admission.failFast(st, e, System.nanoTime() - start);
    LOG.debug("could not open a connection to {} ahead of demand: {}", st.endpoint(), e.toString());
  }

  /**
   * Opens one connection into the idle set ahead of demand, bounded by the connect timeout, in this
   * thread. Counts its outcome on the breaker.
   *
   * @return whether a connection was opened
   */
  boolean openAhead(EndpointState st) {
    if (lifecycle.isClosed() || admission.tryReserve(st) != Admission.Result.RESERVED) {
      return false;
    }
    long start = System.nanoTime();
    CreatePermit permit =
        CreatePermit.current().arm(st, start + config.connectTimeout().toNanos(), false);
    Throwable e;
    try {
      e = connections.addIdle(st);
    } catch (Throwable unexpected) { // an Error outside the hooks: the slot still goes back
      e = unexpected;
    }
    // no breaker success yet for a connection made: it owes its first exchange's outcome
    if (permit.disarm() == null) {
      admission.releaseUnopened(st);
    } else {
      admission.connectDone(st);
    }
    if (e != null) {
      failedAhead(st, e, start);
      return false;
    }
    if (st.waiters().size() > 0) {
      PooledChannel idle = connections.takeIdle(st);
      if (idle != null) {
        connections.passOn(st, idle);
      }
    }
    return true;
  }
}
