package io.sockpool;

import static io.sockpool.TestSupport.endpoint;
import static io.sockpool.TestSupport.ping;
import static io.sockpool.ValidationTest.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.FakePeerExtension;
import io.sockpool.testkit.ProcessResources;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(20)
@ExtendWith(FakePeerExtension.class)
class EvictionAndOptionsTest {
  private FakePeer peer;

  @Test
  void idleConnectionsAreClosedBeforeTheServerTimeoutAndMinIdleIsRefilled() throws Exception {
    PoolConfig config =
        PoolConfig.builder()
            .poolName("evict")
            .maxPerEndpoint(4)
            .minIdlePerEndpoint(2)
            .serverIdleTimeout(Duration.ofMillis(500))
            .idleTimeout(Duration.ofMillis(200))
            .evictionInterval(Duration.ofMillis(20))
            .build();
    try (SocketPool pool = SocketPool.create(config)) {
      assertEquals(2, pool.warmUp(endpoint(peer)));
      assertFalse(ProcessResources.threadsNamed("evict-evictor").isEmpty(), "named evictor thread");
      waitUntil(() -> pool.stats(endpoint(peer)).destroyed(DestroyReason.IDLE) >= 2);
      waitUntil(() -> pool.stats(endpoint(peer)).idle() == 2);
      assertTrue(pool.stats(endpoint(peer)).created() >= 4, "evicted ones were replaced");
    }
  }

  @Test
  void aPeerThatNeverAnswersTheSynHoldsUpNeitherEvictionNorAnotherEndpointsMinIdle()
      throws Exception {
    PoolConfig config =
        PoolConfig.builder()
            .maxPerEndpoint(4)
            .minIdlePerEndpoint(2)
            .connectTimeout(Duration.ofSeconds(3))
            .idleTimeout(Duration.ofMillis(300))
            .evictionInterval(Duration.ofMillis(20))
            .build();
    try (TestSupport.Blackhole hole = new TestSupport.Blackhole();
        SocketPool pool = SocketPool.create(config)) {
      assertThrows(
          CheckoutTimeoutException.class,
          () -> pool.checkout(hole.endpoint(), Duration.ofMillis(50)));
      // the evictor now refills the blackholed endpoint: its connects hang for 3 s each
      assertEquals(2, pool.warmUp(endpoint(peer)));
      long start = System.nanoTime();
      pool.checkout(endpoint(peer)).invalidate();
      pool.checkout(endpoint(peer)).invalidate();
      waitUntil(() -> pool.stats(endpoint(peer)).idle() == 2);
      waitUntil(() -> pool.stats(endpoint(peer)).destroyed(DestroyReason.IDLE) >= 1);
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(ms < 2500, "refill and eviction went on while connects hung, took " + ms + " ms");
    }
  }

  @Test
  void connectionIdlePastIdleTimeoutIsNotHandedOutEvenBeforeTheEvictorRuns() throws Exception {
    PoolConfig config =
        PoolConfig.builder()
            .idleTimeout(Duration.ofMillis(100))
            .evictionInterval(Duration.ofMinutes(10))
            .build();
    try (SocketPool pool = SocketPool.create(config)) {
      pool.checkout(endpoint(peer)).close();
      Thread.sleep(150);
      try (PooledConnection c = pool.checkout(endpoint(peer))) {
        ping(c);
      }
      assertEquals(1, pool.stats(endpoint(peer)).destroyed(DestroyReason.IDLE));
      assertEquals(2, peer.accepted());
    }
  }

  @Test
  void backgroundValidationClosesIdleConnectionsThatStopAnswering() throws Exception {
    PoolConfig config =
        PoolConfig.builder()
            .validator(TestSupport.PING)
            .backgroundValidation(true)
            .validationTimeout(Duration.ofMillis(100))
            .evictionInterval(Duration.ofMillis(30))
            .build();
    try (SocketPool pool = SocketPool.create(config)) {
      pool.checkout(endpoint(peer)).close();
      waitUntil(() -> peer.requests() >= 1); // the evictor pings idle connections
      peer.stall(true);
      waitUntil(() -> pool.stats(endpoint(peer)).destroyed(DestroyReason.VALIDATION) == 1);
      assertEquals(0, pool.stats(endpoint(peer)).idle());
    }
  }

  @Test
  void socketOptionsAreAppliedToEveryConnection() throws Exception {
    SocketOptions options =
        SocketOptions.builder()
            .keepAliveIdle(Duration.ofSeconds(30))
            .keepAliveInterval(Duration.ofSeconds(5))
            .keepAliveCount(4)
            .sendBufferSize(64 * 1024)
            .receiveBufferSize(128 * 1024)
            .build();
    try (SocketPool pool = SocketPool.create(PoolConfig.builder().socketOptions(options).build());
        PooledConnection c = pool.checkout(endpoint(peer))) {
      SocketChannel ch = c.channel();
      assertFalse(ch.isBlocking());
      assertTrue(ch.getOption(StandardSocketOptions.TCP_NODELAY));
      assertTrue(ch.getOption(StandardSocketOptions.SO_KEEPALIVE));
      assertTrue(ch.getOption(StandardSocketOptions.SO_SNDBUF) >= 64 * 1024);
      assertTrue(ch.getOption(StandardSocketOptions.SO_RCVBUF) >= 128 * 1024);
      if (ch.supportedOptions().contains(ExtendedSocketOptions.TCP_KEEPIDLE)) {
        assertEquals(30, ch.getOption(ExtendedSocketOptions.TCP_KEEPIDLE));
        assertEquals(5, ch.getOption(ExtendedSocketOptions.TCP_KEEPINTERVAL));
        assertEquals(4, ch.getOption(ExtendedSocketOptions.TCP_KEEPCOUNT));
      }
    }
    SocketOptions plain = SocketOptions.builder().tcpNoDelay(false).keepAlive(false).build();
    try (SocketPool pool = SocketPool.create(PoolConfig.builder().socketOptions(plain).build());
        PooledConnection c = pool.checkout(endpoint(peer))) {
      assertFalse(c.channel().getOption(StandardSocketOptions.TCP_NODELAY));
      assertFalse(c.channel().getOption(StandardSocketOptions.SO_KEEPALIVE));
    }
  }
}
