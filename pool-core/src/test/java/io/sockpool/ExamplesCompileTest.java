package io.sockpool;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sockpool.sizing.PoolSizing;
import io.sockpool.sizing.SizingRecommendation;
import io.sockpool.sizing.SizingRequest;
import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.FakePeerExtension;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The code examples of the README ("Using the pool", "Sizing the pool") and of the {@link
 * SocketPool} and {@link PoolSizing} class comments, copied here so that they compile and run
 * against a real peer. The changes: the endpoint is a parameter (a {@link FakePeer} answering
 * {@code PING} with {@code +PONG}) instead of {@code localhost:6379}, and what the example reads is
 * returned or asserted. When an example changes, change it here too.
 */
@Timeout(30)
@ExtendWith(FakePeerExtension.class)
class ExamplesCompileTest {
  private FakePeer peer; // started before each test, closed after it

  /**
   * An example's timeout, stretched: the examples' values (100-500 ms) suit a quiet network, but on
   * a 2-core CI machine kept busy by other work a first connect to a fresh peer has taken 900 ms.
   * The test checks the examples' calls and results, not their numbers.
   */
  private static Duration example(long millis) {
    return Duration.ofMillis(millis * 10);
  }

  private Endpoint peer() {
    return Endpoint.of(peer.host(), peer.port());
  }

  /** The {@link SocketPool} class comment's example; returns the reply it read. */
  private static String socketPoolJavadoc(Endpoint redis) throws IOException {
    String result;
    try (SocketPool pool = SocketPool.create(PoolConfig.builder().maxPerEndpoint(16).build())) {
      try (PooledConnection c = pool.checkout(redis, example(300))) {
        c.write(ByteBuffer.wrap("PING\r\n".getBytes(US_ASCII)), example(100));
        ByteBuffer reply = ByteBuffer.allocate(7); // "+PONG\r\n"
        c.readFully(reply, example(100));
        String pong = new String(reply.array(), US_ASCII);
        c.exchangeComplete(); // the whole reply was read: the connection may be reused
        result = pong;
      }
      assertEquals(0, pool.stats(redis).destroyedTotal(), pool.stats(redis).toString());
    }
    return result;
  }

  /** The {@link SocketPool#warmUp(Endpoint, int)} comment's example; returns how many it opened. */
  private static int warmUpJavadoc(SocketPool pool, Endpoint redis) {
    int opened = pool.warmUp(redis, 4);
    if (opened < 4) {
      // start anyway (checkouts connect on demand), or fail the service's readiness check
    }
    return opened;
  }

  @Test
  void theWarmUpJavadocExampleSeesHowManyOpenedAgainstALiveAndADeadPeer() {
    try (SocketPool pool = SocketPool.create(PoolConfig.builder().build())) {
      assertEquals(4, warmUpJavadoc(pool, peer()));
      assertEquals(0, warmUpJavadoc(pool, Endpoint.of("127.0.0.1", FakePeer.closedPort())));
    }
  }

