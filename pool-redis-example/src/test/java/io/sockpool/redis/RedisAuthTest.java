package io.sockpool.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.CheckoutException;
import io.sockpool.EndpointStats;
import io.sockpool.PoolConfig;
import io.sockpool.SocketPool;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * AUTH and SELECT through the pool's connection initializer, on a dedicated embedded server with
 * {@code requirepass} (never a shared REDIS_URL server: the test changes its password).
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RedisAuthTest {
  private static final String PASSWORD = "right-" + UUID.randomUUID();
  private static final String WRONG = "wrong-" + UUID.randomUUID();
  private static final String ALICE_PASSWORD = "alice-" + UUID.randomUUID();
  private static TestRedis redis;

  @BeforeAll
  static void startRedisWithAPassword() throws Exception {
    redis = TestRedis.dedicatedEmbedded(List.of());
    try (DirectRedisConnection admin = redis.admin()) {
      admin.callOk("ACL", "SETUSER", "alice", "on", ">" + ALICE_PASSWORD, "~*", "+@all");
      admin.callOk("CONFIG", "SET", "requirepass", PASSWORD);
    }
  }

  @AfterAll
  static void stopRedis() throws Exception {
    redis.close();
  }

  private static SocketPool pool(RedisInitializer initializer) {
    return SocketPool.create(
        PoolConfig.builder()
            .poolName("auth-test")
            .maxPerEndpoint(2)
            .initializer(initializer)
            .validator(new RedisPingValidator())
            .build());
  }

  @Test
  void wrongPasswordIsAClearErrorAndAppearsInNoLogLineOrMessage() throws Exception {
    RedisInitializer initializer = RedisInitializer.builder().password(WRONG.toCharArray()).build();
    SocketPool pool = pool(initializer);
    CheckoutException e;
    String logs;
    try (LogCapture capture = new LogCapture()) {
      try {
        RedisClient client = new RedisClient(pool, redis.endpoint(), Duration.ofSeconds(2));
        e = assertThrows(CheckoutException.class, client::ping);
        pool.warmUp(redis.endpoint(), 2); // the background path fails and logs too
      } finally {
        pool.close();
      }
      logs = capture.text();
    }
    RedisServerException cause = causeOfType(e, RedisServerException.class);
    assertEquals("WRONGPASS", cause.code());
    assertEquals(
        "AUTH failed on "
            + redis.endpoint()
            + ": WRONGPASS invalid username-password pair or user is disabled.",
        cause.getMessage());
    assertTrue(
        e.getMessage().contains("WRONGPASS"), "the checkout failure says why: " + e.getMessage());

    assertTrue(
        logs.contains(redis.endpoint().toString()),
        "the capture saw the pool's log lines:\n" + logs);
    String everything = logs + stackTrace(e) + initializer + pool.config() + pool;
    assertFalse(everything.contains(WRONG), "the password leaked:\n" + everything);
    assertFalse(everything.contains(PASSWORD));
    assertEquals(
        "RedisInitializer{username=(default), password=(set, hidden), database=0}",
        initializer.toString());
    EndpointStats total = pool.stats().total();
    assertEquals(total.created(), total.destroyedTotal(), "nothing leaked: " + total);
  }

  @Test
  void rightPasswordAuthenticatesEveryNewConnection() throws Exception {
    SocketPool pool = pool(RedisInitializer.builder().password(PASSWORD.toCharArray()).build());
    try {
      RedisClient client = new RedisClient(pool, redis.endpoint(), Duration.ofSeconds(2));
      assertEquals(2, pool.warmUp(redis.endpoint(), 2));
      client.ping();
      assertEquals("x", client.echo("x"));
    } finally {
      pool.close();
    }
  }

  @Test
  void aclUserAndDatabaseAreSetOnEveryNewConnection() throws Exception {
    String key = "sockpool-test:" + UUID.randomUUID();
    SocketPool pool =
        pool(
            RedisInitializer.builder()
                .username("alice")
                .password(ALICE_PASSWORD.toCharArray())
                .database(3)
                .build());
    try {
      RedisClient client = new RedisClient(pool, redis.endpoint(), Duration.ofSeconds(2));
      client.set(key, "in-db-3");
      assertEquals(
          Optional.of("alice"),
          Optional.ofNullable(
              ((RespValue.BulkString) client.call(true, "ACL", "WHOAMI")).asString()));
    } finally {
      pool.close();
    }
    try (DirectRedisConnection admin = redis.admin()) {
      admin.callOk("AUTH", PASSWORD);
      assertEquals(RespValue.NULL_BULK, admin.callOk("GET", key), "not in database 0");
      admin.callOk("SELECT", "3");
      assertEquals(RespValue.BulkString.of("in-db-3"), admin.callOk("GET", key));
      admin.callOk("DEL", key);
    }
  }

  @Test
  void withoutAuthTheServersNoauthErrorReachesTheCaller() throws Exception {
    SocketPool pool = pool(RedisInitializer.builder().build());
    try {
      RedisClient client = new RedisClient(pool, redis.endpoint(), Duration.ofSeconds(2));
      RedisServerException e = assertThrows(RedisServerException.class, client::ping);
      assertEquals("NOAUTH", e.code());
      assertEquals(
          "PING failed on " + redis.endpoint() + ": NOAUTH Authentication required.",
          e.getMessage());
    } finally {
      pool.close();
    }
  }

  @Test
  void wrongDatabaseIsAClearError() throws Exception {
    SocketPool pool =
        pool(RedisInitializer.builder().password(PASSWORD.toCharArray()).database(99).build());
    try {
      RedisClient client = new RedisClient(pool, redis.endpoint(), Duration.ofSeconds(2));
      CheckoutException e = assertThrows(CheckoutException.class, client::ping);
      RedisServerException cause = causeOfType(e, RedisServerException.class);
      assertEquals(
          "SELECT 99 failed on " + redis.endpoint() + ": ERR DB index is out of range",
          cause.getMessage());
    } finally {
      pool.close();
    }
  }

  @Test
  void builderRejectsBadValuesWithoutShowingThePassword() {
    assertEquals(
        "database must be >= 0, but was -1",
        assertThrows(IllegalArgumentException.class, () -> RedisInitializer.builder().database(-1))
            .getMessage());
    assertEquals(
        "password must not be empty, but was empty",
        assertThrows(
                IllegalArgumentException.class,
                () -> RedisInitializer.builder().password(new char[0]))
            .getMessage());
    assertEquals(
        "username 'bob' needs a password, but none was set",
        assertThrows(
                IllegalArgumentException.class,
                () -> RedisInitializer.builder().username("bob").build())
            .getMessage());
    assertEquals(
        "username must be non-blank without whitespace, but was 'a b'",
        assertThrows(
                IllegalArgumentException.class, () -> RedisInitializer.builder().username("a b"))
            .getMessage());
  }

  private static <T extends Throwable> T causeOfType(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in " + stackTrace(t));
  }

  private static String stackTrace(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }
}
