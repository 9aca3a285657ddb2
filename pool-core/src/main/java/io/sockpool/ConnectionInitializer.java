package io.sockpool;

import java.io.IOException;
import java.time.Duration;

/**
 * Runs once on every new connection before it is used, e.g. Redis {@code AUTH} and {@code SELECT}.
 * It runs inside the checkout deadline (or the connect timeout, for connections opened ahead of
 * demand). If it throws, the connection is destroyed.
 *
 * <p>Implementations hold credentials: they must not put them in exception messages, logs or {@code
 * toString()}.
 */
@FunctionalInterface
public interface ConnectionInitializer {

  /** Does nothing. */
  ConnectionInitializer NONE = (connection, timeout) -> {};

  /**
   * Prepares a new connection.
   *
   * @param connection the new connection; do not close it
   * @param timeout the most this may take
   * @throws IOException if the connection cannot be prepared; the message must hold no secret
   */
  void initialize(Connection connection, Duration timeout) throws IOException;
}