  /** The README's "Using the pool"; returns what its exchanges read. */
  private static List<String> readme(Endpoint redis) throws IOException {
    List<String> replies = new ArrayList<>();
    PoolConfig config =
        PoolConfig.builder()
            .maxTotal(64)
            .maxPerEndpoint(16)
            .minIdlePerEndpoint(4)
            .checkoutTimeout(example(300)) // one deadline: wait + connect + validate
            .serverIdleTimeout(Duration.ofSeconds(300)) // the peer's own idle timeout...
            .idleTimeout(Duration.ofSeconds(240)) // ...and ours, below it (checked)
            .validator(
                Validator.expect("PING\r\n".getBytes(US_ASCII), "+PONG\r\n".getBytes(US_ASCII)))
            .build();

    try (SocketPool pool = SocketPool.create(config)) {
      int opened = pool.warmUp(redis); // opens minIdle connections in parallel
      if (opened < config.minIdlePerEndpoint()) {
        // not an exception: the pool logged one WARN with the cause, each failed connect counts
        // against the endpoint's breaker, and checkouts still connect on demand; fail a readiness
        // check here if the service must not start without its peer
        replies.add("warm-up opened only " + opened);
      }

      try (PooledConnection c = pool.checkout(redis)) { // close() returns it to the pool
        c.write(ByteBuffer.wrap("PING\r\n".getBytes(US_ASCII)), example(100));
        ByteBuffer reply = ByteBuffer.allocate(7); // "+PONG\r\n"
        c.readFully(reply, example(100)); // timed I/O: never blocks past its timeout
        replies.add(new String(reply.array(), US_ASCII));
        c.exchangeComplete(); // the whole reply is read: reusable
      } catch (CheckoutTimeoutException e) {
        replies.add(e.getMessage()); // what the pool was doing: active, idle, waiting, holders
      }

      String pong =
          pool.executeIdempotent(
              redis,
              c -> {
                c.write(ByteBuffer.wrap("PING\r\n".getBytes(US_ASCII)), example(100));
                ByteBuffer reply = ByteBuffer.allocate(7);
                c.readFully(reply, example(100));
                return new String(reply.array(), US_ASCII); // returning declares exchangeComplete()
              });
      replies.add(pong);

      long forgotten = pool.stats(redis).destroyed(DestroyReason.INCOMPLETE_EXCHANGE);
      replies.add("incomplete exchanges: " + forgotten);
    }
    return replies;
  }

  @Test
  void theSocketPoolJavadocExampleReadsThePong() throws IOException {
    assertEquals("+PONG\r\n", socketPoolJavadoc(peer()));
  }

  @Test
  void theReadmeExampleWarmsUpAndReadsThePongTwiceWithNothingIncomplete() throws IOException {
    // a short warm-up or a checkout timeout would add its own line
    assertEquals(List.of("+PONG\r\n", "+PONG\r\n", "incomplete exchanges: 0"), readme(peer()));
  }

  @Test
  void aForgottenExchangeCompleteShowsAsAnIncompleteExchangeDestroy() throws IOException {
    Endpoint redis = peer();
    try (SocketPool pool = SocketPool.create(PoolConfig.builder().build())) {
      for (int i = 0; i < 3; i++) {
        try (PooledConnection c = pool.checkout(redis)) {
          c.write(ByteBuffer.wrap("PING\r\n".getBytes(US_ASCII)), example(500));
          c.readFully(ByteBuffer.allocate(7), example(500));
          // no exchangeComplete(): the pool cannot know that the reply was read in full
        }
      }
      EndpointStats stats = pool.stats(redis);
      assertEquals(3, stats.destroyed(DestroyReason.INCOMPLETE_EXCHANGE), stats.toString());
      assertEquals(3, stats.created(), "every checkout had to open a new connection: " + stats);
    }
  }

  @Test
  void theSizingExamplesGiveTheNumbersTheirCommentsSay() {
    SizingRecommendation r = PoolSizing.recommend(1000, Duration.ofMillis(10), 0.20);
    assertEquals(12, r.connections());
    assertEquals(10.0, r.baseConcurrency(), 1e-9);
    assertEquals(2.0, r.buffer(), 1e-9);

    SizingRecommendation q =
        PoolSizing.recommend(
            SizingRequest.builder()
                .ratePerSecond(1000)
                .latency(Duration.ofMillis(10))
                .bufferFraction(0.20)
                .targetWaitProbability(0.01) // queueing model: at most 1 % of checkouts wait
                .cap(10_000, 40) // server maxclients 10000 shared by 40 instances
                .build());
    assertEquals(22, q.connections());
    assertEquals(0.0066, q.queueEstimate().orElseThrow().waitProbability(), 0.00005);
    assertEquals(false, q.exceedsCap());
  }
}
