package io.sockpool.internal;

import io.sockpool.Connection;
import io.sockpool.Validator;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;

/**
 * Sends fixed bytes and expects fixed bytes back, accepting the reply in any number of pieces. A
 * reply that differs fails at the first wrong byte, with the bytes seen so far (printable ASCII,
 * others escaped) in the message.
 */
public final class ExpectBytesValidator implements Validator {
  private final byte[] request;
  private final byte[] expected;

  /**
   * @param request bytes to send; not empty
   * @param expected reply expected; not empty
   */
  public ExpectBytesValidator(byte[] request, byte[] expected) {
    if (request == null || request.length == 0) {
      throw new IllegalArgumentException(
          "request must not be empty, but was " + (request == null ? "null" : "0 bytes"));
    }
    if (expected == null || expected.length == 0) {
      throw new IllegalArgumentException(
          "expectedReply must not be empty, but was " + (expected == null ? "null" : "0 bytes"));
    }
    this.request = request.clone();
    this.expected = expected.clone();
  }

  @Override
  public void validate(Connection connection, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    connection.write(ByteBuffer.wrap(request), timeout);
    ByteBuffer reply = ByteBuffer.allocate(expected.length);
    while (reply.hasRemaining()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new SocketTimeoutException(
            "validation reply incomplete after "
                + timeout.toMillis()
                + " ms: got "
                + reply.position()
                + " of "
                + expected.length
                + " bytes");
      }
      int before = reply.position();
      connection.read(reply, Duration.ofNanos(left));
      for (int i = before; i < reply.position(); i++) {
        if (reply.get(i) != expected[i]) {
          throw new ProtocolException(
              "validation expected '"
                  + printable(expected, expected.length)
                  + "' but got '"
                  + printable(Arrays.copyOf(reply.array(), reply.position()), reply.position())
                  + "'");
        }
      }
    }
    connection.exchangeComplete();
  }

  static String printable(byte[] bytes, int length) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(length, 64); i++) {
      int b = bytes[i] & 0xff;
      if (b == '\r') {
        sb.append("\\r");
      } else if (b == '\n') {
        sb.append("\\n");
      } else if (b >= 32 && b < 127) {
        sb.append((char) b);
      } else {
        sb.append(String.format("\\x%02x", b));
      }
    }
    if (length > 64) {
      sb.append("...");
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "ExpectBytesValidator{request="
        + request.length
        + " bytes, expected="
        + expected.length
        + " bytes}";
  }
}
