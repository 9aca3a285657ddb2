package io.sockpool.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.EndpointStats;
import io.sockpool.PoolConfig;
import io.sockpool.SocketPool;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client against a real Redis (embedded, or REDIS_URL). */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RedisClientTest {
  private static TestRedis redis;
  private SocketPool pool;
  private RedisClient client;
  private final String prefix = "sockpool-test:" + UUID.randomUUID() + ":";

  @BeforeAll
  static void startRedis() {
    redis = TestRedis.startOrUseExternal();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    redis.close();
  }

  @BeforeEach
  void createPool() {
    pool =
        SocketPool.create(
            PoolConfig.builder()
                .poolName("client-test")
                .maxPerEndpoint(4)
                .validator(new RedisPingValidator())
                .build());
    client = new RedisClient(pool, redis.endpoint(), Duration.ofSeconds(2));
  }

  @AfterEach
  void closePool() throws Exception {
    try (DirectRedisConnection admin = redis.admin()) {
      admin.call("DEL", prefix + "a", prefix + "b", prefix + "n", prefix + "list");
    }
    pool.close();
    EndpointStats total = pool.stats().total();
    assertEquals(total.created(), total.destroyedTotal(), "nothing leaked: " + total);
  }

  @Test
  void pingGoesThroughThePool() throws Exception {
    client.ping();
    client.ping();
    EndpointStats s = pool.stats(redis.endpoint());
    assertEquals(1, s.created(), "the second PING reused the first connection: " + s);
    assertEquals(2, s.checkouts());
  }

  @Test
  void echoReturnsTheMessageIncludingLineBreaksAndUnicode() throws Exception {
    String message = "hello\r\nwörld ✓";
    assertEquals(message, client.echo(message));
  }

  @Test
  void setThenGetThenDel() throws Exception {
    assertEquals(Optional.empty(), client.get(prefix + "a"));
    client.set(prefix + "a", "1");
    client.set(prefix + "b", "2");
    assertEquals(Optional.of("1"), client.get(prefix + "a"));
    assertEquals(2, client.del(prefix + "a", prefix + "b", prefix + "missing"));
    assertEquals(Optional.empty(), client.get(prefix + "a"));
  }

  @Test
  void setWithExpirySetsTheTimeToLive() throws Exception {
    client.set(prefix + "a", "v", Duration.ofSeconds(30));
    long pttl = ((RespValue.RespInteger) client.call(true, "PTTL", prefix + "a")).value();
    assertTrue(pttl > 25_000 && pttl <= 30_000, "PTTL was " + pttl + " ms");
    client.set(prefix + "b", "v");
    assertEquals(
        new RespValue.RespInteger(-1), client.call(true, "PTTL", prefix + "b"), "no expiry");
  }

  @Test
  void setRejectsAnExpiryBelowOneMillisecond() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> client.set(prefix + "a", "v", Duration.ofNanos(500_000)));
    assertEquals("expiry must be whole milliseconds >= 1 ms, but was PT0.0005S", e.getMessage());
  }

  @Test
  void incrCountsAndFailsClearlyOnANonInteger() throws Exception {
    assertEquals(1, client.incr(prefix + "n"));
    assertEquals(2, client.incr(prefix + "n"));
    client.set(prefix + "a", "not a number");
    RedisServerException e =
        assertThrows(RedisServerException.class, () -> client.incr(prefix + "a"));
    assertEquals("ERR", e.code());
    assertTrue(
        e.getMessage()
            .startsWith("INCR failed on " + redis.endpoint() + ": ERR value is not an integer"),
        e.getMessage());
    assertEquals(0, pool.stats().total().destroyedTotal(), "an error reply keeps the connection");
  }

  @Test
  void getOnAListIsAWrongTypeError() throws Exception {
    client.call(false, "RPUSH", prefix + "list", "x");
    RedisServerException e =
        assertThrows(RedisServerException.class, () -> client.get(prefix + "list"));
    assertEquals("WRONGTYPE", e.code());
  }

  @Test
  void valueOverTheClientsLimitFailsThatCallOnlyAndItsConnectionIsDestroyed() throws Exception {
    client.set(prefix + "a", "x".repeat(2000));
    client.set(prefix + "b", "short");
    RedisClient strict =
        new RedisClient(
            pool,
            redis.endpoint(),
            Duration.ofSeconds(2),
            RespLimits.defaults().withMaxBulkBytes(1000));
    RespLimitException e = assertThrows(RespLimitException.class, () -> strict.get(prefix + "a"));
    assertEquals(
        "a bulk string of 2000 bytes announced at offset 1 is over the limit maxBulkBytes = 1000"
            + " (RespLimits)",
        e.getMessage());
    EndpointStats s = pool.stats().total();
    assertEquals(1, s.destroyedTotal(), "the connection with the rest of the value on it: " + s);
    assertEquals(Optional.of("short"), strict.get(prefix + "b"), "the next call is in step");
    assertEquals(2000, client.get(prefix + "a").orElseThrow().length());
  }

  @Test
  void valuesOfSeveralMegabytesRoundTrip() throws Exception {
    String big = "0123456789abcdef".repeat(256 * 1024); // 4 MiB
    client.set(prefix + "a", big);
    assertEquals(Optional.of(big), client.get(prefix + "a"));
  }

  @Test
  void arrayRepliesComeBackWhole() throws Exception {
    client.set(prefix + "a", "1");
    RespValue reply = client.call(true, "MGET", prefix + "a", prefix + "missing");
    assertEquals(
        new RespValue.RespArray(
            java.util.List.of(RespValue.BulkString.of("1"), RespValue.NULL_BULK)),
        reply);
  }
}
