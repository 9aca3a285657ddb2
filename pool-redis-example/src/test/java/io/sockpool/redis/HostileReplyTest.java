package io.sockpool.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.DestroyReason;
import io.sockpool.Endpoint;
import io.sockpool.EndpointStats;
import io.sockpool.PoolConfig;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.Responder;
import java.lang.management.ManagementFactory;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Replies that announce more than they send, or trickle: the client allocates in proportion to the
 * bytes that arrived, never to the announced length, and gives up at the call's deadline.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HostileReplyTest {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private FakePeer peer;
  private SocketPool pool;

  @AfterEach
  void closeEverything() throws Exception {
    if (pool != null) {
      pool.close();
      EndpointStats total = pool.stats().total();
      assertEquals(total.created(), total.destroyedTotal(), "nothing leaked: " + total);
    }
    if (peer != null) {
      peer.close();
    }
  }

  private RedisClient clientOf(Responder responder, Duration timeout) throws Exception {
    return clientOf(responder, timeout, RespLimits.defaults());
  }

  private RedisClient clientOf(Responder responder, Duration timeout, RespLimits limits)
      throws Exception {
    peer = new FakePeer(() -> responder);
    pool = SocketPool.create(PoolConfig.builder().poolName("hostile").maxPerEndpoint(1).build());
    return new RedisClient(pool, Endpoint.of(peer.host(), peer.port()), timeout, limits);
  }

  /** A peer answering GET with {@code reply}, anything else with +OK. */
  private static Responder answeringGetWith(byte[] reply) {
    return RespOverPoolTest.resp(
        args -> args.get(0).equals("GET") ? reply : "+OK\r\n".getBytes(StandardCharsets.US_ASCII));
  }

  private static long allocatedBy(ThrowingRunnable call) throws Exception {
    long thread = Thread.currentThread().getId();
    long before = THREADS.getThreadAllocatedBytes(thread);
    call.run();
    return THREADS.getThreadAllocatedBytes(thread) - before;
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void twelveByteHeaderAnnouncing512MibAllocatesLittleAndFailsAtTheDeadline() throws Exception {
    RedisClient client = clientOf(Responder.always("$536870912\r\n"), Duration.ofSeconds(1));
    long thread = Thread.currentThread().getId();
    long before = THREADS.getThreadAllocatedBytes(thread);
    long start = System.nanoTime();
    SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> client.get("k"));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    long allocated = THREADS.getThreadAllocatedBytes(thread) - before;
    assertTrue(
        allocated < 8L * 1024 * 1024,
        "the call allocated " + allocated + " bytes for a 12-byte reply announcing 512 MiB");
    assertTrue(millis >= 900 && millis < 3000, "failed after " + millis + " ms for a 1 s timeout");
    assertTrue(e.getMessage().contains("no complete reply to GET within 1000 ms"), e.getMessage());
    assertEquals(1, pool.stats().total().destroyed(DestroyReason.BROKEN));
  }

  @Test
  void arrayAnnouncingAHundredMillionElementsAllocatesLittleAndFailsAtTheDeadline()
      throws Exception {
    RedisClient client =
        clientOf(Responder.always("*100000000\r\n*100000000\r\n:1\r\n"), Duration.ofSeconds(1));
    long allocated =
        allocatedBy(() -> assertThrows(SocketTimeoutException.class, () -> client.call(true, "X")));
    assertTrue(allocated < 8L * 1024 * 1024, "the call allocated " + allocated + " bytes");
  }

  @Test
  void bulkStringOverTheDefaultLimitFailsAtItsHeaderAndDestroysTheConnection() throws Exception {
    RedisClient client = clientOf(Responder.always("$536870913\r\n"), Duration.ofSeconds(5));
    long start = System.nanoTime();
    RespLimitException e = assertThrows(RespLimitException.class, () -> client.get("k"));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertEquals(
        "a bulk string of 536870913 bytes announced at offset 1 is over the limit"
            + " maxBulkBytes = 536870912 (RespLimits)",
        e.getMessage());
    assertTrue(millis < 2500, "failed at the header, not the 5 s timeout: " + millis + " ms");
    EndpointStats s = pool.stats().total();
    assertEquals(1, s.destroyed(DestroyReason.BROKEN), s.toString());
    assertEquals(0, s.idle(), "the connection never went back: " + s);
  }

  @Test
  void eachLimitFailsTheCallNamingItAndDestroysTheConnection() throws Exception {
    RespLimits small =
        RespLimits.defaults()
            .withMaxBulkBytes(1000)
            .withMaxArrayElements(10)
            .withMaxDepth(2)
            .withMaxReplyBytes(2000);
    String over = "x".repeat(1001);
    String[][] cases = {
      {"$1001\r\n" + over + "\r\n", "maxBulkBytes", "1001"},
      {"*11\r\n", "maxArrayElements", "11"},
      {"*1\r\n*1\r\n*1\r\n:1\r\n", "maxDepth", "3"},
      {"*3\r\n$1000\r\n" + "y".repeat(1000) + "\r\n$1000\r\n", "maxReplyBytes", "2022"},
    };
    for (String[] c : cases) {
      RedisClient client = clientOf(Responder.always(c[0]), Duration.ofSeconds(5), small);
      RespLimitException e =
          assertThrows(RespLimitException.class, () -> client.call(true, "X"), c[1]);
      assertEquals(c[1], e.limitName(), e.getMessage());
      assertEquals(Long.parseLong(c[2]), e.announced(), e.getMessage());
      assertTrue(e.getMessage().contains("over the limit " + c[1] + " = "), e.getMessage());
      EndpointStats s = pool.stats().total();
      assertEquals(1, s.destroyed(DestroyReason.BROKEN), c[1] + ": " + s);
      closeEverything();
    }
    pool = null;
    peer = null;
  }

  @Test
  void aLimitBreachOnACheckedOutConnectionKeepsItFromThePool() throws Exception {
    clientOf(Responder.always("$2000\r\n" + "w".repeat(100)), Duration.ofSeconds(5));
    Endpoint endpoint = Endpoint.of(peer.host(), peer.port());
    try (PooledConnection c = pool.checkout(endpoint)) {
      RespLimitException e =
          assertThrows(
              RespLimitException.class,
              () ->
                  RespExchange.call(
                      c,
                      RespEncoder.command("GET", "k"),
                      "GET",
                      Duration.ofSeconds(5),
                      RespLimits.defaults().withMaxBulkBytes(1999)));
      assertEquals(2000, e.announced());
    } // returned without a complete exchange: the 100 bytes after the header are still unread
    EndpointStats s = pool.stats().total();
    assertEquals(1, s.destroyedTotal(), s.toString());
    assertEquals(0, s.idle(), s.toString());
  }

  @Test
  void replyTricklingInFailsAtTheCallsDeadline() throws Exception {
    RedisClient client =
        clientOf(
            answeringGetWith(ascii("$20\r\n" + "z".repeat(20) + "\r\n")), Duration.ofSeconds(1));
    peer.answerInPieces(1, Duration.ofMillis(300)); // 10 bytes over 3 s, then the rest
    long start = System.nanoTime();
    SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> client.get("k"));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(millis >= 900 && millis < 2500, "failed after " + millis + " ms for a 1 s timeout");
    assertTrue(e.getMessage().contains("bytes received)"), e.getMessage());
  }

  @Test
  void largeReplyInPiecesIsReadWholeWithinTheLimits() throws Exception {
    byte[] value = new byte[3_000_000];
    java.util.Arrays.fill(value, (byte) 'v');
    RedisClient client =
        clientOf(
            answeringGetWith(RespEncoder.encode(new RespValue.BulkString(value))),
            Duration.ofSeconds(10),
            RespLimits.defaults().withMaxBulkBytes(value.length));
    peer.answerInPieces(1000, Duration.ZERO);
    long allocated =
        allocatedBy(() -> assertEquals(value.length, client.get("k").orElseThrow().length()));
    assertTrue(
        allocated < 5L * value.length,
        "reading "
            + value.length
            + " bytes allocated "
            + allocated
            + " (array doubling, copy"
            + " and the String)");
    assertEquals(0, pool.stats().total().destroyedTotal(), pool.stats().toString());
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
