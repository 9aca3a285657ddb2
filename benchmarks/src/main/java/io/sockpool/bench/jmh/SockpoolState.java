package io.sockpool.bench.jmh;

import io.sockpool.Endpoint;
import io.sockpool.EndpointStats;
import io.sockpool.PoolConfig;
import io.sockpool.SocketPool;
import io.sockpool.Validator;
import java.io.IOException;
import java.time.Duration;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A {@link SocketPool} to one or more loopback endpoints that accept and stay silent, with the same
 * sizes and wait as {@link BarePoolState}: maxTotal = maxPerEndpoint = poolSize, 2 s checkout
 * timeout, {@link Validator#NONE}, warmed up to poolSize connections per endpoint before measuring
 * (the count is printed and checked). Everything else is sockpool's default (circuit breaker,
 * liveness probe on borrow and return, statistics, the 1 s maintenance thread).
 */
@State(Scope.Benchmark)
public class SockpoolState {
  /** Connections per endpoint (maxPerEndpoint; maxTotal is poolSize x endpoints). */
  @Param({"10"})
  public int poolSize;

  /**
   * Endpoints (127.0.0.1, 127.0.0.2, ...); each checkout picks one from the {@link KeySequence}.
   * The large setup is 1,000 x 10 = 10,000 pooled connections.
   */
  @Param({"1", "1000"})
  public int endpoints;

  SocketPool pool;
  Endpoint[] all;
  private SilentListener server;

  /** Starts the peer, creates and warms the pool: poolSize connections to every endpoint. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    server = new SilentListener();
    pool =
        SocketPool.create(
            PoolConfig.builder()
                .poolName("jmh-sockpool")
                .maxTotal(poolSize * endpoints)
                .maxPerEndpoint(poolSize)
                .checkoutTimeout(Duration.ofSeconds(2))
                .validator(Validator.NONE)
                .build());
    all = new Endpoint[endpoints];
    for (int i = 0; i < endpoints; i++) {
      all[i] = Endpoint.of(server.address(i).getHostString(), server.port());
      int opened = pool.warmUp(all[i], poolSize);
      if (opened != poolSize) {
        throw new IllegalStateException(
            "warmUp opened " + opened + " of " + poolSize + " connections to " + all[i]);
      }
    }
    EndpointStats total = pool.stats().total();
    int pooled = total.idle() + total.active();
    System.out.println(
        "sockpool: "
            + endpoints
            + " endpoints x "
            + poolSize
            + ": idle "
            + total.idle()
            + " + active "
            + total.active()
            + " = "
            + pooled
            + " pooled connections");
    if (pooled != poolSize * endpoints) {
      throw new IllegalStateException(
          "expected " + poolSize * endpoints + " pooled connections, but the pool has " + pooled);
    }
  }

  /**
   * Returns the endpoint for the next checkout: the next in the sequence.
   *
   * @param keys the thread's sequence of endpoint draws
   */
  Endpoint next(KeySequence keys) {
    return all[keys.next(endpoints)];
  }

  /** Closes the pool and the peer. */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    pool.close();
    server.close();
  }
}
