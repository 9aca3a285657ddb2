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

  /** Room for a shared fixed request (PING is 14 bytes); a longer one is written from a copy. */
  private static final int REQUEST_BYTES = 64;

  /**
   * One read buffer and decoder per thread, reused by every reply (the decoder copies what it
   * keeps), so a reply allocates neither; a reply whose header outgrows the buffer gets a bigger
   * one for that reply only.
   */
  private static final ThreadLocal<Reader> READER = ThreadLocal.withInitial(Reader::new);

  private RespExchange() {}

  /**
   * Sends {@code request} and reads one reply within {@link RespLimits#defaults()}.
   *
   * @param connection the connection
   * @param request the encoded command (see {@link RespEncoder#command(String...)})
   * @param commandName the command's name, for messages only (never include arguments: they may be
   *     secrets)
   * @param timeout the most the whole exchange may take; positive
   * @return the reply; an error reply is returned, not thrown
   * @throws SocketTimeoutException if the reply was not complete in time
   * @throws RespLimitException if the reply announced more than the limits allow
   * @throws RespProtocolException if the peer sent something that is not one RESP2 reply
   * @throws IOException if the connection failed (EOF included)
   */
  public static RespValue call(
      Connection connection, ByteBuffer request, String commandName, Duration timeout)
      throws IOException {
    return call(connection, request, commandName, timeout, RespLimits.defaults());
  }

  /**
   * Sends {@code request} and reads one reply.
   *
   * @param connection the connection
   * @param request the encoded command
   * @param commandName the command's name, for messages only
   * @param timeout the most the whole exchange may take; positive
   * @param limits what the reply may announce
   * @return the reply; an error reply is returned, not thrown
   * @throws SocketTimeoutException if the reply was not complete in time
   * @throws RespLimitException if the reply announced more than the limits allow
   * @throws RespProtocolException if the peer sent something that is not one RESP2 reply
   * @throws IOException if the connection failed (EOF included)
   */
  public static RespValue call(
      Connection connection,
      ByteBuffer request,
      String commandName,
      Duration timeout,
      RespLimits limits)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    connection.write(request, timeout);
    return readReply(connection, commandName, timeout, deadline, limits, Redactor.NONE);
  }

  /**
   * As {@link #call(Connection, ByteBuffer, String, Duration, RespLimits)} for a request encoded
   * once and shared (PING): its bytes are copied into the thread's own request buffer, so a call
   * allocates nothing (no buffer view of the shared bytes per call).
   *
   * @param request the encoded command; not modified
   */
  static RespValue call(
      Connection connection,
      byte[] request,
      String commandName,
      Duration timeout,
      RespLimits limits)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Reader reader = acquire(limits, Redactor.NONE);
    try {
      ByteBuffer out =
          request.length <= reader.request.capacity()
              ? reader.request.clear().put(request).flip()
              : ByteBuffer.wrap(request.clone());
      connection.write(out, timeout);
      return read(reader, connection, commandName, timeout, deadline, Redactor.NONE);
    } finally {
      release(reader, limits);
    }
  }

  /**
   * Reads one reply within {@link RespLimits#defaults()}, e.g. after a write done by the caller.
   *
   * @param connection the connection
   * @param commandName the command's name, for messages only
   * @param timeout the whole budget, for messages
   * @param deadlineNanos the {@link System#nanoTime()} by which the reply must be complete
   * @return the reply
   * @throws SocketTimeoutException if the reply was not complete in time
   * @throws RespLimitException if the reply announced more than the limits allow
   * @throws RespProtocolException if the peer sent something that is not one RESP2 reply
   * @throws IOException if the connection failed (EOF included)
   */
  public static RespValue readReply(
      Connection connection, String commandName, Duration timeout, long deadlineNanos)
      throws IOException {
    return readReply(
        connection, commandName, timeout, deadlineNanos, RespLimits.defaults(), Redactor.NONE);
  }

  /**
   * Reads one reply. Bytes are decoded as they arrive; the reply must be complete by the deadline
   * however it trickles in.
   *
   * @param connection the connection
   * @param commandName the command's name, for messages only
   * @param timeout the whole budget, for messages
   * @param deadlineNanos the {@link System#nanoTime()} by which the reply must be complete
   * @param limits what the reply may announce
   * @return the reply
   * @throws SocketTimeoutException if the reply was not complete in time
   * @throws RespLimitException if the reply announced more than the limits allow
   * @throws RespProtocolException if the peer sent something that is not one RESP2 reply
   * @throws IOException if the connection failed (EOF included)
   */
  public static RespValue readReply(
      Connection connection,
      String commandName,
      Duration timeout,
      long deadlineNanos,
      RespLimits limits)
      throws IOException {
    return readReply(connection, commandName, timeout, deadlineNanos, limits, Redactor.NONE);
  }

  /** As above; messages about the peer's bytes hide {@code secrets}. */
  static RespValue readReply(
      Connection connection,
      String commandName,
      Duration timeout,
      long deadlineNanos,
      RespLimits limits,
      Redactor secrets)
      throws IOException {
    Reader reader = acquire(limits, secrets);
    try {
      return read(reader, connection, commandName, timeout, deadlineNanos, secrets);
    } finally {
      release(reader, limits);
    }
  }

  /** The thread's reader, reset for a new reply. */
  private static Reader acquire(RespLimits limits, Redactor secrets) {
    Reader reader = READER.get();
    if (reader.busy) {
      reader = new Reader(); // not expected: a reply read inside another on one thread
    }
    reader.busy = true;
    reader.decoder.reset(limits, secrets);
    return reader;
  }

  private static void release(Reader reader, RespLimits limits) {
    reader.decoder.reset(limits, Redactor.NONE); // drops a partial reply and the secrets
    reader.busy = false;
  }

  private static RespValue read(
      Reader reader,
      Connection connection,
      String commandName,
      Duration timeout,
      long deadlineNanos,
      Redactor secrets)
      throws IOException {
    RespDecoder decoder = reader.decoder;
    ByteBuffer buffer = reader.buffer.clear();
    long received = 0;
    while (true) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        throw timedOut(commandName, timeout, received, null);
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
        throw timedOut(commandName, timeout, received, e);
      }
      buffer.flip();
      RespValue reply = decoder.decode(buffer);
      if (reply != null) {
        if (buffer.hasRemaining()) {
          throw new RespProtocolException(
              buffer.remaining()
                  + " unexpected bytes after the reply to "
                  + commandName
                  + ", starting with "
                  + Printable.ofByte(buffer.get(buffer.position()), secrets)
                  + " at offset "
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

  private static SocketTimeoutException timedOut(
      String commandName, Duration timeout, long received, SocketTimeoutException cause) {
    SocketTimeoutException e =
        new SocketTimeoutException(
            "no complete reply to "
                + commandName
                + " within "
                + timeout.toMillis()
                + " ms ("
                + received
                + " bytes received)");
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  /** What one thread reads replies (and writes shared fixed requests) with. */
  private static final class Reader {
    final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
    final ByteBuffer request = ByteBuffer.allocate(REQUEST_BYTES);
    final RespDecoder decoder = new RespDecoder();
    boolean busy;
  }
}
