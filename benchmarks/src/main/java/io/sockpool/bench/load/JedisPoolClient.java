package io.sockpool.bench.load;

import io.sockpool.Endpoint;
import io.sockpool.redis.RedisTls;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.time.Duration;
import java.util.Optional;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;

/**
 * Jedis' {@link JedisPool} as users configure it: {@link JedisPoolConfig} defaults (which include
 * testWhileIdle on the evictor, not testOnBorrow) with maxTotal and maxIdle set to the harness'
 * pool size, and a bounded wait equal to sockpool's checkout timeout.
 */
// JedisPool is the point of this client: Jedis deprecates it for its newer client, but it is the
// commons-pool2 pool that deployed Jedis code runs, which sockpool is compared with
@SuppressWarnings("deprecation")
final class JedisPoolClient implements PingClient {
  private final JedisPool pool;

  JedisPoolClient(InetSocketAddress redis, int poolSize, Duration timeout) {
    this(redis, poolSize, timeout, null);
  }

  /**
   * Over TLS when {@code tls} is given: {@code JedisPool(config, host, port, timeout, password,
   * ssl=true, sslSocketFactory, sslParameters, hostnameVerifier)} as Jedis documents it, with the
   * harness's SSLContext, SNI and host name verification by the JDK (HTTPS identification).
   */
  JedisPoolClient(InetSocketAddress redis, int poolSize, Duration timeout, RedisTls tls) {
    JedisPoolConfig config = new JedisPoolConfig();
    config.setMaxTotal(poolSize);
    config.setMaxIdle(poolSize);
    config.setMaxWait(timeout);
    config.setBlockWhenExhausted(true);
    int millis = Math.toIntExact(timeout.toMillis());
    this.pool =
        tls == null
            ? new JedisPool(config, redis.getHostString(), redis.getPort(), millis)
            : new JedisPool(
                config,
                redis.getHostString(),
                redis.getPort(),
                millis,
                null,
                true,
                tls.socketFactory(),
                tls.parameters(Endpoint.of(redis.getHostString(), redis.getPort())),
                null);
  }

  @Override
  public Worker newWorker() {
    return () -> {
      try (Jedis jedis = pool.getResource()) {
        String reply = jedis.ping();
        if (!"PONG".equals(reply)) {
          throw new ProtocolException("expected PONG but got '" + reply + "'");
        }
      }
    };
  }

  @Override
  public Optional<String> diagnostics() {
    return Optional.of(
        "{active="
            + pool.getNumActive()
            + ", idle="
            + pool.getNumIdle()
            + ", waiting="
            + pool.getNumWaiters()
            + ", created="
            + pool.getCreatedCount()
            + ", destroyed="
            + pool.getDestroyedCount()
            + ", borrowed="
            + pool.getBorrowedCount()
            + ", waitMeanMicros="
            + pool.getMeanBorrowWaitDuration().toNanos() / 1000
            + ", waitMaxMicros="
            + pool.getMaxBorrowWaitDuration().toNanos() / 1000
            + "}");
  }

  @Override
  public void close() {
    pool.close();
  }
}
