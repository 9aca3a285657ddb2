package io.sockpool.bench.preconnect;

import io.sockpool.ConnectionInitializer;
import io.sockpool.Endpoint;
import io.sockpool.EndpointStats;
import io.sockpool.PoolConfig;
import io.sockpool.PooledConnection;
import io.sockpool.PreconnectPolicy;
import io.sockpool.SocketPool;
import io.sockpool.redis.demo.cli.Cli;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The preconnect step-load measurement: open-loop arrivals at {@code low} checkouts/s, then a step
 * to {@code high}, against a peer whose connect takes {@code connect} (its first reply), with and
 * without {@link SocketPool#preconnect} (with the plan's rate headroom). Each round runs both, in
 * turn. Per run: p99 checkout wait (arrival to connection in hand) over the last second at the low
 * rate ("steady"), over the first second after the step ("step"), over the whole high phase and
 * over its last second; connections the peer accepted, split by who opened them (a waiting
 * checkout, preconnect, warm-up: the pool's {@link io.sockpool.EndpointStats}); and the size the
 * model asked for (at the step, the most during the run, at the end).
 */
public final class PreconnectStep {
  private PreconnectStep() {}

  /** The plan, checked by the command line. */
  record Plan(
      int low,
      int high,
      Duration connect,
      Duration service,
      Duration before,
      Duration after,
      int rounds,
      double target,
      int maxPerEndpoint,
      int maxConnecting,
      double headroom,
      int peerCore,
      boolean inlineReady,
      Path out) {

    /** Whether the peer runs in a JVM of its own, pinned to {@link #peerCore}. */
    boolean peerProcess() {
      return peerCore >= 0;
    }
  }

  /**
   * A p99 in three windows: the last second at the low rate, the first second of the step and the
   * last second of the high phase, in milliseconds.
   */
  record Split(double steadyMs, double stepMs, double lastMs) {
    static Split of(WaitRecorder r, long step, long end) {
      long sec = 1_000_000_000L;
      return new Split(
          r.p99Ms(step - sec, step), r.p99Ms(step, step + sec), r.p99Ms(end - sec, end));
    }

    String show() {
      return String.format(Locale.ROOT, "%.2f / %.2f / %.2f", steadyMs, stepMs, lastMs);
    }
  }

  /** One run's numbers. */
  record Run(
      int round,
      boolean preconnect,
      double p99SteadyMs,
      double p99StepMs,
      double p99HighMs,
      double p99PhaseMs,
      int opened,
      int openedBeforeStep,
      long onDemand,
      long byPreconnect,
      int modelAtStep,
      int modelMax,
      int modelAtEnd,
      long failed,
      Split late,
      Split own) {

    /** Preconnect's own opens over the most the model asked for; NaN without preconnect. */
    double preconnectOverModel() {
      return modelMax > 0 ? (double) byPreconnect / modelMax : Double.NaN;
    }

    /** Every connection the peer accepted over the most the model asked for. */
    double openedOverModel() {
      return modelMax > 0 ? (double) opened / modelMax : Double.NaN;
    }
  }

  /**
   * Runs the measurement; see {@link PreconnectCommand} for the options.
   *
   * @param args the options
   */
  public static void main(String[] args) {
    System.exit(Cli.execute(new PreconnectCommand(System.out), args, System.out, System.err));
  }

  static List<Run> report(Plan plan, PrintStream out) throws IOException, InterruptedException {
    List<Run> runs = new ArrayList<>();
    for (int r = 1; r <= plan.rounds(); r++) {
      for (boolean pre : new boolean[] {false, true}) {
        Run run = run(plan, r, pre);
        runs.add(run);
        out.println(StepTables.row(run));
      }
    }
    out.println();
    out.println(
        (plan.peerProcess()
                ? "peer: a JVM of its own, pinned to CPU " + plan.peerCore()
                : "peer: in this JVM")
            + (plan.inlineReady()
                ? "; ready connections served in the driver's thread (asyncInlineWhenReady)"
                : "; every checkout completed on the pool's completion executor"));
    out.println(StepTables.table(runs, plan.headroom()));
    out.println(StepTables.splitTable(runs));
    if (plan.out() != null) {
      Files.createDirectories(plan.out());
      Files.writeString(
          plan.out().resolve("preconnect-step.csv"), StepTables.csv(runs, plan.headroom()));
    }
    return runs;
  }

  private static final ConnectionInitializer HANDSHAKE =
      (c, timeout) -> {
        c.write(ByteBuffer.wrap("PING\r\n".getBytes(StandardCharsets.US_ASCII)), timeout);
        c.readFully(ByteBuffer.allocate(7), timeout);
        c.exchangeComplete();
      };

  static Run run(Plan plan, int round, boolean preconnect)
      throws IOException, InterruptedException {
    // the holders' threads, one per connection the pool may open, started before the run as a
    // service's request threads are: a cached pool made them at the step, in the thread that
    // handed the connection over (the driver's, when ready connections are served inline)
    ThreadPoolExecutor workers =
        new ThreadPoolExecutor(
            plan.maxPerEndpoint(),
            plan.maxPerEndpoint(),
            1,
            TimeUnit.MINUTES,
            new LinkedBlockingQueue<>());
    workers.prestartAllCoreThreads();
    try (StepPeer peer =
            plan.peerProcess()
                ? PeerProcess.start(plan.peerCore(), plan.connect(), plan.service())
                : new HandshakePeer(plan.connect(), plan.service());
        SocketPool pool =
            SocketPool.create(
                PoolConfig.builder()
                    .poolName("step-" + round + (preconnect ? "-pre" : "-plain"))
                    .maxPerEndpoint(plan.maxPerEndpoint())
                    .maxTotal(plan.maxPerEndpoint())
                    .maxConnectingPerEndpoint(plan.maxConnecting())
                    .initializer(HANDSHAKE)
                    .connectTimeout(Duration.ofSeconds(2))
                    .checkoutTimeout(Duration.ofSeconds(5))
                    .asyncInlineWhenReady(plan.inlineReady())
                    .build())) {
      Endpoint ep = Endpoint.of("127.0.0.1", peer.port());
      if (preconnect) {
        pool.preconnect(
            new PreconnectPolicy(
                    plan.target(),
                    Duration.ofMillis(200),
                    Duration.ofMillis(10),
                    Duration.ofMillis(50),
                    Duration.ofSeconds(1))
                .withRateHeadroom(plan.headroom()));
      }
      WaitRecorder rec = new WaitRecorder(); // arrival to connection in hand: what a caller sees
      WaitRecorder late = new WaitRecorder(); // arrival to the call: the driver's own lateness
      WaitRecorder own = new WaitRecorder(); // the call to connection in hand: the pool's part
      java.util.concurrent.atomic.AtomicInteger outstanding =
          new java.util.concurrent.atomic.AtomicInteger();
      long t0 = System.nanoTime();
      long step = t0 + plan.before().toNanos();
      long end = step + plan.after().toNanos();
      int openedBeforeStep = -1;
      int modelAtStep = -1;
      int modelMax = -1;
      long nextModelLook = t0;
      long next = t0;
      while (next - end < 0) {
        if (openedBeforeStep < 0 && next - step >= 0) {
          openedBeforeStep = peer.accepted();
          modelAtStep = pool.preconnectTarget(ep).orElse(-1);
        }
        if (next - nextModelLook >= 0) { // what the policy asks for, every 10 ms of schedule
          modelMax = Math.max(modelMax, pool.preconnectTarget(ep).orElse(-1));
          nextModelLook += MODEL_LOOK_NANOS;
        }
        int rate = next - step < 0 ? plan.low() : plan.high();
        long arrival = next;
        long wait = arrival - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        outstanding.incrementAndGet();
        long issued = System.nanoTime();
        late.record(arrival, issued - arrival);
        CompletableFuture<?> unused =
            pool.checkoutAsync(ep)
                .whenComplete(
                    (c, failure) -> {
                      if (failure != null) {
                        rec.failed();
                        outstanding.decrementAndGet();
                        return;
                      }
                      long inHand = System.nanoTime();
                      rec.record(arrival, inHand - arrival);
                      own.record(arrival, inHand - issued);
                      workers.execute(
                          () -> {
                            exchange(c);
                            outstanding.decrementAndGet();
                          });
                    });
        next += 1_000_000_000L / rate;
      }
      long drainBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (outstanding.get() > 0 && System.nanoTime() - drainBy < 0) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // every checkout went back
      }
      workers.shutdown();
      workers.awaitTermination(10, TimeUnit.SECONDS);
      long sec = 1_000_000_000L;
      int model = pool.preconnectTarget(ep).orElse(-1);
      pool.stopPreconnect(); // no open after the counts are read
      EndpointStats stats = pool.stats(ep);
      return new Run(
          round,
          preconnect,
          rec.p99Ms(step - sec, step),
          rec.p99Ms(step, step + sec),
          rec.p99Ms(end - sec, end),
          rec.p99Ms(step, end),
          peer.accepted(),
          openedBeforeStep,
          stats.createdOnDemand(),
          stats.createdByPreconnect(),
          modelAtStep,
          Math.max(modelMax, model),
          model,
          rec.failures(),
          Split.of(late, step, end),
          Split.of(own, step, end));
    } finally {
      workers.shutdownNow();
    }
  }

  /** How often the driver looks at the size the model asks for. */
  private static final long MODEL_LOOK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private static void exchange(PooledConnection c) {
    try (c) {
      c.write(
          ByteBuffer.wrap("PING\r\n".getBytes(StandardCharsets.US_ASCII)), Duration.ofSeconds(2));
      c.readFully(ByteBuffer.allocate(7), Duration.ofSeconds(2));
      c.exchangeComplete();
    } catch (IOException e) {
      c.invalidate();
    }
  }
}
