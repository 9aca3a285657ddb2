package io.sockpool.redis.demo;

import io.sockpool.Endpoint;
import io.sockpool.EndpointStats;
import io.sockpool.SocketPool;
import io.sockpool.redis.RedisClient;
import io.sockpool.sizing.LiveSizing;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop PING load: {@code threads} callers each send PING through the pool, one after
 * another, as fast as the answers come. Records each call's latency (checkout included) in an
 * HdrHistogram and counts errors by type.
 */
final class PingLoad {
  private final SocketPool pool;
  private final RedisClient client;
  private final Endpoint endpoint;
  private final int threads;

  PingLoad(SocketPool pool, RedisClient client, int threads) {
    this.pool = pool;
    this.client = client;
    this.endpoint = client.endpoint();
    this.threads = threads;
  }

  /** What a run measured. */
  static final class Result {
    final long ops;
    final long errors;
    final Map<String, Long> errorsByType;
    final String firstError;
    final long elapsedNanos;
    final Histogram latencyNanos;
    final EndpointStats pool;

    /** The pool's own live sizing at the end of the run ({@link SocketPool#sizing}). */
    final LiveSizing sizing;

    Result(
        long ops,
        long errors,
        Map<String, Long> errorsByType,
        String firstError,
        long elapsedNanos,
        Histogram latencyNanos,
        EndpointStats pool,
        LiveSizing sizing) {
      this.ops = ops;
      this.errors = errors;
      this.errorsByType = errorsByType;
      this.firstError = firstError;
      this.elapsedNanos = elapsedNanos;
      this.latencyNanos = latencyNanos;
      this.pool = pool;
      this.sizing = sizing;
    }

    double opsPerSecond() {
      return elapsedNanos == 0 ? 0 : ops * 1e9 / elapsedNanos;
    }
  }

  /**
   * Runs the load for {@code duration}. Blocks for the duration plus the time the last calls take
   * to finish (at most the checkout and command timeouts).
   *
   * @param duration how long
   * @param progress where to print one line a second, or null for none
   * @param killed how many connections were killed so far, for the progress line, or null
   * @return the measurements
   * @throws InterruptedException if interrupted while waiting
   */
  Result run(Duration duration, PrintStream progress, LongSupplier killed)
      throws InterruptedException {
    Recorder recorder = new Recorder(3);
    LongAdder ops = new LongAdder();
    LongAdder errors = new LongAdder();
    Map<String, LongAdder> byType = new java.util.concurrent.ConcurrentHashMap<>();
    AtomicReference<String> firstError = new AtomicReference<>();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread t =
          new Thread(
              () -> {
                while (System.nanoTime() - end < 0) {
                  long t0 = System.nanoTime();
                  try {
                    client.ping();
                    recorder.recordValue(System.nanoTime() - t0);
                    ops.increment();
                  } catch (Exception e) {
                    errors.increment();
                    byType
                        .computeIfAbsent(e.getClass().getSimpleName(), k -> new LongAdder())
                        .increment();
                    firstError.compareAndSet(
                        null, e.getClass().getSimpleName() + ": " + e.getMessage());
                  }
                }
              },
              "redis-demo-ping-" + i);
      t.setDaemon(true);
      workers.add(t);
      t.start();
    }
    Histogram total = new Histogram(3);
    Histogram interval = null;
    long lastOps = 0;
    long lastErrors = 0;
    long lastTick = start;
    int second = 0;
    while (System.nanoTime() - end < 0) {
      long next = Math.min(start + TimeUnit.SECONDS.toNanos(second + 1), end);
      long wait = next - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      second++;
      interval = recorder.getIntervalHistogram(interval);
      total.add(interval);
      long now = System.nanoTime();
      long opsNow = ops.sum();
      long errorsNow = errors.sum();
      if (progress != null) {
        EndpointStats s = pool.stats(endpoint);
        double rate = (opsNow - lastOps) * 1e9 / Math.max(1, now - lastTick);
        progress.printf(
            "[%3ds] %,9.0f ops/s  p99 %,7d us  errors %d  active %d idle %d waiting %d%s%n",
            second,
            rate,
            micros(interval.getValueAtPercentile(99)),
            errorsNow - lastErrors,
            s.active(),
            s.idle(),
            s.waiting(),
            killed == null ? "" : "  killed " + killed.getAsLong());
      }
      lastOps = opsNow;
      lastErrors = errorsNow;
      lastTick = now;
    }
    for (Thread t : workers) {
      t.join(TimeUnit.SECONDS.toMillis(10));
    }
    long elapsed =
        System.nanoTime() - start; // calls still running at the end count, so does their time
    total.add(recorder.getIntervalHistogram(interval));
    Map<String, Long> types = new TreeMap<>();
    byType.forEach((k, v) -> types.put(k, v.sum()));
    return new Result(
        ops.sum(),
        errors.sum(),
        types,
        firstError.get(),
        elapsed,
        total,
        pool.stats(endpoint),
        pool.sizing(endpoint));
  }

  static long micros(long nanos) {
    return Math.round(nanos / 1000.0);
  }
}
