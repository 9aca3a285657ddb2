package io.sockpool.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.DestroyReason;
import io.sockpool.EndpointStats;
import io.sockpool.PoolConfig;
import io.sockpool.SocketPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server closes pooled connections under the pool's feet: its idle timeout, and {@code CLIENT
 * KILL}. Against a real Redis (embedded, or REDIS_URL).
 */
class RedisServerFaultsTest {
  private static final int THREADS = 4;

  private TestRedis redis;
  private DirectRedisConnection admin;
  private ExecutorService workers;
  private final String key = "sockpool-test:" + UUID.randomUUID();
  private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
  private final AtomicLong requests = new AtomicLong();

  @BeforeEach
  void start() throws Exception {
    redis = TestRedis.startOrUseExternal();
    admin = redis.admin();
    workers = Executors.newFixedThreadPool(THREADS);
  }

  @AfterEach
  void stop() throws Exception {
    workers.shutdownNow();
    assertTrue(workers.awaitTermination(5, TimeUnit.SECONDS), "workers stopped");
    admin.close();
    try (DirectRedisConnection fresh = redis.admin()) { // the server may have timed the old one out
      fresh.call("DEL", key);
    }
    redis.close();
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void poolFollowingTheServerTimeoutLosesNoRequestAcrossLongPauses() throws Exception {
    RespValue.RespArray before = (RespValue.RespArray) admin.callOk("CONFIG", "GET", "timeout");
    String originalTimeout = ((RespValue.BulkString) before.elements().get(1)).asString();
    admin.callOk("CONFIG", "SET", "timeout", "2");
    try {
      SocketPool pool =
          SocketPool.create(
              PoolConfig.builder()
                  .poolName("timeout-test")
                  .maxPerEndpoint(THREADS)
                  .maxTotal(THREADS)
                  .idleTimeout(Duration.ofMillis(1500))
                  .serverIdleTimeout(Duration.ofSeconds(2))
                  .evictionInterval(Duration.ofMillis(100))
                  .validator(new RedisPingValidator())
                  .build());
      try {
        RedisClient client = new RedisClient(pool, redis.endpoint(), Duration.ofSeconds(2));
        for (int round = 0; round < 3; round++) {
          if (round > 0) {
            Thread.sleep(2600); // the workload pauses longer than the server's 2 s timeout
          }
          burst(client, 25, false);
        }
        EndpointStats s = pool.stats(redis.endpoint());
        assertEquals(List.of(), new ArrayList<>(failures), "failed requests");
        assertEquals(3 * THREADS * 25 * 3, requests.get());
        assertTrue(
            s.destroyed(DestroyReason.IDLE) >= 1,
            "the pool closed idle connections before the server did: " + s);
      } finally {
        pool.close();
      }
      admin.close();
      admin = redis.admin(); // the server timed the idle admin connection out too
      assertNoConnectionsLeft(pool);
    } finally {
      try (DirectRedisConnection fresh = redis.admin()) {
        fresh.callOk("CONFIG", "SET", "timeout", originalTimeout);
      }
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void killingEveryClientConnectionBetweenRequestsFailsNoIdempotentRequest() throws Exception {
    SocketPool pool =
        SocketPool.create(
            PoolConfig.builder()
                .poolName("kill-test")
                .maxPerEndpoint(THREADS)
                .maxTotal(THREADS)
                .validator(new RedisPingValidator())
                .build());
    long killed = 0;
    int rounds = 15;
    try {
      RedisClient client = new RedisClient(pool, redis.endpoint(), Duration.ofSeconds(2));
      assertEquals(THREADS, pool.warmUp(redis.endpoint(), THREADS));
      for (int round = 0; round < rounds; round++) {
        killed +=
            ((RespValue.RespInteger)
                    admin.callOk("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"))
                .value();
        burst(client, 10, true);
      }
      EndpointStats s = pool.stats(redis.endpoint());
      assertEquals(List.of(), new ArrayList<>(failures), "failed idempotent requests");
      assertEquals(rounds * THREADS * 10 * 3, requests.get());
      assertTrue(
          killed >= rounds,
          "CLIENT KILL closed " + killed + " connections in " + rounds + " rounds");
      assertTrue(
          s.destroyed(DestroyReason.VALIDATION) + s.destroyed(DestroyReason.BROKEN) >= rounds,
          "killed connections were noticed and destroyed: " + s);
    } finally {
      pool.close();
    }
    assertNoConnectionsLeft(pool);
  }

  /** Every worker thread runs {@code perThread} times SET, GET and PING (or PING, ECHO, GET). */
  private void burst(RedisClient client, int perThread, boolean readOnly) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      String value = "v" + t;
      done.add(
          workers.submit(
              () -> {
                go.await();
                for (int i = 0; i < perThread; i++) {
                  for (int op = 0; op < 3; op++) {
                    try {
                      if (op == 0) {
                        if (readOnly) {
                          client.ping();
                        } else {
                          client.set(key, value, Duration.ofSeconds(60));
                        }
                      } else if (op == 1) {
                        if (readOnly) {
                          assertEquals(value, client.echo(value));
                        } else {
                          client.get(key);
                        }
                      } else {
                        client.ping();
                      }
                    } catch (Exception | AssertionError e) {
                      failures.add(e);
                    }
                    requests.incrementAndGet();
                  }
                }
                return null;
              }));
    }
    go.countDown();
    for (Future<?> f : done) {
      f.get(20, TimeUnit.SECONDS);
    }
  }

  private void assertNoConnectionsLeft(SocketPool pool) throws Exception {
    EndpointStats total = pool.stats().total();
    assertEquals(total.created(), total.destroyedTotal(), "every connection closed: " + total);
    if (redis.isEmbedded()) {
      // only the admin connection is left on the server
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      int clients;
      while ((clients = connectedClients()) > 1 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(1, clients, "connections left on the server");
    }
  }

  private int connectedClients() throws Exception {
    String info = ((RespValue.BulkString) admin.callOk("INFO", "clients")).asString();
    for (String line : info.split("\r\n")) {
      if (line.startsWith("connected_clients:")) {
        return Integer.parseInt(line.substring("connected_clients:".length()).trim());
      }
    }
    throw new AssertionError("no connected_clients in INFO clients: " + info);
  }
}
