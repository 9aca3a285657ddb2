package io.sockpool.bench.jmh;

import io.sockpool.CheckoutException;
import io.sockpool.Endpoint;
import io.sockpool.EndpointGroup;
import io.sockpool.PoolConfig;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.Validator;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a replica group adds to the checkout hot path: checkout + close of a plain endpoint, of a
 * group of that one endpoint, and of a group of three (127.0.0.1-3, the balancer's two random
 * draws, cost reads, in-flight counts and latency update, and the lease that reports the call's
 * end). No I/O; the peer accepts and stays silent; every endpoint warmed to {@code poolSize}
 * connections. Targets: a group of one within 5 % of the plain endpoint, a group of three within 15
 * %. Run by {@code benchmarks/scripts/group_cost.sh} (rounds interleaved, medians and ratios).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class GroupCheckoutBench {

  /** One pool, three warmed endpoints, the two groups. */
  @State(Scope.Benchmark)
  public static class Groups {
    SocketPool pool;
    Endpoint plain;
    EndpointGroup one;
    EndpointGroup three;
    private SilentListener server;

    /** Starts the peer, creates and warms the pool: 10 connections to each endpoint. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
      server = new SilentListener();
      pool =
          SocketPool.create(
              PoolConfig.builder()
                  .poolName("jmh-groups")
                  .maxTotal(30)
                  .maxPerEndpoint(10)
                  .checkoutTimeout(Duration.ofSeconds(2))
                  .validator(Validator.NONE)
                  .build());
      Endpoint[] eps = new Endpoint[3];
      for (int i = 0; i < eps.length; i++) {
        eps[i] = Endpoint.of(server.address(i).getHostString(), server.port());
        int opened = pool.warmUp(eps[i], 10);
        if (opened != 10) {
          throw new IllegalStateException("warmUp opened " + opened + " of 10 to " + eps[i]);
        }
      }
      plain = eps[0];
      one = EndpointGroup.of("one", List.of(eps[0]));
      three = EndpointGroup.of("three", List.of(eps));
    }

    /** Closes the pool and the peer. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      pool.close();
      server.close();
    }
  }

  /** checkout + close of the plain endpoint. */
  @Benchmark
  public PooledConnection plainEndpoint(Groups s) throws CheckoutException {
    PooledConnection c = s.pool.checkout(s.plain);
    c.close();
    return c;
  }

  /** checkout + close through a group of that one endpoint. */
  @Benchmark
  public PooledConnection groupOfOne(Groups s) throws CheckoutException {
    PooledConnection c = s.pool.checkout(s.one);
    c.close();
    return c;
  }

  /** checkout + close through a group of three endpoints. */
  @Benchmark
  public PooledConnection groupOfThree(Groups s) throws CheckoutException {
    PooledConnection c = s.pool.checkout(s.three);
    c.close();
    return c;
  }
}
