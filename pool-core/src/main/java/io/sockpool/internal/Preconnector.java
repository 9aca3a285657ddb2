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
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Predictive preconnect: every {@link PreconnectPolicy#interval()}, for each endpoint with recent
 * checkouts, the Erlang C size for the policy's wait target from the arrival rate and mean hold
 * time, bounded by the endpoint's limit; if fewer connections are open or connecting, it opens the
 * difference into the idle set, as many at once as {@code maxConnectingPerEndpoint} leaves free (on
 * {@code <pool>-preconnect-N} threads). A failed connect pauses the endpoint for a backoff with
 * jitter. It never closes anything: idle eviction scales the pool down when the load falls.
 *
 * <p>The rate is the one measured over {@link PreconnectPolicy#window()}, unless the arrivals of
 * the last few intervals (the recent span: 4 intervals, at least 20 ms, at most half the window)
 * are more than the window's rate explains by {@value #STEP_SIGMAS} standard deviations of a
 * Poisson count (plus {@value #STEP_SLACK}): then the load stepped up, and the recent rate is used.
 * A step is followed within the recent span instead of the whole window, while the noise of a
 * steady load (deterministic or Poisson arrivals) almost never crosses that bound, so in steady
 * state the size stays the window's.
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

    /**
     * Opens up to {@code count} connections ahead of demand, counted as preconnect's own opens;
     * returns how many.
     */
    int openAhead(Endpoint endpoint, int count);

    /** Returns the listeners, to hear checkouts and returns. */
    io.sockpool.internal.metrics.Listeners listeners();
  }

  private final Pool pool;
  private final PreconnectPolicy policy;
  private final TrafficRecorder traffic;
  private final Map<Endpoint, Target> targets = new ConcurrentHashMap<>();
  private final ScheduledThreadPoolExecutor ticker;
  private final Executor connectors;
  private final ExecutorService ownConnectors; // null when the connects run on a given executor
  private final AtomicLong opened = new AtomicLong();
  private final TrafficRecorder recent;
  private final LongSupplier clock;

  /** A step is seen when the recent count is this many Poisson standard deviations above. */
  static final int STEP_SIGMAS = 5;

  /** The window's rate is taken this many Poisson standard deviations low. */
  static final int RATE_SIGMAS = 2;

  /** And at least this many checkouts above what the window's rate explains. */
  static final int STEP_SLACK = 3;

  /**
   * Starts preconnecting for the pool.
   *
   * @param pool the engine
   * @param policy the wait target, window, interval and backoff
   */
  public Preconnector(Pool pool, PreconnectPolicy policy) {
    this(pool, policy, System::nanoTime, null);
  }

  /**
   * For tests: a clock of its own and, when {@code connectExecutor} is given, no ticker ({@link
   * #tick()} runs when called) and the connects on that executor.
   *
   * @param pool the engine
   * @param policy the wait target, window, interval and backoff
   * @param clock a monotonic clock in nanoseconds
   * @param connectExecutor where connects run, or null for the pool's own threads and a ticker
   */
  Preconnector(Pool pool, PreconnectPolicy policy, LongSupplier clock, Executor connectExecutor) {
    this.pool = pool;
    this.policy = policy;
    this.clock = clock;
    this.traffic = new TrafficRecorder(policy.window(), 10, clock);
    this.recent = new TrafficRecorder(recentSpan(policy), 4, clock);
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
    this.ownConnectors =
        connectExecutor != null
            ? null
            : new ThreadPoolExecutor(
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
    this.connectors = connectExecutor != null ? connectExecutor : ownConnectors;
    pool.listeners().add(this);
    if (connectExecutor == null) {
      long period = policy.interval().toNanos();
      ScheduledFuture<?> unused =
          ticker.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.NANOSECONDS);
    }
  }

  /** The span a step is looked for in: 4 intervals, at least 20 ms, at most half the window. */
  static Duration recentSpan(PreconnectPolicy policy) {
    Duration span = policy.interval().multipliedBy(4);
    Duration min = Duration.ofMillis(20);
    Duration max = policy.window().dividedBy(2);
    return span.compareTo(min) < 0 ? min : span.compareTo(max) > 0 ? max : span;
  }

  /** Returns the policy it runs with. */
  public PreconnectPolicy policy() {
    return policy;
  }

  /**
   * Returns how many connections it opened so far (this policy's; the pool's stats count every
   * policy's in {@link io.sockpool.EndpointStats#createdByPreconnect()}).
   */
  public long opened() {
    return opened.get();
  }

  /**
   * The size the model asks for now: Erlang C's smallest size for the wait target, from the
   * measured rate times the policy's {@link PreconnectPolicy#rateHeadroom()} and the mean hold,
   * bounded by the endpoint's limit; 0 without traffic.
   *
   * @param endpoint the peer
   * @return connections wanted open
   */
  public int wanted(Endpoint endpoint) {
    TrafficSample s = traffic.sample(endpoint);
    Optional<Duration> hold = s.meanHold();
    double windowRate = lowerRate(s);
    double rate = Math.max(windowRate, steppedRate(endpoint, windowRate));
    if (rate <= 0 || hold.isEmpty()) {
      return 0;
    }
    int cap = pool.maxPerEndpoint();
    try {
      double sized = rate * policy.rateHeadroom();
      return Math.min(
          cap,
          ErlangC.smallestSize(sized, hold.get(), policy.targetWaitProbability()).connections());
    } catch (IllegalArgumentException beyondTheModel) {
      return cap; // a load beyond what the model sizes: as many as allowed
    }
  }

  /**
   * The window's rate, less {@value #RATE_SIGMAS} standard deviations of a Poisson count: a short
   * sample (a new endpoint, the first intervals) would otherwise often overestimate, and what
   * preconnect opens on an overestimate stays open.
   */
  private static double lowerRate(TrafficSample s) {
    double seconds = s.span().toNanos() / 1e9;
    double n = s.checkouts();
    return seconds <= 0 ? 0 : Math.max(0, n - RATE_SIGMAS * Math.sqrt(n)) / seconds;
  }

  /**
   * The recent span's rate if its count is beyond what the window's rate explains (a step up in
   * load), else 0.
   */
  private double steppedRate(Endpoint endpoint, double windowRate) {
    TrafficSample r = recent.sample(endpoint);
    double seconds = r.span().toNanos() / 1e9;
    if (seconds <= 0) {
      return 0;
    }
    double expected = windowRate * seconds;
    double bound = expected + STEP_SIGMAS * Math.sqrt(expected) + STEP_SLACK;
    return r.checkouts() > bound ? r.checkouts() / seconds : 0;
  }

  @Override
  public void checkedOut(Endpoint endpoint, long elapsedNanos, boolean waited) {
    traffic.checkedOut(endpoint, elapsedNanos, waited);
    recent.checkedOut(endpoint, elapsedNanos, waited);
    if (!targets.containsKey(endpoint)) {
      targets.computeIfAbsent(endpoint, e -> new Target(clock.getAsLong()));
    }
  }

  @Override
  public void returned(Endpoint endpoint, long heldNanos) {
    traffic.returned(endpoint, heldNanos);
  }

  @Override
  public void endpointRemoved(Endpoint endpoint) {
    traffic.endpointRemoved(endpoint);
    recent.endpointRemoved(endpoint);
    targets.remove(endpoint);
  }

  /** Compares what is open with what the model asks for, for every endpoint with checkouts. */
  void tick() {
    try {
      long now = clock.getAsLong();
      for (Map.Entry<Endpoint, Target> e : targets.entrySet()) {
        Target t = e.getValue();
        if (now - t.pausedUntil >= 0) {
          top(e.getKey(), t);
        }
      }
    } catch (RuntimeException | Error e) { // the ticker survives; the next tick runs as usual
      LOG.warn("preconnect of pool '{}' failed: {}", pool.name(), e.toString(), e);
    }
  }

  private void top(Endpoint endpoint, Target t) {
    // tasks handed to a thread but not started yet have no reservation: count them here
    int starting = t.starting.get();
    int deficit = wanted(endpoint) - pool.openOrConnecting(endpoint) - starting;
    int batch =
        Math.min(deficit, pool.maxConnecting() - pool.connectsInFlight(endpoint) - starting);
    for (int i = 0; i < batch; i++) {
      t.starting.incrementAndGet();
      try {
        connectors.execute(() -> openOne(endpoint, t));
      } catch (RejectedExecutionException closing) {
        t.starting.decrementAndGet();
        return;
      }
    }
  }

  private void openOne(Endpoint endpoint, Target t) {
    boolean ok = false;
    try {
      t.starting.decrementAndGet();
      ok = pool.openAhead(endpoint, 1) == 1;
      if (ok) {
        opened.incrementAndGet();
      }
    } catch (RuntimeException closing) {
      ok = false;
    } finally {
      t.connectDone(ok, policy, clock.getAsLong());
    }
  }

  /** Stops preconnecting (at close, or when another policy replaces this one). */
  public void close() {
    pool.listeners().remove(this);
    ticker.shutdownNow();
    if (ownConnectors != null) {
      ownConnectors.shutdownNow();
    }
  }

  /** One endpoint's preconnect state: connects handed out but not started, and the backoff. */
  private static final class Target {
    final AtomicInteger starting = new AtomicInteger();
    volatile long pausedUntil;
    private int failures;

    Target(long now) {
      this.pausedUntil = now;
    }

    synchronized void connectDone(boolean ok, PreconnectPolicy policy, long now) {
      if (ok) {
        failures = 0;
        return;
      }
      failures = Math.min(failures + 1, 30);
      long base = policy.initialBackoff().toNanos() << Math.min(failures - 1, 20);
      long pause = Math.min(policy.maxBackoff().toNanos(), Math.max(0, base));
      pausedUntil = now + (long) (pause * (0.5 + ThreadLocalRandom.current().nextDouble()));
    }
  }
}
