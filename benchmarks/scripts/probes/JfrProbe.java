// What the io.sockpool JFR events cost a checkout + return (no I/O, one endpoint, 10 pooled
// connections, as JfrOverheadBench), measured as the thread's CPU time per cycle, which unlike JMH's
// wall time leaves out the time the thread was descheduled on a loaded machine. One JVM, three
// states in interleaved blocks (each round starts with the next state):
//   none       no recording running (JFR was initialized by an earlier block)
//   recording  a recording running with the io.sockpool events disabled (their default)
//   events     a recording with the four io.sockpool events enabled at their default thresholds
// No JDK event is enabled in either recording, so the difference is sockpool's alone.
//
// usage (from the repository root, after `mvn -B -q -pl benchmarks -am package -DskipTests`):
//   taskset -c 0 java -cp benchmarks/target/benchmarks.jar benchmarks/scripts/probes/JfrProbe.java [CYCLES_PER_BLOCK [ROUNDS]]
// prints per state the median ns per cycle (min-max over rounds) and the median ratio to "none"
// within each round (min-max).

import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.SocketPool;
import io.sockpool.Validator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.Arrays;
import jdk.jfr.Recording;

public class JfrProbe {
  static final String[] STATES = {"none", "recording", "events"};
  static final String[] EVENTS = {
    "io.sockpool.Checkout", "io.sockpool.Connect", "io.sockpool.Destroy", "io.sockpool.BreakerTransition"
  };

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        SocketPool pool = SocketPool.create(PoolConfig.builder().poolName("jfr-probe").maxTotal(10)
            .maxPerEndpoint(10).checkoutTimeout(Duration.ofSeconds(2)).validator(Validator.NONE).build())) {
      Endpoint e = Endpoint.of("127.0.0.1", ((InetSocketAddress) server.getLocalAddress()).getPort());
      if (pool.warmUp(e, 10) != 10) {
        throw new IllegalStateException("warm-up of " + e + " fell short");
      }
      ThreadMXBean tm = ManagementFactory.getThreadMXBean();
      double[][] ns = new double[STATES.length][rounds];
      for (int r = -2; r < rounds; r++) { // two rounds of warm-up
        for (int k = 0; k < STATES.length; k++) {
          int s = (k + Math.max(r, 0)) % STATES.length;
          Recording rec = null;
          if (s > 0) {
            rec = new Recording();
            for (String ev : EVENTS) {
              if (s == 2) {
                rec.enable(ev); // its default threshold (Checkout: 20 ms)
              } else {
                rec.disable(ev);
              }
            }
            rec.start();
          }
          long t0 = tm.getCurrentThreadCpuTime();
          for (int i = 0; i < n; i++) {
            pool.checkout(e).close();
          }
          long t1 = tm.getCurrentThreadCpuTime();
          if (rec != null) {
            rec.stop();
            rec.close();
          }
          if (r >= 0) {
            ns[s][r] = (t1 - t0) / (double) n;
          }
        }
      }
      for (int s = 0; s < STATES.length; s++) {
        double[] v = ns[s].clone();
        Arrays.sort(v);
        double[] ratio = new double[rounds];
        for (int i = 0; i < rounds; i++) {
          ratio[i] = ns[s][i] / ns[0][i];
        }
        Arrays.sort(ratio);
        System.out.printf("%-10s %6.0f ns per checkout + return (%.0f-%.0f), ratio to none %.3f (%.3f-%.3f)%n",
            STATES[s], v[rounds / 2], v[0], v[rounds - 1], ratio[rounds / 2], ratio[0], ratio[rounds - 1]);
      }
    }
  }
}
