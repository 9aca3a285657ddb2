package io.sockpool.bench.jmh;

import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.SocketPool;
import io.sockpool.Validator;
import io.sockpool.bench.load.RespPing;
import io.sockpool.redis.EmbeddedRedis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A {@link SocketPool} to a real redis-server (embedded, or the one in {@code REDIS_URL} as {@code
 * host:port}), sized like {@link SockpoolState}, with the validator and validation window chosen by
 * the subclass. The pool is warmed up to poolSize connections.
 */
@State(Scope.Benchmark)
public abstract class ValidationState {
  /** Connections per endpoint and in total. */
  @Param({"4", "16"})
  public int poolSize;

  SocketPool pool;
  Endpoint endpoint;
  private EmbeddedRedis redis;

  /** Returns the validator this variant uses. */
  abstract Validator validator();

  /** Returns the validation window this variant uses. */
  abstract Duration validationWindow();

  /** Starts Redis (unless REDIS_URL names one), creates and warms the pool. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    String url = System.getenv("REDIS_URL");
    if (url != null && !url.isBlank()) {
      endpoint = Endpoint.parse(url.replaceFirst("^redis://", "").replaceFirst("/.*$", ""));
    } else {
      redis = EmbeddedRedis.start(List.of());
      endpoint = redis.endpoint();
    }
    pool =
        SocketPool.create(
            PoolConfig.builder()
                .poolName("jmh-validation")
                .maxTotal(poolSize)
                .maxPerEndpoint(poolSize)
                .checkoutTimeout(Duration.ofSeconds(2))
                .validator(validator())
                .validationWindow(validationWindow())
                .build());
    int opened = pool.warmUp(endpoint, poolSize);
    if (opened != poolSize) {
      throw new IllegalStateException(
          "warmUp opened " + opened + " of " + poolSize + " connections to " + endpoint);
    }
  }

  /** Closes the pool and stops Redis. */
  @TearDown(Level.Trial)
  public void tearDown() {
    pool.close();
    if (redis != null) {
      try {
        redis.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  static Validator ping() {
    return Validator.expect(RespPing.REQUEST, RespPing.REPLY);
  }
}
