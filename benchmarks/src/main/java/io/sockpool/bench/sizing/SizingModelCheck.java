package io.sockpool.bench.sizing;

import io.sockpool.CheckoutException;
import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.redis.demo.cli.Cli;
import io.sockpool.sizing.ErlangC;
import io.sockpool.sizing.QueueEstimate;
import io.sockpool.testkit.FakePeer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Model against measurement: drives the real {@link SocketPool} at a Poisson arrival rate against a
 * local peer with a known service time ({@link ServiceTime} on a {@link FakePeer}) and compares the
 * measured share of checkouts that had to wait with what Erlang C ({@link ErlangC}) predicts, at
 * pool sizes below, at and above the size the model recommends.
 *
 * <p>Open loop: one dispatcher thread draws exponential inter-arrival times on an absolute schedule
 * (falling behind does not slow the arrivals down) and hands each request to a worker pool with
 * many more threads than connections. A worker times {@code checkout} (the wait), sends the service
 * time, reads the echo and returns the connection (the hold). The prediction uses the measured
 * arrival rate and mean hold time, so it tests the queueing model and the pool's hand-over, not the
 * accuracy of the parameters.
 *
 * <p>Two service-time distributions: exponential (the M/M/c assumption) and fixed (M/D/c, which
 * waits less than Erlang C predicts). Prints a Markdown table. Usage:
 *
 * <pre>
 * java ... io.sockpool.bench.sizing.SizingModelCheck [--rate 1000] [--service 5ms]
 *     [--duration 7s] [--warmup 1s] [--threshold 200us] [--target 0.01] [--sizes 6,8,10,12,14,48]
 *     [--distributions exponential,fixed] [--threads 128] [--seed 42]
 * </pre>
 *
 * <p>The options are {@link SizingCheckCommand}'s.
 */
public final class SizingModelCheck {
  enum Service {
    EXPONENTIAL,
    FIXED
  }

  /** One run's parameters. */
  record Plan(
      double rate,
      Duration service,
      Duration duration,
      Duration warmup,
      Duration threshold,
      double target,
      List<Integer> sizes,
      List<Service> distributions,
      int threads,
      long seed) {}

  /** One run's measurements and the model's prediction for them. */
  record Row(
      Service service,
      int connections,
      long arrivals,
      double rate,
      double meanHoldMillis,
      long measured,
      long waitedOverThreshold,
      double meanCheckoutMillis,
      long failures,
      long starved,
      QueueEstimate predicted,
      Duration threshold) {

    double measuredShare() {
      return measured == 0 ? Double.NaN : (double) waitedOverThreshold / measured;
    }
  }

  private SizingModelCheck() {}

  /**
   * Runs the check; exits 0 when done, 2 on bad arguments ({@code --help} lists the options).
   *
   * @param args see the class comment
   */
  public static void main(String[] args) {
    System.exit(Cli.execute(new SizingCheckCommand(System.out), args, System.out, System.err));
  }

  /**
   * Runs every row of the plan and prints the table.
   *
   * @param plan what to run
   * @param out where the rows and the table go
   * @throws IOException if the local peer cannot start
   * @throws InterruptedException if interrupted while a row runs
   */
  static void report(Plan plan, PrintStream out) throws IOException, InterruptedException {
    String machine = machine();
    String loadBefore = loadAverage();
    QueueEstimate recommended = ErlangC.smallestSize(plan.rate(), plan.service(), plan.target());
    out.printf(
        Locale.ROOT,
        "Offered load a = %.0f/s x %s = %.3f; Erlang C recommends %d"
            + " connections for P(wait) <= %s (P = %.4f)%n",
        plan.rate(),
        millisOrMicros(plan.service()),
        recommended.offeredLoad(),
        recommended.connections(),
        plan.target(),
        recommended.waitProbability());
    List<Row> rows = new ArrayList<>();
    long began = System.nanoTime();
    try (FakePeer server = new FakePeer(ServiceTime::new)) {
      Endpoint endpoint = Endpoint.of("127.0.0.1", server.port());
      for (Service service : plan.distributions()) {
        for (int c : plan.sizes()) {
          Row row = run(plan, endpoint, service, c);
          rows.add(row);
          out.println(
              format(row)
                  + " <!-- "
                  + row.starved()
                  + " arrivals found no idle"
                  + " worker, "
                  + row.failures()
                  + " failed -->");
        }
      }
      if (!server.awaitOpenAtMost(0, Duration.ofSeconds(5))) {
        out.println(
            "WARNING: "
                + server.open()
                + " connections still open at the server 5 s after the last pool closed");
      }
    }
    out.println();
    out.printf(
        Locale.ROOT,
        "Rate %.0f/s, service %s, %s measured per row after %s"
            + " warm-up, threshold %s, seed %d; %.0f s in all.%n",
        plan.rate(),
        millisOrMicros(plan.service()),
        millisOrMicros(plan.duration()),
        millisOrMicros(plan.warmup()),
        millisOrMicros(plan.threshold()),
        plan.seed(),
        (System.nanoTime() - began) / 1e9);
    out.println(
        "Machine: "
            + machine
            + "; load average before "
            + loadBefore
            + ", after "
            + loadAverage()
            + ".");
    out.println();
    out.println(header(plan));
    for (Row row : rows) {
      out.println(format(row));
    }
  }

