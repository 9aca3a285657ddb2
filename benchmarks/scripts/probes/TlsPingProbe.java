// What one pooled PING over TLS costs the load thread, sockpool against JedisPool: wall time (with
// p50 / p99 / p99.9 of the block), thread CPU time, bytes allocated and young collections, in
// interleaved blocks of one thread against the embedded redis-server with only a TLS port (the
// load harness's --tls setup: a throwaway CA, full verification, one connection per pool).
//
// usage (from the repository root, after `mvn -B -q -pl benchmarks -am package -DskipTests`):
//   taskset -c 0 java -cp benchmarks/target/benchmarks.jar benchmarks/scripts/probes/TlsPingProbe.java [PINGS_PER_BLOCK [ROUNDS]]
// System calls per PING: benchmarks/scripts/tls_syscalls.sh runs it under strace (tls_syscalls.py counts); before and after
// each measured block the load thread looks up a marker path (/tmp/tlsprobe-mark-CLIENT-start|end-N,
// one failed stat that strace records), so the count is of that thread between the two markers.

import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.TlsConfig;
import io.sockpool.Validator;
import io.sockpool.redis.EmbeddedRedis;
import io.sockpool.redis.RedisClient;
import io.sockpool.redis.RedisPingValidator;
import io.sockpool.redis.RedisTls;
import io.sockpool.redis.ThrowawayCertificates;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;

public class TlsPingProbe {
  interface Ping {
    void run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    Duration t = Duration.ofSeconds(2);
    try (ThrowawayCertificates certs = ThrowawayCertificates.create(List.of("localhost", "127.0.0.1"));
        EmbeddedRedis redis = EmbeddedRedis.startTls(certs, false, List.of())) {
      Endpoint ep = redis.endpoint();
      TlsConfig tls = TlsConfig.builder().trustPem(certs.caCert()).build();
      RedisTls sockets =
          RedisTls.fromPem(Optional.of(certs.caCert()), Optional.empty(), Optional.empty(), Optional.empty(), false);
      JedisPoolConfig jc = new JedisPoolConfig();
      jc.setMaxTotal(1);
      jc.setMaxIdle(1);
      jc.setMaxWait(t);
      try (SocketPool raw = pool("raw", Validator.NONE, tls);
          SocketPool forClient = pool("redisclient", new RedisPingValidator(), tls);
          JedisPool jedis =
              new JedisPool(jc, ep.host(), ep.port(), 2000, null, true, sockets.socketFactory(),
                  sockets.parameters(ep), null)) {
        raw.warmUp(ep, 1);
        forClient.warmUp(ep, 1);
        RedisClient client = new RedisClient(forClient, ep, t);
        ByteBuffer req = ByteBuffer.wrap("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
        ByteBuffer rep = ByteBuffer.allocate(7);
        Map<String, Ping> pings = new LinkedHashMap<>();
        pings.put("sockpool", () -> {
          try (PooledConnection c = raw.checkout(ep)) {
            req.rewind();
            c.write(req, t);
            rep.clear();
            c.readFully(rep, t);
            c.exchangeComplete();
          }
        });
        pings.put("redisclient", client::ping);
        pings.put("jedispool", () -> {
          try (Jedis j = jedis.getResource()) {
            if (!"PONG".equals(j.ping())) {
              throw new IllegalStateException("no PONG");
            }
          }
        });
        run(pings, n, rounds);
        System.out.printf("handshakes: sockpool %d, redisclient %d (one each: none per PING)%n",
            raw.tlsStats().handshakes(), forClient.tlsStats().handshakes());
      }
    }
  }

  static void run(Map<String, Ping> pings, int n, int rounds) throws Exception {
    com.sun.management.ThreadMXBean tm =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long[] lat = new long[n];
    Map<String, List<double[]>> results = new LinkedHashMap<>();
    for (int r = -2; r < rounds; r++) { // rounds -2 and -1 warm up (JIT)
      for (Map.Entry<String, Ping> e : pings.entrySet()) {
        Ping p = e.getValue();
        boolean measured = r >= 0;
        if (measured) {
          mark(e.getKey() + "-start-" + n);
        }
        long gc0 = gcCount();
        long b0 = tm.getThreadAllocatedBytes(id);
        long c0 = tm.getCurrentThreadCpuTime();
        long w0 = System.nanoTime();
        long prev = w0;
        for (int i = 0; i < n; i++) {
          p.run();
          long now = System.nanoTime();
          lat[i] = now - prev;
          prev = now;
        }
        double wall = (prev - w0) / 1000.0 / n;
        double cpu = (tm.getCurrentThreadCpuTime() - c0) / 1000.0 / n;
        double bytes = (tm.getThreadAllocatedBytes(id) - b0) / (double) n;
        long gcs = gcCount() - gc0;
        if (measured) {
          mark(e.getKey() + "-end-" + n);
          Arrays.sort(lat);
          results.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(new double[] {
            wall, cpu, bytes, gcs, lat[n / 2] / 1000.0, lat[(int) (n * 0.99)] / 1000.0,
            lat[(int) (n * 0.999)] / 1000.0
          });
        }
      }
    }
    System.out.printf("medians over %d interleaved rounds of %d PINGs each (one thread, TLS)%n", rounds, n);
    System.out.printf("%-12s %8s %8s %8s %9s %8s %8s %9s%n",
        "client", "wall µs", "CPU µs", "B/PING", "GCs/blk", "p50 µs", "p99 µs", "p99.9 µs");
    for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
      List<double[]> v = e.getValue();
      System.out.printf("%-12s %8.2f %8.2f %8.0f %9.1f %8.1f %8.1f %9.1f%n", e.getKey(),
          median(v, 0), median(v, 1), median(v, 2), median(v, 3), median(v, 4), median(v, 5),
          median(v, 6));
    }
  }

  /** A failed stat of a marker path: what strace records for tls_syscalls.sh. */
  static void mark(String what) {
    Files.exists(Path.of("/tmp/tlsprobe-mark-" + what));
  }

  static long gcCount() {
    long c = 0;
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      c += Math.max(0, b.getCollectionCount());
    }
    return c;
  }

  static SocketPool pool(String name, Validator validator, TlsConfig tls) {
    Duration t = Duration.ofSeconds(2);
    return SocketPool.create(PoolConfig.builder().poolName("tlsprobe-" + name).maxTotal(1)
        .maxPerEndpoint(1).checkoutTimeout(t).connectTimeout(t).validator(validator).tls(tls)
        .build());
  }

  static double median(List<double[]> rows, int column) {
    double[] v = rows.stream().mapToDouble(x -> x[column]).sorted().toArray();
    return v[v.length / 2];
  }
}
