package io.sockpool.redis;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sockpool.PoolConfig;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A PING through the client allocates nothing of the client's own once compiled: no more than the
 * same exchange written by hand on a pooled connection (checkout, write, readFully,
 * exchangeComplete, return), whose bytes are the pool's own (its lease). Measured with the thread's
 * allocation counter over batches of each, alternating, as the JIT gets to the path; the client
 * once allocated 88 bytes per PING more than the hand-written exchange (an operation object, a view
 * of the shared request), which no batch gets below.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisClientAllocationTest {
  /** Room for a stray allocation, well below the 88 bytes per PING the client once added. */
  private static final double MAX_EXTRA_BYTES_PER_PING = 16;

  private static final int BATCH = 1_000;
  private static final int MAX_BATCHES = 150;

  @Test
  void pingAllocatesNoMoreThanTheHandWrittenExchangeOnceCompiled() throws Exception {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assumeTrue(threads.isThreadAllocatedMemorySupported(), "no per-thread allocation counter");
    threads.setThreadAllocatedMemoryEnabled(true);
    long id = Thread.currentThread().getId();
    try (TestRedis redis = TestRedis.startOrUseExternal();
        SocketPool pool =
            SocketPool.create(
                PoolConfig.builder()
                    .poolName("alloc-test")
                    .maxPerEndpoint(1)
                    .validator(new RedisPingValidator())
                    .build())) {
      RedisClient client = new RedisClient(pool, redis.endpoint(), Duration.ofSeconds(5));
      byte[] ping = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
      ByteBuffer request = ByteBuffer.wrap(ping);
      ByteBuffer reply = ByteBuffer.allocate(7);
      List<String> perBatch = new ArrayList<>();
      for (int b = 0; b < MAX_BATCHES; b++) {
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < BATCH; i++) {
          try (PooledConnection c = pool.checkout(redis.endpoint())) {
            request.rewind();
            c.write(request, Duration.ofSeconds(5));
            reply.clear();
            c.readFully(reply, Duration.ofSeconds(5));
            c.exchangeComplete();
          }
        }
        double raw = (threads.getThreadAllocatedBytes(id) - before) / (double) BATCH;
        before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < BATCH; i++) {
          client.ping();
        }
        double viaClient = (threads.getThreadAllocatedBytes(id) - before) / (double) BATCH;
        perBatch.add(viaClient + " vs " + raw);
        if (viaClient <= raw + MAX_EXTRA_BYTES_PER_PING) {
          return;
        }
      }
      fail(
          "no batch of "
              + BATCH
              + " PINGs through the client allocated <= "
              + MAX_EXTRA_BYTES_PER_PING
              + " bytes per PING more than the hand-written exchange in "
              + MAX_BATCHES
              + " batches; bytes per PING, client vs hand-written, by batch: "
              + perBatch);
    }
  }
}
