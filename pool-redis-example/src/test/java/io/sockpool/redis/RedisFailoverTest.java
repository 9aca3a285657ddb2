package io.sockpool.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.AddressResolver;
import io.sockpool.AddressStats;
import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.SocketPool;
import io.sockpool.testkit.Slack;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fault suite's failover case: a Redis primary behind a host name, the name moved to a second
 * Redis while the client keeps sending idempotent commands; once the pool has left the old primary
 * it is stopped, so a call still sent there would fail. Two embedded redis-servers on one port, at
 * 127.0.0.2 and 127.0.0.3.
 */
class RedisFailoverTest {
  private static final int THREADS = 4;
  private static final Duration INTERVAL = Duration.ofMillis(200);
  private static final Duration EVICTION = Duration.ofMillis(50);

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void whenTheNameMovesToTheNewPrimaryAndTheOldOneStopsNoIdempotentCallFails() throws Exception {
    EmbeddedRedis[] servers = startPair();
    EmbeddedRedis primary = servers[0];
    EmbeddedRedis next = servers[1];
    int port = primary.endpoint().port();
    InetAddress oldAddress = InetAddress.getByName(primary.endpoint().host());
    InetAddress newAddress = InetAddress.getByName(next.endpoint().host());
    AtomicReference<List<InetAddress>> dns = new AtomicReference<>(List.of(oldAddress));
    AddressResolver resolver = (host, timeout) -> dns.get();
    Endpoint name = Endpoint.of("redis.test", port);
    ExecutorService workers = Executors.newFixedThreadPool(THREADS);
    SocketPool pool =
        SocketPool.create(
            PoolConfig.builder()
                .poolName("failover-test")
                .maxPerEndpoint(THREADS)
                .maxTotal(THREADS)
                .validator(new RedisPingValidator())
                .addressResolver(resolver)
                .reresolveInterval(INTERVAL)
                .evictionInterval(EVICTION)
                .build());
    try {
      RedisClient client = new RedisClient(pool, name, Duration.ofSeconds(2));
      assertEquals(THREADS, pool.warmUp(name, THREADS));
      Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
      AtomicLong calls = new AtomicLong();
      AtomicBoolean running = new AtomicBoolean(true);
      List<Future<?>> loops = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        String key = "failover:" + UUID.randomUUID();
        loops.add(
            workers.submit(
                () -> {
                  for (long i = 0; running.get(); i++) {
                    try {
                      client.ping();
                      assertEquals("v" + i, client.echo("v" + i));
                      client.set(key, "v" + i, Duration.ofSeconds(60));
                      client.get(key);
                    } catch (IOException | RuntimeException | AssertionError e) {
                      failures.add(e);
                    }
                    calls.addAndGet(4);
                  }
                  return null;
                }));
      }
      Thread.sleep(300);
      long before = calls.get();
      long switched = System.nanoTime();
      dns.set(List.of(newAddress)); // the failover moves the name
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (connectionsTo(pool, name, oldAddress) > 0 && System.nanoTime() < deadline) {
        Thread.sleep(2);
      }
      long drainedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - switched);
      assertEquals(0, connectionsTo(pool, name, oldAddress), "connections to the old primary");
      assertTrue(
          drainedMillis < Slack.upToMillis(INTERVAL.plus(EVICTION)) + 1000,
          "drained after " + drainedMillis + " ms");
      // the old primary goes away: from now on a single call sent to it would fail
      primary.close();
      Thread.sleep(500);
      running.set(false);
      for (Future<?> f : loops) {
        f.get(10, TimeUnit.SECONDS);
      }
      System.out.println(
          "failover: name moved, last pool connection to the old primary gone after "
              + drainedMillis
              + " ms, then the old primary was stopped; "
              + calls.get()
              + " calls ("
              + (calls.get() - before)
              + " after the move), "
              + failures.size()
              + " failed");
      assertEquals(List.of(), new ArrayList<>(failures), "failed idempotent calls");
      assertTrue(calls.get() - before > 100, "calls after the move: " + (calls.get() - before));
      List<AddressStats> addresses = pool.addresses(name);
      assertEquals(1, addresses.size(), addresses.toString());
      assertEquals(new InetSocketAddress(newAddress, port), addresses.get(0).address());
      try (DirectRedisConnection admin =
          DirectRedisConnection.open(next.endpoint(), Duration.ofSeconds(5))) {
        String info = ((RespValue.BulkString) admin.callOk("INFO", "stats")).asString();
        assertTrue(
            info.contains("total_commands_processed:")
                && !info.contains("total_commands_processed:0\r"),
            "the new primary served the client");
      }
    } finally {
      workers.shutdownNow();
      pool.close();
      primary.close();
      next.close();
    }
  }

  private static int connectionsTo(SocketPool pool, Endpoint name, InetAddress address) {
    int n = 0;
    for (AddressStats a : pool.addresses(name)) {
      if (a.address().getAddress().equals(address)) {
        n += a.connections();
      }
    }
    return n;
  }

  /** Two servers on one free port: 127.0.0.2 (the primary) and 127.0.0.3. */
  private static EmbeddedRedis[] startPair() throws IOException {
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      EmbeddedRedis first = EmbeddedRedis.start("127.0.0.2", 0, List.of());
      try {
        return new EmbeddedRedis[] {
          first, EmbeddedRedis.start("127.0.0.3", first.endpoint().port(), List.of())
        };
      } catch (IOException portTaken) {
        last = portTaken;
        first.close();
      }
    }
    throw last;
  }
}
