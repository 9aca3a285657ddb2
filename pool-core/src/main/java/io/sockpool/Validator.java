package io.sockpool;

import io.sockpool.internal.ExpectBytesValidator;
import java.io.IOException;
import java.time.Duration;

/**
 * Checks with a protocol round trip (a PING) that a connection still works.
 *
 * <p>The pool calls it on borrow when the connection has been idle longer than {@link
 * PoolConfig#validationWindow()}, and on idle connections in the background if {@link
 * PoolConfig#backgroundValidation()} is on. A cheap check with no round trip (has the peer closed
 * the socket, or sent bytes nobody asked for?) always runs first, whatever the validator. The
 * validator must leave no unread reply bytes behind.
 */
@FunctionalInterface
public interface Validator {

  /** Does no round trip: only the pool's cheap liveness check runs. */
  Validator NONE = (connection, timeout) -> {};

  /**
   * Runs the check.
   *
   * @param connection the connection to check; do not close it
   * @param timeout the most this check may take (the smaller of the validation timeout and what is
   *     left of the checkout deadline)
   * @throws IOException if the connection does not work or the peer answered wrongly; the message
   *     says what was wrong
   */
  void validate(Connection connection, Duration timeout) throws IOException;

  /**
   * A validator that sends {@code request} and expects exactly {@code expectedReply} back, however
   * the reply is split into pieces on the way.
   *
   * @param request bytes to send, e.g. {@code "PING\r\n"}; not empty
   * @param expectedReply the bytes expected, e.g. {@code "+PONG\r\n"}; not empty
   * @return the validator
   * @throws IllegalArgumentException if either array is null or empty
   */
  static Validator expect(byte[] request, byte[] expectedReply) {
    return new ExpectBytesValidator(request, expectedReply);
  }
}
