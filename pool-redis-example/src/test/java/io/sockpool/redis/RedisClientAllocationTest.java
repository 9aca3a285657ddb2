package io.sockpool.redis;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sockpool.PoolConfig;
import io.sockpool.SocketPool;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A PING on the pool allocates nothing of the client's own once compiled: the pool's lease (40
 * bytes per checkout, kept on purpose) is all. Measured with the thread's allocation counter over
 * batches of PINGs, as the JIT gets to the path; the client once allocated 128 bytes per PING (an
 * operation object, a view of the shared request), which no batch gets below.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisClientAllocationTest {
  /** The lease (40 bytes) plus room for a stray allocation, well below the 128 bytes it was. */
  private static final double MAX_BYTES_PER_PING = 64;

  private static final int BATCH = 1_000;
  private static final int MAX_BATCHES = 150;

  @Test
  void pingAllocatesOnlyThePoolsLeaseOnceCompiled() throws Exception {
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
      List<Double> perBatch = new ArrayList<>();
      for (int b = 0; b < MAX_BATCHES; b++) {
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < BATCH; i++) {
          client.ping();
        }
        double bytes = (threads.getThreadAllocatedBytes(id) - before) / (double) BATCH;
        perBatch.add(bytes);
        if (bytes <= MAX_BYTES_PER_PING) {
          return;
        }
      }
      fail(
          "no batch of "
              + BATCH
              + " PINGs allocated <= "
              + MAX_BYTES_PER_PING
              + " bytes per PING in "
              + MAX_BATCHES
              + " batches; bytes per PING by batch: "
              + perBatch);
    }
  }
}
