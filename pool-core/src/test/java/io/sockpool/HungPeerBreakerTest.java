package io.sockpool;

import static io.sockpool.TestSupport.PING;
import static io.sockpool.TestSupport.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.sockpool.testkit.FakePeer;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A peer that accepts connections and never answers (the kernel completes the handshake of a hung
 * server) opens its breaker within a bounded number of checkouts, with and without a validator and
 * whatever the checkout timeout is against the validation timeout; a caller whose deadline is
 * shorter than the peer's normal round trip never opens it. The default breaker (window 10, at
 * least 5 calls, 50 %) is used throughout: with every call failing it opens on the 5th.
 */
@Timeout(60)
class HungPeerBreakerTest {
  private static final Duration IO = Duration.ofSeconds(2);

  /** The callers' read timeout against the hung peer: well above the no-answer floor. */
  private static final Duration HUNG_READ = Duration.ofMillis(300);

  private static final int MINIMUM_CALLS = 5; // the default breaker's minimumNumberOfCalls

  private FakePeer peer;
  private SocketPool pool;

  @BeforeEach
  void startPeer() throws IOException {
    peer = new FakePeer();
  }

  @AfterEach
  void stop() {
    if (pool != null) {
      pool.close();
    }
    peer.close();
  }

  private Endpoint endpoint() {
    return TestSupport.endpoint(peer);
  }

  private CircuitBreaker breaker() {
    return pool.circuitBreakers().circuitBreaker(endpoint().toString());
  }

  /** One PING through {@code execute}, reading the reply within {@code read}. */
  private String call(Duration read) throws IOException {
    return pool.execute(
        endpoint(),
        c -> {
          c.write(ByteBuffer.wrap(ascii("PING\r\n")), IO);
          ByteBuffer reply = ByteBuffer.allocate(7);
          c.readFully(reply, read);
          return new String(reply.array(), StandardCharsets.US_ASCII);
        });
  }

  /**
   * Calls the hung peer until its breaker opens.
   *
   * @return how many calls it took
   */
  private int callsUntilOpen(int atMost) {
    for (int i = 1; i <= atMost; i++) {
      try {
        fail("the hung peer answered: " + call(HUNG_READ));
      } catch (SocketTimeoutException | CheckoutException expected) {
        // a read or a checkout (validation) that got no answer
      } catch (IOException e) {
        fail("a hung peer fails calls by timeouts only, got " + e, e);
      }
      if (breaker().getState() == CircuitBreaker.State.OPEN) {
        return i;
      }
    }
    return fail(
        "breaker still "
            + breaker().getState()
            + " after "
            + atMost
            + " calls to a hung peer: "
            + breaker().getMetrics().getNumberOfFailedCalls()
            + " failed, "
            + breaker().getMetrics().getNumberOfSuccessfulCalls()
            + " successful; "
            + pool.stats(endpoint()));
  }

  private void assertOpenAndFailingFast() {
    assertThrows(EndpointUnavailableException.class, () -> pool.checkout(endpoint()));
  }

  @Test
  void underTheDefaultsAHungPeerOpensItsBreakerOnTheFifthCall() {
    pool =
        SocketPool.create(PoolConfig.builder().build()); // no validator: new connections unvetted
    peer.stall(true);
    assertEquals(MINIMUM_CALLS, callsUntilOpen(3 * MINIMUM_CALLS));
    assertOpenAndFailingFast();
  }

  @Test
  void aHungPeerOpensItsBreakerWhenTheCheckoutTimeoutIsBelowTheValidationTimeout()
      throws Exception {
    pool =
        SocketPool.create(
            PoolConfig.builder()
                .checkoutTimeout(Duration.ofMillis(300))
                .validationTimeout(Duration.ofMillis(500))
                .validationWindow(Duration.ZERO)
                .validator(PING)
                .build());
    assertEquals(2, pool.warmUp(endpoint(), 2)); // idle connections: validated on borrow
    peer.stall(true);
    assertEquals(MINIMUM_CALLS, callsUntilOpen(3 * MINIMUM_CALLS));
    assertOpenAndFailingFast();
  }

  @Test
  void aHungPeerOpensItsBreakerWithALongCheckoutTimeoutAndAShortValidationTimeout()
      throws Exception {
    pool =
        SocketPool.create(
            PoolConfig.builder()
                .checkoutTimeout(Duration.ofSeconds(2))
                .validationTimeout(Duration.ofMillis(300))
                .validationWindow(Duration.ZERO)
                .validator(PING)
                .build());
    assertEquals(2, pool.warmUp(endpoint(), 2));
    peer.stall(true);
    assertEquals(MINIMUM_CALLS, callsUntilOpen(3 * MINIMUM_CALLS));
    assertOpenAndFailingFast();
  }

  @Test
  void aReadThatGetsNoAnswerFailsWithATimeoutThatSaysHowLongItWaited() throws Exception {
    pool = SocketPool.create(PoolConfig.builder().build());
    peer.stall(true);
    SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> call(HUNG_READ));
    assertTrue(
        e.getMessage().matches(".*" + endpoint() + ".*timed out after \\d+ ms.*"), e.getMessage());
    assertNull(e.getCause(), "the watchdog's close is the timeout itself, not a cause");
  }

  /** A peer whose every answer takes 20 ms, and callers that wait 5 ms. */
  private void slowPeerAndImpatientCallers(boolean learnFirst) throws Exception {
    peer.answerAfter(Duration.ofMillis(20));
    pool =
        SocketPool.create(
            PoolConfig.builder()
                .validationWindow(Duration.ZERO)
                .validator(PING)
                .maxPerEndpoint(2)
                .build());
    if (learnFirst) {
      for (int i = 0; i < 3; i++) {
        assertEquals("+PONG\r\n", call(IO)); // the endpoint's normal: about 20 ms
      }
    }
    // On a busy machine a 5 ms deadline may be noticed late, after the 20 ms reply arrived: then
    // the call or checkout succeeds, which is fine; what must never happen is a breaker failure.
    Duration impatient = Duration.ofMillis(5);
    for (int i = 0; i < 3 * MINIMUM_CALLS; i++) {
      try {
        call(impatient);
      } catch (SocketTimeoutException usually) {
        // the caller's own deadline
      }
      assertEquals(1, pool.warmUp(endpoint(), 1)); // an idle connection, PINGed on borrow
      try (PooledConnection served = pool.checkout(endpoint(), impatient)) {
        served.endpoint(); // returned at once, nothing exchanged
      } catch (CheckoutTimeoutException usually) {
        // the validation the idle connection needs takes 20 ms
      }
    }
    assertEquals(CircuitBreaker.State.CLOSED, breaker().getState());
    assertEquals(
        0, breaker().getMetrics().getNumberOfFailedCalls(), pool.stats(endpoint()).toString());
    assertEquals(0, pool.stats(endpoint()).destroyed(DestroyReason.VALIDATION));
  }

  @Test
  void callersWithADeadlineShorterThanThePeersNormalRoundTripNeverOpenItsBreaker()
      throws Exception {
    slowPeerAndImpatientCallers(true);
  }

  @Test
  void impatientCallersOfAPeerNeverMeasuredYetDoNotOpenItsBreakerEither() throws Exception {
    slowPeerAndImpatientCallers(false);
  }
}
