package io.sockpool.bench.jmh;

import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.SocketPool;
import io.sockpool.Validator;
import io.sockpool.testkit.FakePeer;
import java.io.IOException;
import java.time.Duration;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A {@link SocketPool} to one loopback endpoint that accepts and stays silent, with the same sizes
 * and wait as {@link BarePoolState}: maxTotal = maxPerEndpoint = poolSize, 2 s checkout timeout,
 * {@link Validator#NONE}, warmed up to poolSize connections before measuring. Everything else is
 * sockpool's default (circuit breaker, liveness probe on borrow and return, statistics, the 1 s
 * maintenance thread).
 */
@State(Scope.Benchmark)
public class SockpoolState {
  /** Connections per endpoint and in total. */
  @Param({"4", "16"})
  public int poolSize;

  SocketPool pool;
  Endpoint endpoint;
  private FakePeer server;

  /** Starts the peer, creates and warms the pool. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    server = FakePeer.silent();
    endpoint = Endpoint.of(server.address().getHostString(), server.port());
    pool =
        SocketPool.create(
            PoolConfig.builder()
                .poolName("jmh-sockpool")
                .maxTotal(poolSize)
                .maxPerEndpoint(poolSize)
                .checkoutTimeout(Duration.ofSeconds(2))
                .validator(Validator.NONE)
                .build());
    int opened = pool.warmUp(endpoint, poolSize);
    if (opened != poolSize) {
      throw new IllegalStateException(
          "warmUp opened " + opened + " of " + poolSize + " connections");
    }
  }

  /** Closes the pool and the peer. */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    pool.close();
    server.close();
  }
}
