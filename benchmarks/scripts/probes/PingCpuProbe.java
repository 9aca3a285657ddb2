// CPU time and allocation per PING, one thread, in one JVM: a dedicated channel, the raw pooled
// exchange (checkout, write, readFully, exchangeComplete, return) and RedisClient.ping(), in
// interleaved blocks against an embedded Redis. Thread CPU time (user + system) and allocated
// bytes hold up on a loaded machine far better than throughput does.
//
// usage (from the repository root, after `mvn -B -q -pl benchmarks -am package -DskipTests`):
//   taskset -c 0 java -cp benchmarks/target/benchmarks.jar benchmarks/scripts/probes/PingCpuProbe.java [PINGS_PER_BLOCK [ROUNDS]]
// prints, per client, the median over the rounds of wall µs, CPU µs and bytes allocated per PING.

import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.Validator;
import io.sockpool.redis.EmbeddedRedis;
import io.sockpool.redis.RedisClient;
import io.sockpool.redis.RedisPingValidator;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public class PingCpuProbe {
  interface Ping {
    void run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 11;
    Duration t = Duration.ofSeconds(2);
    try (EmbeddedRedis redis = EmbeddedRedis.start(List.of());
        SocketPool raw = pool("raw", Validator.NONE);
        SocketPool forClient = pool("redisclient", new RedisPingValidator());
        SocketChannel dedicated =
            SocketChannel.open(
                new InetSocketAddress(redis.endpoint().host(), redis.endpoint().port()))) {
      Endpoint ep = redis.endpoint();
      dedicated.setOption(StandardSocketOptions.TCP_NODELAY, true);
      RedisClient client = new RedisClient(forClient, ep, t);
      ByteBuffer req = ByteBuffer.wrap("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
      ByteBuffer rep = ByteBuffer.allocate(7);
      Map<String, Ping> pings = new LinkedHashMap<>();
      pings.put("dedicated", () -> {
        req.rewind();
        while (req.hasRemaining()) {
          dedicated.write(req);
        }
        rep.clear();
        while (rep.hasRemaining()) {
          if (dedicated.read(rep) < 0) {
            throw new java.io.EOFException();
          }
        }
      });
      pings.put("raw pooled", () -> {
        try (PooledConnection c = raw.checkout(ep)) {
          req.rewind();
          c.write(req, t);
          rep.clear();
          c.readFully(rep, t);
          c.exchangeComplete();
        }
      });
      pings.put("redisclient", client::ping);
      com.sun.management.ThreadMXBean tm =
          (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      long id = Thread.currentThread().getId();
      Map<String, List<double[]>> results = new LinkedHashMap<>();
      for (int r = -1; r < rounds; r++) { // round -1 warms up
        for (Map.Entry<String, Ping> e : pings.entrySet()) {
          long b0 = tm.getThreadAllocatedBytes(id);
          long c0 = tm.getCurrentThreadCpuTime();
          long w0 = System.nanoTime();
          for (int i = 0; i < n; i++) {
            e.getValue().run();
          }
          double wall = (System.nanoTime() - w0) / 1000.0 / n;
          double cpu = (tm.getCurrentThreadCpuTime() - c0) / 1000.0 / n;
          double bytes = (tm.getThreadAllocatedBytes(id) - b0) / (double) n;
          if (r >= 0) {
            results.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(new double[] {wall, cpu, bytes});
          }
        }
      }
      System.out.printf("medians over %d rounds of %d PINGs each%n", rounds, n);
      System.out.printf("%-12s %9s %9s %7s%n", "client", "wall µs", "CPU µs", "B/PING");
      for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
        System.out.printf("%-12s %9.2f %9.2f %7.1f%n", e.getKey(),
            median(e.getValue(), 0), median(e.getValue(), 1), median(e.getValue(), 2));
      }
    }
  }

  static SocketPool pool(String name, Validator validator) {
    Duration t = Duration.ofSeconds(2);
    return SocketPool.create(PoolConfig.builder().poolName("probe-" + name).maxTotal(1)
        .maxPerEndpoint(1).checkoutTimeout(t).connectTimeout(t).validator(validator).build());
  }

  static double median(List<double[]> rows, int column) {
    double[] v = rows.stream().mapToDouble(x -> x[column]).sorted().toArray();
    return v[v.length / 2];
  }
}