  static Row run(Plan plan, Endpoint endpoint, Service service, int connections)
      throws InterruptedException {
    PoolConfig config =
        PoolConfig.builder()
            .poolName("sizing-check-" + connections)
            .maxTotal(connections)
            .maxPerEndpoint(connections)
            .checkoutTimeout(Duration.ofSeconds(10))
            .build();
    LongAdder measured = new LongAdder();
    LongAdder waitedOver = new LongAdder();
    LongAdder checkoutNanos = new LongAdder();
    LongAdder holdNanos = new LongAdder();
    LongAdder failures = new LongAdder();
    long starved = 0;
    long thresholdNanos = plan.threshold().toNanos();
    long arrivals = 0;
    double window;
    try (SocketPool pool = SocketPool.create(config)) {
      int opened = pool.warmUp(endpoint, connections);
      if (opened != connections) {
        throw new IllegalStateException(
            "warmUp opened " + opened + " of " + connections + " connections");
      }
      ThreadPoolExecutor workers =
          new ThreadPoolExecutor(
              plan.threads(), plan.threads(), 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>());
      workers.prestartAllCoreThreads();
      SplittableRandom random = new SplittableRandom(plan.seed() * 31 + connections);
      double meanGapNanos = 1e9 / plan.rate();
      long serviceNanos = plan.service().toNanos();
      long start = System.nanoTime() + 20_000_000;
      long measureFrom = start + plan.warmup().toNanos();
      long end = measureFrom + plan.duration().toNanos();
      window = (end - measureFrom) / 1e9;
      long next = start;
      while (true) {
        next += (long) (-Math.log(1 - random.nextDouble()) * meanGapNanos);
        if (next >= end) {
          break;
        }
        long serviceTime =
            service == Service.FIXED
                ? serviceNanos
                : (long) (-Math.log(1 - random.nextDouble()) * serviceNanos);
        for (long left = next - System.nanoTime(); left > 0; left = next - System.nanoTime()) {
          LockSupport.parkNanos(left);
        }
        boolean inWindow = next >= measureFrom;
        if (inWindow) {
          arrivals++;
        }
        if (workers.getActiveCount() >= plan.threads()) {
          starved++;
        }
        workers.execute(
            () -> {
              long t0 = System.nanoTime();
              long t1;
              try (PooledConnection c = pool.checkout(endpoint)) {
                t1 = System.nanoTime();
                exchange(c, serviceTime);
              } catch (CheckoutException e) {
                failures.increment();
                return;
              } catch (IOException e) {
                failures.increment();
                return;
              }
              long t2 = System.nanoTime(); // after close(): the connection is back in the pool
              if (inWindow) {
                measured.increment();
                checkoutNanos.add(t1 - t0);
                holdNanos.add(t2 - t1);
                if (t1 - t0 > thresholdNanos) {
                  waitedOver.increment();
                }
              }
            });
      }
      workers.shutdown();
      if (!workers.awaitTermination(60, TimeUnit.SECONDS)) {
        workers.shutdownNow();
        throw new IllegalStateException("requests did not finish within 60 s");
      }
    }
    long n = measured.sum();
    double rate = arrivals / window;
    double meanHoldNanos = (double) holdNanos.sum() / n;
    QueueEstimate predicted =
        ErlangC.evaluate(rate, Duration.ofNanos(Math.round(meanHoldNanos)), connections);
    return new Row(
        service,
        connections,
        arrivals,
        rate,
        meanHoldNanos / 1e6,
        n,
        waitedOver.sum(),
        checkoutNanos.sum() / 1e6 / n,
        failures.sum(),
        starved,
        predicted,
        plan.threshold());
  }

  private static void exchange(PooledConnection c, long serviceNanos) throws IOException {
    ByteBuffer request = ByteBuffer.allocate(8).putLong(0, serviceNanos);
    c.write(request, Duration.ofSeconds(5));
    ByteBuffer reply = ByteBuffer.allocate(8);
    c.readFully(reply, Duration.ofSeconds(5));
    if (reply.getLong(0) != serviceNanos) {
      throw new IOException("peer echoed " + reply.getLong(0) + " instead of " + serviceNanos);
    }
    c.exchangeComplete();
  }

  static String header(Plan plan) {
    String t = millisOrMicros(plan.threshold());
    return "| service | connections | checkouts | rate /s | mean hold ms | load a | Erlang C P(wait)"
        + " | predicted P(wait > "
        + t
        + ") | measured P(checkout > "
        + t
        + ")"
        + " | predicted mean wait ms | measured mean checkout ms |\n"
        + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";
  }

  static String format(Row r) {
    QueueEstimate p = r.predicted();
    String model =
        p.stable()
            ? String.format(
                Locale.ROOT,
                "%.4f | %.4f",
                p.waitProbability(),
                p.probabilityOfWaitingLongerThan(r.threshold()))
            : "unstable | unstable";
    String meanWait = p.stable() ? String.format(Locale.ROOT, "%.3f", p.meanWaitMillis()) : "-";
    return String.format(
        Locale.ROOT,
        "| %s | %d | %d | %.0f | %.3f | %.2f | %s | %.4f | %s | %.3f |",
        r.service().name().toLowerCase(Locale.ROOT),
        r.connections(),
        r.measured(),
        r.rate(),
        r.meanHoldMillis(),
        p.offeredLoad(),
        model,
        r.measuredShare(),
        meanWait,
        r.meanCheckoutMillis());
  }

  static String millisOrMicros(Duration d) {
    long nanos = d.toNanos();
    if (nanos % 1_000_000 == 0) {
      return nanos / 1_000_000 + " ms";
    }
    return nanos % 1000 == 0 ? nanos / 1000 + " µs" : nanos / 1000.0 + " µs";
  }

  private static String machine() {
    String cpu = "unknown CPU";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).strip();
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return Runtime.getRuntime().availableProcessors()
        + " cores ("
        + cpu
        + "), "
        + System.getProperty("os.name")
        + " "
        + System.getProperty("os.version")
        + ", Java "
        + System.getProperty("java.runtime.version");
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ", -1);
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
