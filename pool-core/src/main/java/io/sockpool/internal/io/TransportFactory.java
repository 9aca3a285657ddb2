package io.sockpool.internal.io;

import io.sockpool.Endpoint;
import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * Makes the {@link Transport} of a new connection, right after its TCP connect and inside the same
 * deadline: the step where a TLS transport does its handshake (and fails with a timeout naming the
 * step if the deadline passes). The plaintext factory only wraps the channel.
 */
@FunctionalInterface
public interface TransportFactory {

  /**
   * @param endpoint the peer, for messages (and a TLS transport's SNI name and session cache key)
   * @param connected the channel, connected, in blocking mode, registered with no selector; the
   *     factory owns it from here (on failure the caller closes it)
   * @param deadlineNanos ({@link System#nanoTime()} based) by which the transport must be ready
   * @return the transport, ready for timed I/O
   * @throws IOException if the transport could not be set up in time (a TLS handshake failed)
   */
  Transport open(Endpoint endpoint, SocketChannel connected, long deadlineNanos) throws IOException;

  /**
   * @param watchdog keeps the deadlines of blocking calls
   * @return the plaintext transport: the channel itself, {@link PlainTransport}
   */
  static TransportFactory plaintext(Watchdog watchdog) {
    return (endpoint, connected, deadlineNanos) ->
        new PlainTransport(endpoint, connected, watchdog);
  }
}
