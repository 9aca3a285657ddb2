package io.sockpool.bench.load;

import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of one Redis PING exchange in RESP, and a blocking exchange on a plain channel.
 *
 * <p>This is a deliberately minimal client (one fixed request, one fixed reply) so the harness
 * measures transport and pooling, not a protocol parser.
 */
public final class RespPing {
  /** {@code PING} as a RESP array of one bulk string. */
  public static final byte[] REQUEST = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);

  /** The reply Redis sends to {@link #REQUEST}. */
  public static final byte[] REPLY = "+PONG\r\n".getBytes(StandardCharsets.US_ASCII);

  private RespPing() {}

  /**
   * Sends one PING on a <b>blocking</b> channel and reads the reply.
   *
   * @param channel a connected channel in blocking mode
   * @param request a buffer holding {@link #REQUEST}; it is rewound here, so one buffer per thread
   *     can be reused
   * @param reply a buffer of at least {@code REPLY.length} bytes, reused by the caller
   * @throws EOFException if the peer closed the connection before the whole reply
   * @throws ProtocolException if the reply was not {@code +PONG\r\n}
   * @throws IOException if the channel failed
   */
  public static void exchange(SocketChannel channel, ByteBuffer request, ByteBuffer reply)
      throws IOException {
    request.rewind();
    while (request.hasRemaining()) {
      channel.write(request);
    }
    reply.clear().limit(REPLY.length);
    while (reply.hasRemaining()) {
      if (channel.read(reply) < 0) {
        throw new EOFException(
            "peer closed the connection after "
                + reply.position()
                + " of "
                + REPLY.length
                + " reply bytes");
      }
    }
    check(reply);
  }

  /**
   * Checks that {@code reply} holds exactly {@link #REPLY} from index 0 to its position.
   *
   * @param reply the bytes read
   * @throws ProtocolException naming what arrived instead
   */
  public static void check(ByteBuffer reply) throws ProtocolException {
    int n = reply.position();
    boolean ok = n == REPLY.length;
    for (int i = 0; ok && i < n; i++) {
      ok = reply.get(i) == REPLY[i];
    }
    if (!ok) {
      StringBuilder got = new StringBuilder();
      for (int i = 0; i < n; i++) {
        int b = reply.get(i) & 0xff;
        got.append(
            b == '\r'
                ? "\\r"
                : b == '\n'
                    ? "\\n"
                    : b >= 32 && b < 127 ? String.valueOf((char) b) : String.format("\\x%02x", b));
      }
      throw new ProtocolException(
          "expected '+PONG\\r\\n' (7 bytes) but got '" + got + "' (" + n + " bytes)");
    }
  }

  /** Returns a fresh heap buffer holding {@link #REQUEST}, positioned at 0. */
  public static ByteBuffer requestBuffer() {
    return ByteBuffer.wrap(REQUEST.clone());
  }

  /** Returns a fresh heap buffer with room for {@link #REPLY}. */
  public static ByteBuffer replyBuffer() {
    return ByteBuffer.allocate(REPLY.length);
  }
}
