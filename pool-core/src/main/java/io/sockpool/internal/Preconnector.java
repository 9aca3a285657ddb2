package io.sockpool.internal;

import io.sockpool.Endpoint;
import io.sockpool.PoolListener;
import io.sockpool.PreconnectPolicy;
import io.sockpool.internal.metrics.TrafficRecorder;
import io.sockpool.sizing.ErlangC;
import io.sockpool.sizing.TrafficSample;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Predictive preconnect: every {@link PreconnectPolicy#interval()}, for each endpoint with recent
 * checkouts, the Erlang C size for the policy's wait target from the arrival rate and mean hold
 * time measured over {@link PreconnectPolicy#window()}, bounded by the endpoint's limit; if fewer
 * connections are open or connecting, it opens the difference into the idle set, at most {@code
 * maxConnectingPerEndpoint} at once (one batch per endpoint at a time, on {@code
 * <pool>-preconnect-N} threads). A failed connect pauses the endpoint for a backoff with jitter. It
 * never closes anything: idle eviction scales the pool down when the load falls.
 */
public final class Preconnector implements PoolListener {
  private static final Logger LOG = LoggerFactory.getLogger(Preconnector.class);

  /** What preconnect needs of the pool (the engine's composition root implements it). */
  public interface Pool {
    /** Returns the pool's name. */
    String name();

    /** Returns the limit per endpoint now. */
    int maxPerEndpoint();

    /** Returns the limit on connects in flight per endpoint. */
    int maxConnecting();

    /** Returns connections open or connecting to the endpoint. */
    int openOrConnecting(Endpoint endpoint);

    /** Returns the endpoint's connects in flight. */
    int connectsInFlight(Endpoint endpoint);

    /** Opens up to {@code count} connections ahead of demand; returns how many. */
    int openAhead(Endpoint endpoint, int count);

    /** Returns the listeners, to hear checkouts and returns. */
    io.sockpool.internal.metrics.Listeners listeners();
  }

  private final Pool pool;
  private final PreconnectPolicy policy;
  private final TrafficRecorder traffic;
  private final Map<Endpoint, Target> targets = new ConcurrentHashMap<>();
  private final ScheduledThreadPoolExecutor ticker;
  private final ExecutorService connectors;
  private final AtomicLong opened = new AtomicLong();

  /**
   * Starts preconnecting for the pool.
   *
   * @param pool the engine
   * @param policy the wait target, window, interval and backoff
   */
  public Preconnector(Pool pool, PreconnectPolicy policy) {
    this.pool = pool;
    this.policy = policy;
    this.traffic = new TrafficRecorder(policy.window(), 10, System::nanoTime);
    String name = pool.name() + "-preconnect";
    this.ticker =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              return t;
            });
    AtomicInteger n = new AtomicInteger();
    this.connectors =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            10,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, name + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.listeners().add(this);
    long period = policy.interval().toNanos();
    ScheduledFuture<?> unused =
        ticker.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.NANOSECONDS);
  }

  /** Returns the policy it runs with. */
  public PreconnectPolicy policy() {
    return policy;
  }

  /** Returns how many connections it opened so far. */
  public long opened() {
    return opened.get();
  }

  /**
   * The size the model asks for now: Erlang C's smallest size for the wait target, from the
   * measured rate and mean hold, bounded by the endpoint's limit; 0 without traffic.
   *
   * @param endpoint the peer
   * @return connections wanted open
   */
  public int wanted(Endpoint endpoint) {
    TrafficSample s = traffic.sample(endpoint);
    Optional<Duration> hold = s.meanHold();
    double rate = s.ratePerSecond();
    if (rate <= 0 || hold.isEmpty()) {
      return 0;
    }
    int cap = pool.maxPerEndpoint();
    try {
      return Math.min(
          cap,
          ErlangC.smallestSize(rate, hold.get(), policy.targetWaitProbability()).connections());
    } catch (IllegalArgumentException beyondTheModel) {
      return cap; // a load beyond what the model sizes: as many as allowed
    }
  }

  @Override
  public void checkedOut(Endpoint endpoint, long elapsedNanos, boolean waited) {
    traffic.checkedOut(endpoint, elapsedNanos, waited);
    if (!targets.containsKey(endpoint)) {
      targets.computeIfAbsent(endpoint, e -> new Target());
    }
  }

  @Override
  public void returned(Endpoint endpoint, long heldNanos) {
    traffic.returned(endpoint, heldNanos);
  }

  @Override
  public void endpointRemoved(Endpoint endpoint) {
    traffic.endpointRemoved(endpoint);
    targets.remove(endpoint);
  }

  private void tick() {
    try {
      long now = System.nanoTime();
      for (Map.Entry<Endpoint, Target> e : targets.entrySet()) {
        Target t = e.getValue();
        if (now - t.pausedUntil >= 0 && !t.busy.get()) {
          top(e.getKey(), t);
        }
      }
    } catch (RuntimeException | Error e) { // the ticker survives; the next tick runs as usual
      LOG.warn("preconnect of pool '{}' failed: {}", pool.name(), e.toString(), e);
    }
  }

  private void top(Endpoint endpoint, Target t) {
    int deficit = wanted(endpoint) - pool.openOrConnecting(endpoint);
    int batch = Math.min(deficit, pool.maxConnecting() - pool.connectsInFlight(endpoint));
    if (batch <= 0 || !t.busy.compareAndSet(false, true)) {
      return;
    }
    AtomicInteger left = new AtomicInteger(batch);
    AtomicBoolean failed = new AtomicBoolean();
    for (int i = 0; i < batch; i++) {
      try {
        connectors.execute(
            () -> {
              try {
                if (pool.openAhead(endpoint, 1) == 1) {
                  opened.incrementAndGet();
                } else {
                  failed.set(true);
                }
              } catch (RuntimeException closing) {
                failed.set(true);
              } finally {
                if (left.decrementAndGet() == 0) {
                  t.batchDone(failed.get(), policy);
                }
              }
            });
      } catch (RejectedExecutionException closing) {
        if (left.addAndGet(-(batch - i)) == 0) {
          t.batchDone(true, policy);
        }
        return;
      }
    }
  }

  /** Stops preconnecting (at close, or when another policy replaces this one). */
  public void close() {
    pool.listeners().remove(this);
    ticker.shutdownNow();
    connectors.shutdownNow();
  }

  /** One endpoint's preconnect state: a batch under way, and the backoff after failures. */
  private static final class Target {
    final AtomicBoolean busy = new AtomicBoolean();
    volatile long pausedUntil = System.nanoTime();
    private int failures; // written by the batch's last task only, one batch at a time

    void batchDone(boolean failed, PreconnectPolicy policy) {
      if (failed) {
        failures = Math.min(failures + 1, 30);
        long base = policy.initialBackoff().toNanos() << Math.min(failures - 1, 20);
        long pause = Math.min(policy.maxBackoff().toNanos(), Math.max(0, base));
        pausedUntil =
            System.nanoTime() + (long) (pause * (0.5 + ThreadLocalRandom.current().nextDouble()));
      } else {
        failures = 0;
      }
      busy.set(false);
    }
  }
}
