package io.sockpool.redis;

import java.nio.ByteBuffer;

/** The numbers of RESP2 header lines: signed decimal 64-bit, no sign but '-', no blanks. */
final class RespNumbers {
  private RespNumbers() {}

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
  static long parse(
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
