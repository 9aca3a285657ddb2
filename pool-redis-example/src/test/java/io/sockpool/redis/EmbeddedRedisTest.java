package io.sockpool.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EmbeddedRedisTest {

  @Test
  void embeddedServerAnswersAndTakesSettingsAndIsGoneAfterClose() throws Exception {
    EmbeddedRedis redis = EmbeddedRedis.start(List.of("maxclients 77"));
    try (DirectRedisConnection c =
        DirectRedisConnection.open(redis.endpoint(), Duration.ofSeconds(5))) {
      assertEquals(new RespValue.SimpleString("PONG"), c.call("PING"));
      RespValue.RespArray maxclients =
          (RespValue.RespArray) c.callOk("CONFIG", "GET", "maxclients");
      assertEquals(RespValue.BulkString.of("77"), maxclients.elements().get(1));
      RespValue.RespArray save = (RespValue.RespArray) c.callOk("CONFIG", "GET", "save");
      assertEquals(RespValue.BulkString.of(""), save.elements().get(1), "no RDB files written");
    } finally {
      redis.close();
      redis.close();
    }
    // stop() waits for the process to exit; allow the kernel a moment to drop the listener
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    IOException refused = null;
    while (refused == null && System.nanoTime() < deadline) {
      try (DirectRedisConnection c =
          DirectRedisConnection.open(redis.endpoint(), Duration.ofSeconds(1))) {
        Thread.sleep(50);
      } catch (IOException e) {
        refused = e;
      }
    }
    assertTrue(refused != null, "still accepting connections 2 s after close");
    assertTrue(refused.getCause() instanceof ConnectException, refused.toString());
    assertTrue(
        refused.getMessage().contains("cannot connect to Redis at " + redis.endpoint()),
        refused.getMessage());
  }

  @Test
  void directConnectionReportsServerErrorsWithTheServersText() throws Exception {
    try (TestRedis redis = TestRedis.startOrUseExternal();
        DirectRedisConnection c = redis.admin()) {
      RedisServerException e =
          assertThrows(RedisServerException.class, () -> c.callOk("NOSUCHCOMMAND"));
      assertEquals("ERR", e.code());
      assertTrue(
          e.getMessage()
              .startsWith("NOSUCHCOMMAND failed on " + redis.endpoint() + ": ERR unknown command"),
          e.getMessage());
    }
  }

  @Test
  void directConnectionNeverPutsArgumentsOtherThanASubcommandInMessages() throws Exception {
    try (TestRedis redis = TestRedis.dedicatedEmbedded(List.of());
        DirectRedisConnection c = redis.admin()) {
      RedisServerException auth =
          assertThrows(RedisServerException.class, () -> c.callOk("AUTH", "hunter2"));
      assertEquals("AUTH", auth.command());
      assertTrue(!auth.getMessage().contains("hunter2"), auth.getMessage());
      RedisServerException config =
          assertThrows(
              RedisServerException.class,
              () -> c.callOk("config", "set", "no-such-setting", "hunter2"));
      assertEquals("CONFIG SET", config.command());
      assertTrue(!config.getMessage().contains("hunter2"), config.getMessage());
    }
  }

  @Test
  void redisUrlMustBeHostAndPortWithoutCredentials() {
    assertEquals("example.org:6380", TestRedis.parseUrl("redis://example.org:6380").toString());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TestRedis.parseUrl("redis://user:secret@example.org:6380"));
    assertTrue(!e.getMessage().contains("secret"), e.getMessage());
  }
}
