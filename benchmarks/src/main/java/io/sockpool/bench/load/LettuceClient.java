package io.sockpool.bench.load;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.time.Duration;

/**
 * Lettuce as its documentation recommends: one thread-safe connection shared by every thread, the
 * synchronous API on top of its Netty event loop (commands from many threads are pipelined on that
 * one connection).
 */
final class LettuceClient implements PingClient {
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final RedisCommands<String, String> sync;

  LettuceClient(InetSocketAddress redis, Duration timeout) {
    RedisURI uri =
        RedisURI.builder()
            .withHost(redis.getHostString())
            .withPort(redis.getPort())
            .withTimeout(timeout)
            .build();
    this.client = RedisClient.create(uri);
    try {
      this.connection = client.connect();
    } catch (RuntimeException e) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      throw e;
    }
    this.sync = connection.sync();
  }

  @Override
  public Worker newWorker() {
    return () -> {
      String reply = sync.ping();
      if (!"PONG".equals(reply)) {
        throw new ProtocolException("expected PONG but got '" + reply + "'");
      }
    };
  }

  @Override
  public void close() {
    try {
      connection.close();
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}
