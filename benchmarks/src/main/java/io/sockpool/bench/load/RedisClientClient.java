package io.sockpool.bench.load;

import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.SocketPool;
import io.sockpool.redis.RedisClient;
import io.sockpool.redis.RedisPingValidator;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * The project's own RESP client on sockpool, as its documentation configures it: {@link
 * RedisClient#ping()} on a pool with a {@link RedisPingValidator} (PING on borrow after the default
 * 500 ms idle window). Compared with {@code jedispool}, which calls Jedis' own {@code ping()}.
 */
final class RedisClientClient implements PingClient {
  private final SocketPool pool;
  private final Endpoint endpoint;
  private final RedisClient client;

  RedisClientClient(InetSocketAddress redis, int poolSize, Duration timeout) {
    this.endpoint = Endpoint.of(redis.getHostString(), redis.getPort());
    this.pool =
        SocketPool.create(
            PoolConfig.builder()
                .poolName("bench-redisclient")
                .maxTotal(poolSize)
                .maxPerEndpoint(poolSize)
                .checkoutTimeout(timeout)
                .connectTimeout(timeout)
                .validator(new RedisPingValidator())
                .build());
    this.client = new RedisClient(pool, endpoint, timeout);
  }

  @Override
  public Worker newWorker() {
    return client::ping;
  }

  @Override
  public Optional<String> diagnostics() {
    return Optional.of(pool.stats(endpoint).toString());
  }

  @Override
  public void close() {
    pool.close();
  }
}
