package io.sockpool.bench.group;

import io.sockpool.Connection;
import io.sockpool.Endpoint;
import io.sockpool.EndpointGroup;
import io.sockpool.GroupMemberStats;
import io.sockpool.PoolConfig;
import io.sockpool.SocketPool;
import io.sockpool.testkit.FakePeer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Recorder;

/**
 * Three members, one 20 ms slower per reply, under N threads of PING calls: the slow member's share
 * and the call latency (p50, p99) for the group (power of two choices over peak EWMA), for round
 * robin over the three endpoints (what a user would write), and for a group of the two healthy
 * members only. Modes run in interleaved rounds; medians and ranges over the rounds are printed.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.sockpool.bench.group.GroupHarness [threads] [seconds] [rounds]
 * </pre>
 */
public final class GroupHarness {
  private static final byte[] PING = "PING\r\n".getBytes(StandardCharsets.US_ASCII);

  private GroupHarness() {}

  /** One mode's result in one round. */
  private record Result(double slowShare, double p50Micros, double p99Micros, long calls) {}

  /** How a caller picks where to send a call. */
  private interface Caller {
    Endpoint call() throws IOException;
  }

  /**
   * Runs the comparison.
   *
   * @param args threads (16), seconds per mode per round (5), rounds (3)
   * @throws Exception if a peer cannot start
   */
  public static void main(String[] args) throws Exception {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 16;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    String[] modes = {"group-p2c", "round-robin", "healthy-only"};
    List<List<Result>> results = new ArrayList<>();
    for (int m = 0; m < modes.length; m++) {
      results.add(new ArrayList<>());
    }
    try (FakePeer a = new FakePeer();
        FakePeer b = new FakePeer();
        FakePeer slow = new FakePeer()) {
      slow.answerAfter(Duration.ofMillis(20));
      Endpoint ea = Endpoint.of(a.host(), a.port());
      Endpoint eb = Endpoint.of(b.host(), b.port());
      Endpoint es = Endpoint.of(slow.host(), slow.port());
      for (int r = 0; r < rounds; r++) {
        for (int m = 0; m < modes.length; m++) {
          try (SocketPool pool =
              SocketPool.create(
                  PoolConfig.builder()
                      .poolName("group-harness")
                      .maxPerEndpoint(threads)
                      .maxTotal(3 * threads)
                      .build())) {
            Caller caller = caller(modes[m], pool, ea, eb, es);
            Result res = run(caller, es, threads, seconds);
            results.get(m).add(res);
            System.out.printf(
                Locale.ROOT,
                "round %d %-12s calls %8d  slow share %6.2f %%  p50 %8.1f us  p99 %8.1f us%n",
                r + 1,
                modes[m],
                res.calls(),
                res.slowShare(),
                res.p50Micros(),
                res.p99Micros());
            if (modes[m].equals("group-p2c")) {
              for (GroupMemberStats s : pool.stats(group(ea, eb, es)).members()) {
                System.out.println("  " + s);
              }
            }
          }
        }
      }
    }
    System.out.printf(
        Locale.ROOT, "%nmedian (min-max) over %d rounds, %d threads:%n", rounds, threads);
    double healthyP99 = median(results.get(2), Result::p99Micros);
    for (int m = 0; m < modes.length; m++) {
      List<Result> rs = results.get(m);
      System.out.printf(
          Locale.ROOT,
          "%-12s slow share %s %%  p50 %s us  p99 %s us  p99 / healthy-only %.2f%n",
          modes[m],
          spread(rs, Result::slowShare),
          spread(rs, Result::p50Micros),
          spread(rs, Result::p99Micros),
          median(rs, Result::p99Micros) / healthyP99);
    }
  }

  private static EndpointGroup group(Endpoint a, Endpoint b, Endpoint slow) {
    return EndpointGroup.of("replicas", List.of(a, b, slow));
  }

  private static Caller caller(String mode, SocketPool pool, Endpoint a, Endpoint b, Endpoint s) {
    if (mode.equals("group-p2c")) {
      EndpointGroup g = group(a, b, s);
      return () -> pool.execute(g, GroupHarness::ping);
    }
    if (mode.equals("healthy-only")) {
      EndpointGroup two = EndpointGroup.of("healthy", List.of(a, b));
      return () -> pool.execute(two, GroupHarness::ping);
    }
    Endpoint[] all = {a, b, s};
    AtomicInteger next = new AtomicInteger();
    return () -> pool.execute(all[Math.floorMod(next.getAndIncrement(), 3)], GroupHarness::ping);
  }

  private static Endpoint ping(Connection c) throws IOException {
    c.write(ByteBuffer.wrap(PING), Duration.ofSeconds(2));
    ByteBuffer reply = ByteBuffer.allocate(7);
    c.readFully(reply, Duration.ofSeconds(2));
    c.exchangeComplete();
    return c.endpoint();
  }

  private static Result run(Caller caller, Endpoint slow, int threads, int seconds)
      throws Exception {
    Recorder latencies = new Recorder(3);
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicBoolean measuring = new AtomicBoolean(false);
    long[] slowCalls = new long[threads];
    long[] calls = new long[threads];
    ExecutorService exec = Executors.newFixedThreadPool(threads);
    List<Future<?>> loops = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int me = t;
      loops.add(
          exec.submit(
              () -> {
                while (running.get()) {
                  long t0 = System.nanoTime();
                  Endpoint to;
                  try {
                    to = caller.call();
                  } catch (IOException e) {
                    continue;
                  }
                  if (measuring.get()) {
                    latencies.recordValue((System.nanoTime() - t0) / 1000);
                    calls[me]++;
                    slowCalls[me] += to.equals(slow) ? 1 : 0;
                  }
                }
                return null;
              }));
    }
    Thread.sleep(1000); // warm-up
    latencies.reset();
    measuring.set(true);
    Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
    measuring.set(false);
    var h = latencies.getIntervalHistogram();
    running.set(false);
    for (Future<?> f : loops) {
      f.get(30, TimeUnit.SECONDS);
    }
    exec.shutdown();
    long total = Arrays.stream(calls).sum();
    long toSlow = Arrays.stream(slowCalls).sum();
    return new Result(
        total == 0 ? 0 : 100.0 * toSlow / total,
        h.getValueAtPercentile(50),
        h.getValueAtPercentile(99),
        total);
  }

  private static double median(List<Result> rs, java.util.function.ToDoubleFunction<Result> f) {
    double[] v = rs.stream().mapToDouble(f).sorted().toArray();
    return v[v.length / 2];
  }

  private static String spread(List<Result> rs, java.util.function.ToDoubleFunction<Result> f) {
    double[] v = rs.stream().mapToDouble(f).sorted().toArray();
    return String.format(Locale.ROOT, "%.2f (%.2f-%.2f)", v[v.length / 2], v[0], v[v.length - 1]);
  }
}
