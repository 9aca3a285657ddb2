package io.sockpool.redis;

import java.nio.ByteBuffer;

/**
 * RESP2 lines: where a line ends (CRLF, nothing else) and the numbers of header lines (signed
 * decimal 64-bit, no sign but '-', no blanks).
 */
final class RespLines {
  private RespLines() {}

  /**
   * @param src the buffer; the reply's current byte is at its position
   * @param from where to start looking
   * @param offset the offset of the buffer's position from the start of the reply, for messages
   * @param secrets what messages must not show
   * @return the index of the CR of the first CRLF at or after {@code from}, or -1 if the line is
   *     not complete yet
   * @throws RespProtocolException on a CR without LF, an LF without CR, or a line over {@link
   *     RespDecoder#MAX_LINE_BYTES}
   */
  static int findCrLf(ByteBuffer src, int from, long offset, Redactor secrets)
      throws RespProtocolException {
    int limit = src.limit();
    for (int i = from; i < limit; i++) {
      byte b = src.get(i);
      if (b == '\r') {
        if (i + 1 == limit) {
          return -1;
        }
        byte next = src.get(i + 1);
        if (next != '\n') {
          long at = offset + (i + 1 - src.position());
          throw new RespProtocolException(
              "expected LF after CR at offset "
                  + at
                  + ", but got "
                  + Printable.ofByte(next, secrets),
              at);
        }
        return i;
      }
      if (b == '\n') {
        long at = offset + (i - src.position());
        throw new RespProtocolException(
            "unexpected LF without CR at offset " + at + ": RESP2 lines end with CRLF", at);
      }
      if (i - from >= RespDecoder.MAX_LINE_BYTES) {
        long at = offset + (i - src.position());
        throw new RespProtocolException(
            "line longer than "
                + RespDecoder.MAX_LINE_BYTES
                + " bytes without CRLF at offset "
                + at,
            at);
      }
    }
    return -1;
  }

  /**
   * @param src the buffer holding the line
   * @param from where the number starts
   * @param length its length in bytes
   * @param lineOffset the offset of its first byte from the start of the reply, for messages
   * @param secrets what messages must not show
   * @param what what the number is, for messages ("integer", "bulk string length")
   * @return the number
   * @throws RespProtocolException if the line is not such a number
   */
  static long parseLong(
      ByteBuffer src, int from, int length, long lineOffset, Redactor secrets, String what)
      throws RespProtocolException {
    if (length == 0 || length > 20) {
      throw notANumber(
          src, from, length, lineOffset, secrets, what, "must be a decimal 64-bit number");
    }
    boolean negative = src.get(from) == '-';
    int i = negative ? 1 : 0;
    if (i == length) {
      throw notANumber(
          src, from, length, lineOffset, secrets, what, "must be a decimal 64-bit number");
    }
    long value = 0;
    for (; i < length; i++) {
      byte c = src.get(from + i);
      int d = c - '0';
      if (d < 0 || d > 9) {
        throw new RespProtocolException(
            what
                + " at offset "
                + lineOffset
                + " must be a decimal 64-bit number, but has "
                + Printable.ofByte(c, secrets)
                + " at offset "
                + (lineOffset + i)
                + " in '"
                + Printable.of(src, from, from + length, secrets)
                + "'",
            lineOffset + i);
      }
      // accumulate negatively so Long.MIN_VALUE fits
      if (value < (Long.MIN_VALUE + d) / 10) {
        throw notANumber(src, from, length, lineOffset, secrets, what, "does not fit in 64 bits");
      }
      value = value * 10 - d;
    }
    if (!negative) {
      if (value == Long.MIN_VALUE) {
        throw notANumber(src, from, length, lineOffset, secrets, what, "does not fit in 64 bits");
      }
      value = -value;
    }
    return value;
  }

  private static RespProtocolException notANumber(
      ByteBuffer src,
      int from,
      int length,
      long lineOffset,
      Redactor secrets,
      String what,
      String problem) {
    return new RespProtocolException(
        what
            + " at offset "
            + lineOffset
            + " "
            + problem
            + ", but was '"
            + Printable.of(src, from, from + length, secrets)
            + "'",
        lineOffset);
  }
}
