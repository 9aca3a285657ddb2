package io.sockpool.faults;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.sockpool.Connection;
import io.sockpool.PoolConfig;
import io.sockpool.Validator;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Settings and small helpers shared by the fault cases: the PING validator, the exchanges a
 * borrower runs, the breaker settings, and the report lines that docs/faults.md quotes.
 */
final class FaultKit {
  /** The pool's own generic validator: {@code PING\r\n}, expecting {@code +PONG\r\n}. */
  static final Validator PING_PONG = Validator.expect(ascii("PING\r\n"), ascii("+PONG\r\n"));

  /**
   * Slack on every upper time bound: the build machine has 2 cores shared with other builds. The
   * project's scheduling slack (2 s): 1 s was not enough for RecoveryTest's 64 callers at load
   * average ~20 (served 3.24 s after recovery against a 3 s bound).
   */
  static final Duration MARGIN = io.sockpool.testkit.Slack.SCHEDULING;

  /** How long an open breaker stays open before it lets probes through. */
  static final Duration BREAKER_OPEN = Duration.ofSeconds(1);

  private FaultKit() {}

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The breaker of every fault pool: a count window of 4 calls, judged from 2 calls on, opens at 50
   * % failures, stays open {@link #BREAKER_OPEN}, lets 2 probes through half-open.
   */
  static CircuitBreakerConfig breaker() {
    return CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(4)
        .minimumNumberOfCalls(2)
        .failureRateThreshold(50)
        .waitDurationInOpenState(BREAKER_OPEN)
        .permittedNumberOfCallsInHalfOpenState(2)
        .build();
  }

  /**
   * The base configuration of the fault pools: the PING validator with a 250 ms validation timeout,
   * 1 s checkout deadline, 500 ms connect timeout, the {@link #breaker()}.
   */
  static PoolConfig.Builder config() {
    return PoolConfig.builder()
        .validator(PING_PONG)
        .validationTimeout(Duration.ofMillis(250))
        .checkoutTimeout(Duration.ofSeconds(1))
        .connectTimeout(Duration.ofMillis(500))
        .closeGracePeriod(Duration.ofSeconds(1))
        .circuitBreakerConfig(breaker());
  }

  /**
   * One PING round trip on a checked-out connection.
   *
   * @throws IOException if the connection failed or answered something else
   */
  static void ping(Connection c, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    c.write(ByteBuffer.wrap(ascii("PING\r\n")), timeout);
    ByteBuffer reply = ByteBuffer.allocate(7);
    c.readFully(reply, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
    String got = new String(reply.array(), StandardCharsets.US_ASCII);
    if (!got.equals("+PONG\r\n")) {
      throw new ProtocolException("expected +PONG but got '" + printable(got) + "'");
    }
    c.exchangeComplete();
  }

  /**
   * Sends {@code ECHO token} and reads exactly the reply to that token.
   *
   * @throws CrossedReplyException if the bytes read are not this token's reply (another borrower's
   *     late reply, or a reply cut short): data crossed between borrowers
   * @throws IOException if the connection failed or timed out
   */
  static void echo(Connection c, String token, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    c.write(ByteBuffer.wrap(ascii("ECHO " + token + "\r\n")), timeout);
    byte[] expected = ascii("+" + token + "\r\n");
    ByteBuffer reply = ByteBuffer.allocate(expected.length);
    c.readFully(reply, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
    if (!Arrays.equals(expected, reply.array())) {
      throw new CrossedReplyException(
          "sent ECHO "
              + token
              + " but read '"
              + printable(new String(reply.array(), StandardCharsets.US_ASCII))
              + "'");
    }
    c.exchangeComplete();
  }

  /**
   * What a well-behaved caller does after {@code EndpointUnavailableException}: waits until the
   * breaker's next probe is allowed, at least 5 ms and at most 200 ms.
   */
  static void backOffUntil(Instant retryAfter) {
    long millis = Duration.between(Instant.now(), retryAfter).toMillis();
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.max(5, Math.min(200, millis))));
  }

  static String printable(String s) {
    return s.replace("\r", "\\r").replace("\n", "\\n");
  }

  static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  static double millis(long nanos) {
    return nanos / 1e6;
  }

  /**
   * Prints one measurement line, {@code [faults] <case>: <text>}, to the test's output
   * (target/surefire-reports/*-output.txt); docs/faults.md quotes these.
   */
  static void report(String caseName, String format, Object... args) {
    System.out.println("[faults] " + caseName + ": " + String.format(Locale.ROOT, format, args));
  }

  /** The reply read was not the reply to the request sent: a borrower saw foreign bytes. */
  static final class CrossedReplyException extends IOException {
    private static final long serialVersionUID = 1L;

    CrossedReplyException(String message) {
      super(message);
    }
  }
}
