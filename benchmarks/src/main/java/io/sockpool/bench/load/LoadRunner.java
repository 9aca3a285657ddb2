package io.sockpool.bench.load;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * Runs one measured point: {@code threads} platform threads send PINGs in a closed loop (each waits
 * for its reply before the next) through one {@link PingClient}, first for the warm-up, then for
 * the measured window. A PING counts when it started and finished inside the window; its latency
 * goes into the thread's own HdrHistogram (no shared state on the hot path), merged at the end.
 */
final class LoadRunner {
  /** How long past the planned end the runner waits for a stuck thread before giving up. */
  private static final Duration STRAGGLER_GRACE = Duration.ofSeconds(30);

  private LoadRunner() {}

  static Sample run(
      String name, PingClient client, int threads, Duration warmup, Duration measure, int redisPort)
      throws IOException, InterruptedException {
    return run(name, client, threads, warmup, measure, redisPort, null);
  }

  /**
   * Runs one point.
   *
   * @param profiler started when the measured window opens and stopped when it closes (its samples
   *     are written by the caller); null for none
   */
  static Sample run(
      String name,
      PingClient client,
      int threads,
      Duration warmup,
      Duration measure,
      int redisPort,
      WindowProfiler profiler)
      throws IOException, InterruptedException {
    List<PingClient.Worker> workers = new ArrayList<>(threads);
    try {
      for (int i = 0; i < threads; i++) {
        workers.add(client.newWorker());
      }
      Optional<Long> timeWaitBefore = TimeWaitCounter.count(redisPort);
      Result[] results = new Result[threads];
      CountDownLatch ready = new CountDownLatch(threads);
      CountDownLatch go = new CountDownLatch(1);
      long[] window = new long[2]; // start, end in System.nanoTime(); published by go.countDown()
      List<Thread> running = new ArrayList<>(threads);
      AtomicReference<Throwable> crash = new AtomicReference<>();
      for (int i = 0; i < threads; i++) {
        int index = i;
        PingClient.Worker worker = workers.get(i);
        Thread t =
            new Thread(
                () -> {
                  ready.countDown();
                  try {
                    go.await();
                    results[index] = loop(worker, window[0], window[1]);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  } catch (Throwable e) {
                    crash.compareAndSet(null, e);
                  }
                },
                "load-" + name + "-" + i);
        t.setDaemon(true);
        running.add(t);
        t.start();
      }
      ready.await();
      window[0] = System.nanoTime() + warmup.toNanos();
      window[1] = window[0] + measure.toNanos();
      go.countDown();
      sleepUntil(window[0]);
      client.windowOpened();
      if (profiler != null) {
        profiler.start();
      }
      Optional<Long> cpuStart = ProcessCpu.nanos();
      JvmActivity jvmStart = JvmActivity.now();
      sleepUntil(window[1]);
      Optional<Long> cpuEnd = ProcessCpu.nanos();
      JvmActivity jvm = JvmActivity.now().since(jvmStart);
      client.windowClosed();
      if (profiler != null) {
        profiler.stop();
      }
      Optional<Duration> cpu =
          cpuStart.isPresent() && cpuEnd.isPresent()
              ? Optional.of(Duration.ofNanos(cpuEnd.get() - cpuStart.get()))
              : Optional.empty();
      long deadline = window[1] + STRAGGLER_GRACE.toNanos();
      for (Thread t : running) {
        long left = deadline - System.nanoTime();
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        if (t.isAlive()) {
          running.forEach(Thread::interrupt);
          throw new IOException(
              "load thread "
                  + t.getName()
                  + " still running "
                  + STRAGGLER_GRACE.toSeconds()
                  + " s after the end of the measurement; the client is stuck");
        }
      }
      if (crash.get() != null) {
        throw new IOException("a load thread of " + name + " failed", crash.get());
      }
      Optional<Long> timeWaitAfter = TimeWaitCounter.count(redisPort);
      Histogram all = new Histogram(3);
      long ops = 0;
      long errors = 0;
      Optional<String> firstError = Optional.empty();
      for (Result r : results) {
        all.add(r.latencies);
        ops += r.ops;
        errors += r.errors;
        if (firstError.isEmpty() && r.firstError != null) {
          firstError = Optional.of(r.firstError);
        }
      }
      return new Sample(
          measure, ops, errors, firstError, all, cpu, timeWaitBefore, timeWaitAfter, jvm);
    } finally {
      workers.forEach(PingClient.Worker::close);
    }
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left;
    while ((left = nanoTime - System.nanoTime()) > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  private static Result loop(PingClient.Worker worker, long start, long end) {
    Result r = new Result();
    while (true) {
      long t0 = System.nanoTime();
      if (t0 - end >= 0) {
        return r;
      }
      try {
        worker.ping();
      } catch (IOException | RuntimeException e) {
        if (t0 - start >= 0) {
          r.errors++;
          if (r.firstError == null) {
            r.firstError = e.getClass().getSimpleName() + ": " + e.getMessage();
          }
        }
        continue;
      }
      long t1 = System.nanoTime();
      if (t0 - start >= 0 && end - t1 >= 0) {
        r.latencies.recordValue(t1 - t0);
        r.ops++;
      }
    }
  }

  /** One thread's counts; written by that thread only, read after join. */
  private static final class Result {
    final Histogram latencies = new Histogram(3);
    long ops;
    long errors;
    String firstError;
  }
}
