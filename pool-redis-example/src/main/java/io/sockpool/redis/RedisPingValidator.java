package io.sockpool.redis;

import io.sockpool.Connection;
import io.sockpool.Validator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Validates a Redis connection with {@code PING}, expecting {@code +PONG}. The reply may arrive in
 * any number of pieces. An error reply (e.g. {@code -NOAUTH Authentication required.} when the
 * connection was never authenticated, or {@code -LOADING ...}) fails the validation with a {@link
 * RedisServerException} carrying the server's message; any other reply fails with a {@link
 * RespProtocolException}. Stateless; thread-safe.
 */
public final class RedisPingValidator implements Validator {
  private static final ByteBuffer PING = RespEncoder.command("PING").asReadOnlyBuffer();

  /** Creates the validator. */
  public RedisPingValidator() {}

  /**
   * Sends PING and checks the reply.
   *
   * @param connection the connection to check
   * @param timeout the most the round trip may take
   * @throws RedisServerException if the server answered with an error
   * @throws RespProtocolException if the reply is not RESP2 or not {@code +PONG}
   * @throws java.net.SocketTimeoutException if the reply was not complete in time
   * @throws IOException if the connection failed
   */
  @Override
  public void validate(Connection connection, Duration timeout) throws IOException {
    RespValue reply = RespExchange.call(connection, PING.duplicate(), "PING", timeout);
    if (reply instanceof RespValue.ErrorReply error) {
      throw new RedisServerException(
          "PING",
          Printable.of(error.message(), Redactor.NONE, Printable.MAX_ERROR_LINE),
          connection.endpoint().toString());
    }
    if (!(reply instanceof RespValue.SimpleString s) || !s.value().equals("PONG")) {
      throw new RespProtocolException(
          "PING on "
              + connection.endpoint()
              + " expected +PONG, but got "
              + reply.typeName()
              + " "
              + reply);
    }
  }

  @Override
  public String toString() {
    return "RedisPingValidator{PING -> +PONG}";
  }
}
