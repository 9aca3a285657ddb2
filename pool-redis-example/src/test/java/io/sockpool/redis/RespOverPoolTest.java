package io.sockpool.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.CheckoutException;
import io.sockpool.DestroyReason;
import io.sockpool.Endpoint;
import io.sockpool.EndpointStats;
import io.sockpool.PoolConfig;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.Validator;
import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.Responder;
import io.sockpool.testkit.Slack;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The RESP code over real pooled sockets, against a scripted server that replies in pieces, with
 * errors or with garbage.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RespOverPoolTest {
  private FakePeer server;
  private Endpoint endpoint;
  private SocketPool pool;

  @AfterEach
  void noLeaks() throws Exception {
    if (pool != null) {
      pool.close();
      EndpointStats total = pool.stats().total();
      assertEquals(
          total.created(), total.destroyedTotal(), "every connection opened was closed: " + total);
    }
    if (server != null) {
      assertTrue(
          server.awaitOpenAtMost(0, Duration.ofSeconds(5)),
          "server still sees " + server.open() + " open connections");
      server.close();
    }
  }

  private void start(Function<List<String>, byte[]> script, int sliceBytes, Validator validator)
      throws Exception {
    server = new FakePeer(() -> resp(script));
    server.answerInPieces(sliceBytes, Duration.ofMillis(2));
    endpoint = Endpoint.of(server.host(), server.port());
    pool =
        SocketPool.create(
            PoolConfig.builder()
                .poolName("resp-test")
                .maxPerEndpoint(2)
                .maxTotal(2)
                .validator(validator)
                .validationWindow(Duration.ZERO)
                .build());
  }

  /** A RESP server's side: decodes each command and answers with what the script returns. */
  static Responder resp(Function<List<String>, byte[]> script) {
    RespDecoder decoder = new RespDecoder();
    ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
    return (data, length) -> {
      buf.put(data, 0, length).flip();
      List<byte[]> replies = new ArrayList<>();
      RespValue command;
      while ((command = decoder.decode(buf)) != null) {
        List<String> args =
            ((RespValue.RespArray) command)
                .elements().stream().map(v -> ((RespValue.BulkString) v).asString()).toList();
        replies.add(script.apply(args));
      }
      buf.compact();
      return replies;
    };
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void validatorAcceptsPongArrivingOneByteAtATime() throws Exception {
    start(cmd -> ascii("+PONG\r\n"), 1, Validator.NONE);
    try (PooledConnection c = pool.checkout(endpoint)) {
      new RedisPingValidator().validate(c, Duration.ofSeconds(2));
    }
    assertEquals(
        0, pool.stats().total().destroyedTotal(), "a good connection is kept: " + pool.stats());
  }

  @Test
  void validatorFailsCarryingTheServersErrorMessage() throws Exception {
    start(cmd -> ascii("-NOAUTH Authentication required.\r\n"), 5, Validator.NONE);
    try (PooledConnection c = pool.checkout(endpoint)) {
      RedisServerException e =
          assertThrows(
              RedisServerException.class,
              () -> new RedisPingValidator().validate(c, Duration.ofSeconds(2)));
      assertEquals("NOAUTH", e.code());
      assertEquals(
          "PING failed on " + endpoint + ": NOAUTH Authentication required.", e.getMessage());
    }
  }

  @Test
  void validatorRejectsAnyOtherReply() throws Exception {
    start(cmd -> ascii("$4\r\nPONG\r\n"), 64, Validator.NONE);
    try (PooledConnection c = pool.checkout(endpoint)) {
      RespProtocolException e =
          assertThrows(
              RespProtocolException.class,
              () -> new RedisPingValidator().validate(c, Duration.ofSeconds(2)));
      assertTrue(
          e.getMessage().contains("expected +PONG, but got bulk string $4 PONG"), e.getMessage());
    }
  }

  @Test
  void checkoutFailsWithTheServersErrorWhenThePoolsPingIsRefused() throws Exception {
    start(
        cmd -> ascii("-LOADING Redis is loading the dataset in memory\r\n"),
        3,
        new RedisPingValidator());
    // the first connection is new and trusted; once it idles, the borrow-time PING runs
    try (PooledConnection c = pool.checkout(endpoint)) {
      assertTrue(c.channel().isConnected());
      c.exchangeComplete(); // channel() is the raw-mode switch: declared, so the connection is kept
    }
    CheckoutException e =
        assertThrows(CheckoutException.class, () -> pool.checkout(endpoint).close());
    assertTrue(
        chain(e).contains("PING failed on " + endpoint + ": LOADING Redis is loading"), chain(e));
    assertTrue(
        pool.stats().total().destroyed(DestroyReason.VALIDATION) >= 1, pool.stats().toString());
  }

  @Test
  void clientReadsRepliesArrivingInPieces() throws Exception {
    String big = "x".repeat(20_000);
    start(
        cmd ->
            switch (cmd.get(0)) {
              case "PING" -> ascii("+PONG\r\n");
              case "ECHO" -> RespEncoder.encode(RespValue.BulkString.of(cmd.get(1)));
              case "INCR" -> ascii(":-7\r\n");
              case "GET" -> ascii("$-1\r\n");
              default -> ascii("+OK\r\n");
            },
        7,
        new RedisPingValidator());
    RedisClient client = new RedisClient(pool, endpoint, Duration.ofSeconds(5));
    client.ping();
    assertEquals(big, client.echo(big));
    assertEquals(-7, client.incr("k"));
    assertTrue(client.get("k").isEmpty());
    client.set("k", "v", Duration.ofSeconds(1));
    assertEquals(0, pool.stats().total().destroyedTotal(), pool.stats().toString());
  }

  @Test
  void garbageRaisesAClearErrorAndDestroysTheConnection() throws Exception {
    start(cmd -> ascii("HTTP/1.1 400 Bad Request\r\n\r\n"), 64, Validator.NONE);
    RedisClient client = new RedisClient(pool, endpoint, Duration.ofSeconds(2));
    RespProtocolException e = assertThrows(RespProtocolException.class, client::ping);
    assertEquals(
        "unexpected byte 'H' (0x48) at offset 0: a RESP2 value starts with one of + - : $ *",
        e.getMessage());
    assertEquals(0, e.offset().getAsLong());
    EndpointStats s = pool.stats().total();
    assertEquals(1, s.destroyed(DestroyReason.BROKEN), s.toString());
    assertEquals(0, s.idle() + s.active(), s.toString());
    assertTrue(server.awaitOpenAtMost(0, Duration.ofSeconds(5)), "the socket was closed");
  }

  @Test
  void replyOfTheWrongTypeDestroysTheConnection() throws Exception {
    start(cmd -> ascii(":1\r\n"), 64, Validator.NONE);
    RedisClient client = new RedisClient(pool, endpoint, Duration.ofSeconds(2));
    RespProtocolException e = assertThrows(RespProtocolException.class, () -> client.get("k"));
    assertTrue(
        e.getMessage().startsWith("GET never answers with integer :1: expected a bulk string"),
        e.getMessage());
    assertEquals(1, pool.stats().total().destroyed(DestroyReason.BROKEN));
  }

  @Test
  void bytesAfterTheReplyDestroyTheConnection() throws Exception {
    start(cmd -> ascii("+PONG\r\n+PONG\r\n"), 64, Validator.NONE);
    RedisClient client = new RedisClient(pool, endpoint, Duration.ofSeconds(2));
    RespProtocolException e = assertThrows(RespProtocolException.class, client::ping);
    assertTrue(
        e.getMessage()
            .startsWith(
                "7 unexpected bytes after the reply to PING, starting with '+' (0x2b) at offset 7"),
        e.getMessage());
    assertEquals(1, pool.stats().total().destroyed(DestroyReason.BROKEN));
  }

  @Test
  void serverErrorReplyKeepsTheConnection() throws Exception {
    start(cmd -> ascii("-ERR value is not an integer or out of range\r\n"), 64, Validator.NONE);
    RedisClient client = new RedisClient(pool, endpoint, Duration.ofSeconds(2));
    RedisServerException e = assertThrows(RedisServerException.class, () -> client.incr("k"));
    assertEquals(
        "INCR failed on " + endpoint + ": ERR value is not an integer or out of range",
        e.getMessage());
    EndpointStats s = pool.stats().total();
    assertEquals(0, s.destroyedTotal(), s.toString());
    assertEquals(1, s.idle(), s.toString());
  }

  @Test
  void silentServerTimesOutWithinTheCommandTimeoutAndTheConnectionIsDestroyed() throws Exception {
    start(cmd -> new byte[0], 64, Validator.NONE);
    RedisClient client = new RedisClient(pool, endpoint, Duration.ofMillis(300));
    long start = System.nanoTime();
    SocketTimeoutException e = assertThrows(SocketTimeoutException.class, client::ping);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(
        ms >= 250 && ms < Slack.upToMillis(Duration.ofMillis(300)),
        "timed out after " + ms + " ms for a 300 ms timeout");
    assertTrue(e.getMessage().contains("PING"), e.getMessage());
    assertEquals(1, pool.stats().total().destroyed(DestroyReason.BROKEN));
  }

  static String chain(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c).append(" <- ");
    }
    return sb.toString();
  }
}
