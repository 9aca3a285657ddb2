package io.sockpool.redis;

import io.sockpool.Connection;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * One request/reply exchange over a pooled {@link Connection}: writes an encoded command and reads
 * exactly one RESP2 reply, all within one deadline, accepting the reply in any number of pieces.
 * Bytes after the reply are a protocol error (this client does not pipeline), so a connection never
 * goes back to the pool holding a half-read reply.
 */
public final class RespExchange {
  private static final int BUFFER_BYTES = 8192;

  /**
   * One read buffer per thread, reused by every reply (the decoder copies what it keeps), so a
   * reply does not allocate and zero 8 KB; a reply whose header outgrows it gets a bigger one for
   * that reply only.
   */
  private static final ThreadLocal<ByteBuffer> READ_BUFFER =
      ThreadLocal.withInitial(() -> ByteBuffer.allocate(BUFFER_BYTES));

  private RespExchange() {}

  /**
   * Sends {@code request} and reads one reply.
   *
   * @param connection the connection
   * @param request the encoded command (see {@link RespEncoder#command(String...)})
   * @param commandName the command's name, for messages only (never include arguments: they may be
   *     secrets)
   * @param timeout the most the whole exchange may take; positive
   * @return the reply; an error reply is returned, not thrown
   * @throws SocketTimeoutException if the reply was not complete in time
   * @throws RespProtocolException if the peer sent something that is not one RESP2 reply
   * @throws IOException if the connection failed (EOF included)
   */
  public static RespValue call(
      Connection connection, ByteBuffer request, String commandName, Duration timeout)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    connection.write(request, timeout);
    return readReply(connection, commandName, timeout, deadline);
  }

  /**
   * Reads one reply, e.g. after a write done by the caller.
   *
   * @param connection the connection
   * @param commandName the command's name, for messages only
   * @param timeout the whole budget, for messages
   * @param deadlineNanos the {@link System#nanoTime()} by which the reply must be complete
   * @return the reply
   * @throws SocketTimeoutException if the reply was not complete in time
   * @throws RespProtocolException if the peer sent something that is not one RESP2 reply
   * @throws IOException if the connection failed (EOF included)
   */
  public static RespValue readReply(
      Connection connection, String commandName, Duration timeout, long deadlineNanos)
      throws IOException {
    RespDecoder decoder = new RespDecoder();
    ByteBuffer buffer = READ_BUFFER.get().clear();
    long received = 0;
    while (true) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        throw new SocketTimeoutException(
            "no complete reply to "
                + commandName
                + " within "
                + timeout.toMillis()
                + " ms ("
                + received
                + " bytes received)");
      }
      if (!buffer.hasRemaining()) {
        // only a header line longer than the buffer gets here; the decoder bounds it
        ByteBuffer bigger = ByteBuffer.allocate(buffer.capacity() * 2);
        buffer.flip();
        bigger.put(buffer);
        buffer = bigger;
      }
      try {
        received += connection.read(buffer, Duration.ofNanos(left));
      } catch (SocketTimeoutException e) {
        SocketTimeoutException named =
            new SocketTimeoutException(
                "no complete reply to "
                    + commandName
                    + " within "
                    + timeout.toMillis()
                    + " ms ("
                    + received
                    + " bytes received)");
        named.initCause(e);
        throw named;
      }
      buffer.flip();
      RespValue reply = decoder.decode(buffer);
      if (reply != null) {
        if (buffer.hasRemaining()) {
          throw new RespProtocolException(
              buffer.remaining()
                  + " unexpected bytes after the reply to "
                  + commandName
                  + ", starting with '"
                  + Printable.ofByte(buffer.get(buffer.position()))
                  + "' at offset "
                  + (received - buffer.remaining())
                  + ": one command gets one reply",
              received - buffer.remaining());
        }
        connection.exchangeComplete(); // the whole reply is read: the connection may be reused
        return reply;
      }
      buffer.compact();
    }
  }
}
