// Checkout + return at 1 and at 1,000 endpoints (10 connections each, 10,000 in all), one thread,
// both pools in one JVM, blocks interleaved, each endpoint drawn at random per checkout as in JMH's
// CheckoutReturnBench; per block the thread's CPU time per cycle (which, unlike wall time, leaves
// out the time the thread was descheduled on a loaded machine). The silent peer runs in a child JVM
// (this file started with "listen"), so that its 10,000 accepted sockets do not count against this
// process's descriptor limit.
//
// usage (from the repository root, after `mvn -B -q -pl benchmarks -am package -DskipTests`):
//   taskset -c 0 java -Xms512m -Xmx512m -cp benchmarks/target/benchmarks.jar benchmarks/scripts/probes/FlatProbe.java [CYCLES_PER_BLOCK [ROUNDS]]
// prints the median ns per cycle (min-max over rounds) at 1 and 1,000 endpoints, and the ratio.

import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.SocketPool;
import io.sockpool.Validator;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

public class FlatProbe {
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("listen")) {
      listen();
      return;
    }
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 600_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String self = System.getProperty("jdk.internal.java.source.file", "benchmarks/scripts/probes/FlatProbe.java");
    Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        self, "listen").redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      String line = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII)).readLine();
      int port = Integer.parseInt(line.substring("port ".length()).strip());
      int[] counts = {1, 1000};
      SocketPool[] pools = new SocketPool[2];
      Endpoint[][] endpoints = new Endpoint[2][];
      for (int p = 0; p < 2; p++) {
        int e = counts[p];
        pools[p] = SocketPool.create(PoolConfig.builder().poolName("flat-" + e).maxTotal(10 * e)
            .maxPerEndpoint(10).checkoutTimeout(Duration.ofSeconds(2)).validator(Validator.NONE).build());
        endpoints[p] = new Endpoint[e];
        for (int i = 0; i < e; i++) {
          endpoints[p][i] = Endpoint.of("127.0." + (i / 250) + "." + (1 + i % 250), port);
          if (pools[p].warmUp(endpoints[p][i], 10) != 10) {
            throw new IllegalStateException("warm-up of " + endpoints[p][i] + " fell short");
          }
        }
      }
      SplittableRandom random = new SplittableRandom(0x5eed_0000L);
      int[] draws = new int[1 << 14];
      for (int i = 0; i < draws.length; i++) {
        draws[i] = random.nextInt() >>> 1;
      }
      ThreadMXBean tm = ManagementFactory.getThreadMXBean();
      double[][] ns = new double[2][rounds];
      for (int r = -2; r < rounds; r++) { // two rounds of warm-up
        for (int p = 0; p < 2; p++) {
          Endpoint[] all = endpoints[p];
          long t0 = tm.getCurrentThreadCpuTime();
          for (int i = 0; i < n; i++) {
            int k = (int) ((draws[i & (draws.length - 1)] * (long) all.length) >>> 31);
            pools[p].checkout(all[k]).close();
          }
          if (r >= 0) {
            ns[p][r] = (tm.getCurrentThreadCpuTime() - t0) / (double) n;
          }
        }
      }
      for (int p = 0; p < 2; p++) {
        double[] v = ns[p].clone();
        Arrays.sort(v);
        System.out.printf("%,5d endpoints: %.0f ns per checkout + return (%.0f-%.0f)%n",
            counts[p], v[rounds / 2], v[0], v[rounds - 1]);
      }
      double[] ratio = new double[rounds];
      for (int i = 0; i < rounds; i++) {
        ratio[i] = ns[1][i] / ns[0][i];
      }
      Arrays.sort(ratio);
      System.out.printf("flat (1,000 / 1, within each round): %.2f (%.2f-%.2f)%n",
          ratio[rounds / 2], ratio[0], ratio[rounds - 1]);
      for (SocketPool pool : pools) {
        pool.close();
      }
    } finally {
      child.getOutputStream().close();
      child.waitFor();
    }
  }

  /** The child: accepts on every loopback address and never reads, until stdin closes. */
  static void listen() throws Exception {
    ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("0.0.0.0", 0), 4096);
    List<SocketChannel> accepted = new ArrayList<>();
    Thread acceptor = new Thread(() -> {
      try {
        while (true) {
          accepted.add(server.accept());
        }
      } catch (java.io.IOException e) {
        // closed: done
      }
    });
    acceptor.setDaemon(true);
    acceptor.start();
    System.out.println("port " + ((InetSocketAddress) server.getLocalAddress()).getPort());
    System.out.flush();
    while (System.in.read() >= 0) {
      // until the parent closes our stdin
    }
    server.close();
  }
}
