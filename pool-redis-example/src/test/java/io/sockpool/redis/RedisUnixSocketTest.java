package io.sockpool.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.Endpoint;
import io.sockpool.EndpointStats;
import io.sockpool.PoolConfig;
import io.sockpool.SocketPool;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RedisClient} and {@link DirectRedisConnection} over a {@code unix:///path} address,
 * against a real redis-server that listens only on a Unix domain socket.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RedisUnixSocketTest {
  @TempDir static Path dir;
  private static EmbeddedRedis server;
  private static RedisUri uri;

  @BeforeAll
  static void start() throws IOException {
    Path socket = dir.resolve("redis.sock");
    server = EmbeddedRedis.startUnix(socket, List.of());
    uri = RedisUri.parse("unix://" + socket);
  }

  @AfterAll
  static void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theUriGivesTheUnixEndpointThatRedisClientUses() throws IOException {
    Endpoint endpoint = uri.endpoint();
    assertEquals(server.endpoint(), endpoint);
    assertEquals(Optional.of(dir.resolve("redis.sock")), endpoint.unixPath());

    try (SocketPool pool =
        SocketPool.create(
            PoolConfig.builder()
                .poolName("unix-client")
                .maxPerEndpoint(2)
                .validator(new RedisPingValidator())
                .build())) {
      RedisClient client = new RedisClient(pool, endpoint, Duration.ofSeconds(2));
      client.ping();
      client.set("unix-key", "over a socket file");
      assertEquals(Optional.of("over a socket file"), client.get("unix-key"));
      assertEquals(1, client.del("unix-key"));
      EndpointStats stats = pool.stats().total();
      assertTrue(stats.created() >= 1, stats.toString());
    }
  }

  @Test
  void aSideConnectionTalksOverTheSocketAndTimesOutOnABlockedReply() throws IOException {
    try (DirectRedisConnection c =
        DirectRedisConnection.open(uri.endpoint(), Duration.ofMillis(300))) {
      assertEquals(new RespValue.SimpleString("PONG"), c.call("PING"));
      long t0 = System.nanoTime();
      SocketTimeoutException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              SocketTimeoutException.class, () -> c.call("BLPOP", "unix-nothing-here", "0"));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertTrue(ms >= 250, "waited the timeout, not less: " + ms + " ms");
      assertTrue(e.getMessage().contains("within 300 ms"), e.getMessage());
    }
  }
}
