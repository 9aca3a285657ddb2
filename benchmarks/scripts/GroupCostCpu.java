import io.sockpool.Endpoint;
import io.sockpool.EndpointGroup;
import io.sockpool.PoolConfig;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.Validator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The replica group's cost on the checkout hot path in <em>CPU time</em> per checkout + close, for
 * a busy machine: the same three cases as {@code GroupCheckoutBench} (a plain endpoint, a group of
 * that one endpoint, a group of three on 127.0.0.1-3; every endpoint warmed to 10 connections, no
 * I/O), each timed with the thread's own CPU clock ({@link ThreadMXBean#getCurrentThreadCpuTime()})
 * so the time the thread waits for a core does not count. One JVM, three warm-up rounds, then
 * ROUNDS rounds of OPS operations per case, the order rotating each round; prints the median ns/op
 * with its spread and the median of the per-round ratios to the plain endpoint. On this project's
 * 2-core machine at load 16-20 its ratios matched a quiet JMH run (1.01x / 2.42x against 1.008x /
 * 2.447x). JMH's wall-clock numbers are the reference on a quiet machine ({@code group_cost.sh}).
 *
 * <p>Run (after {@code mvn -B -q -pl benchmarks -am package -DskipTests}): {@code taskset -c 0 java
 * -cp benchmarks/target/benchmarks.jar benchmarks/scripts/GroupCostCpu.java 7 1000000}.
 */
public class GroupCostCpu {
  static volatile Object sink;

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    int ops = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    List<SocketChannel> held = Collections.synchronizedList(new ArrayList<>());
    ServerSocketChannel first =
        ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    int port = ((InetSocketAddress) first.getLocalAddress()).getPort();
    List<ServerSocketChannel> listeners = new ArrayList<>(List.of(first));
    listeners.add(ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.2", port)));
    listeners.add(ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.3", port)));
    for (ServerSocketChannel s : listeners) {
      Thread t =
          new Thread(
              () -> {
                try {
                  while (true) {
                    held.add(s.accept()); // accepts and stays silent
                  }
                } catch (Exception e) {
                  // closed at exit
                }
              });
      t.setDaemon(true);
      t.start();
    }
    SocketPool pool =
        SocketPool.create(
            PoolConfig.builder()
                .poolName("group-cost-cpu")
                .maxTotal(30)
                .maxPerEndpoint(10)
                .checkoutTimeout(Duration.ofSeconds(2))
                .validator(Validator.NONE)
                .build());
    Endpoint[] eps = new Endpoint[3];
    for (int i = 0; i < eps.length; i++) {
      eps[i] = Endpoint.of("127.0.0." + (i + 1), port);
      if (pool.warmUp(eps[i], 10) != 10) {
        throw new IllegalStateException("could not open 10 connections to " + eps[i]);
      }
    }
    EndpointGroup one = EndpointGroup.of("one", List.of(eps[0]));
    EndpointGroup three = EndpointGroup.of("three", List.of(eps));
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    String[] names = {"plainEndpoint", "groupOfOne", "groupOfThree"};
    double[][] nsPerOp = new double[3][rounds];
    System.out.println("start, load average " + loadAverage());
    for (int r = -3; r < rounds; r++) {
      for (int k = 0; k < 3; k++) {
        int b = Math.floorMod(k + r, 3);
        long t0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < ops; i++) {
          PooledConnection c =
              b == 0 ? pool.checkout(eps[0]) : pool.checkout(b == 1 ? one : three);
          c.close();
          sink = c;
        }
        long t1 = mx.getCurrentThreadCpuTime();
        if (r >= 0) {
          nsPerOp[b][r] = (t1 - t0) / (double) ops;
        }
      }
    }
    System.out.printf("checkout + close, CPU ns/op, %d round(s) of %d: median (min-max)%n", rounds, ops);
    for (int b = 0; b < 3; b++) {
      double[] v = nsPerOp[b].clone();
      double[] ratio = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        ratio[r] = nsPerOp[b][r] / nsPerOp[0][r];
      }
      Arrays.sort(v);
      Arrays.sort(ratio);
      System.out.printf(
          "%-14s %8.1f (%.1f-%.1f)  ratio %.3f (%.3f-%.3f)%n",
          names[b], v[rounds / 2], v[0], v[rounds - 1], ratio[rounds / 2], ratio[0],
          ratio[rounds - 1]);
    }
    System.out.println("end, load average " + loadAverage());
    pool.close();
    System.exit(0);
  }

  private static String loadAverage() throws Exception {
    String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return f[0] + " " + f[1] + " " + f[2];
  }
}
