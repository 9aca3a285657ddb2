package io.sockpool;

import static io.sockpool.TestSupport.ascii;
import static io.sockpool.TestSupport.endpoint;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sockpool.testkit.FakePeer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code execute} and {@code executeIdempotent} declare the exchange complete only when the
 * operation read after its last write: an operation that wrote a request and returned without
 * reading its reply leaves a connection that is destroyed, never one whose late reply the next
 * operation reads.
 */
@Timeout(20)
class ExecuteExchangeTest {
  private static final Duration IO = Duration.ofSeconds(2);

  private FakePeer peer;
  private SocketPool pool;

  @BeforeEach
  void start() throws IOException {
    peer = new FakePeer();
    pool = SocketPool.create(PoolConfig.builder().maxPerEndpoint(1).build());
  }

  @AfterEach
  void stop() {
    pool.close();
    peer.close();
  }

  /** Writes {@code ECHO token} and returns without reading the reply. */
  private static Void sendOnly(Connection c, String token) throws IOException {
    c.write(ByteBuffer.wrap(ascii("ECHO " + token + "\r\n")), IO);
    return null;
  }

  /** Writes {@code ECHO token} and reads exactly the reply it expects, {@code +token\r\n}. */
  private static String echo(Connection c, String token) throws IOException {
    c.write(ByteBuffer.wrap(ascii("ECHO " + token + "\r\n")), IO);
    ByteBuffer reply = ByteBuffer.allocate(token.length() + 3);
    c.readFully(reply, IO);
    return new String(reply.array(), StandardCharsets.US_ASCII);
  }

  @Test
  void anOperationThatWroteWithoutReadingLeavesNoReplyForTheNextExecute() throws Exception {
    pool.execute(endpoint(peer), c -> sendOnly(c, "first"));
    ValidationTest.waitUntil(() -> peer.requests() == 1); // "+first" is on its way back
    assertEquals("+second\r\n", pool.execute(endpoint(peer), c -> echo(c, "second")));
    EndpointStats s = pool.stats(endpoint(peer));
    assertEquals(1, s.destroyed(DestroyReason.INCOMPLETE_EXCHANGE), s.toString());
    assertEquals(2, s.created(), s.toString());
  }

  @Test
  void executeIdempotentDoesNotDeclareAnUnreadReplyCompleteEither() throws Exception {
    pool.executeIdempotent(endpoint(peer), c -> sendOnly(c, "first"));
    ValidationTest.waitUntil(() -> peer.requests() == 1);
    assertEquals("+second\r\n", pool.executeIdempotent(endpoint(peer), c -> echo(c, "second")));
    assertEquals(1, pool.stats(endpoint(peer)).destroyed(DestroyReason.INCOMPLETE_EXCHANGE));
  }

  @Test
  void anOperationThatWritesAgainAfterItsLastReadLeavesAConnectionThatIsDestroyed()
      throws Exception {
    pool.execute(
        endpoint(peer),
        c -> {
          echo(c, "one");
          return sendOnly(c, "two"); // pipelined: the second reply is never read
        });
    ValidationTest.waitUntil(() -> peer.requests() == 2);
    assertEquals("+three\r\n", pool.execute(endpoint(peer), c -> echo(c, "three")));
    assertEquals(1, pool.stats(endpoint(peer)).destroyed(DestroyReason.INCOMPLETE_EXCHANGE));
  }

  @Test
  void operationsThatReadTheirRepliesKeepReusingOneConnection() throws Exception {
    for (int i = 0; i < 5; i++) {
      String token = "n" + i;
      assertEquals("+" + token + "\r\n", pool.execute(endpoint(peer), c -> echo(c, token)));
      assertEquals(
          "+" + token + "\r\n", pool.executeIdempotent(endpoint(peer), c -> echo(c, token)));
    }
    assertEquals(1, pool.stats(endpoint(peer)).created());
    assertEquals(0, pool.stats(endpoint(peer)).destroyedTotal());
  }

  @Test
  void anOperationThatWritesNothingLeavesAConnectionThatIsReused() throws Exception {
    pool.execute(endpoint(peer), c -> null);
    pool.executeIdempotent(endpoint(peer), c -> null);
    EndpointStats s = pool.stats(endpoint(peer));
    assertEquals(1, s.created(), s.toString());
    assertEquals(0, s.destroyedTotal(), s.toString());
  }
}
