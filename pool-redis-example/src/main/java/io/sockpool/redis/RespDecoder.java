package io.sockpool.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * An incremental RESP2 decoder: feed it the bytes of one reply in as many pieces as they arrive,
 * and it returns the reply once the last byte is in.
 *
 * <p>{@link #decode(ByteBuffer)} consumes what it can from the buffer (a bulk string's payload as
 * it comes, a header line only once its CRLF is in) and keeps partial state (open arrays, a
 * half-read bulk string) between calls, so a large reply in many small pieces costs linear time.
 * Bytes it did not consume (a header line without its CRLF yet, or bytes after a complete reply)
 * stay in the buffer: compact it, add more bytes, call again.
 *
 * <p>Anything that is not RESP2 raises {@link RespProtocolException} naming the bad byte and its
 * offset from the start of the reply, as soon as the bad byte is seen. After an exception the
 * decoder is unusable until {@link #reset()}.
 *
 * <p>Limits (each rejected with a message naming it): a header or simple-string line of at most
 * {@link #MAX_LINE_BYTES} bytes, a bulk string of at most {@code maxBulkBytes} bytes, arrays nested
 * at most {@link #MAX_DEPTH} deep. Not thread-safe.
 */
public final class RespDecoder {
  /** Longest header, simple string or error line, in bytes without the CRLF: 64 KiB. */
  public static final int MAX_LINE_BYTES = 64 * 1024;

  /** Deepest nesting of arrays accepted. */
  public static final int MAX_DEPTH = 64;

  /** Default bulk string limit: 512 MiB, the most Redis itself stores in one string. */
  public static final int DEFAULT_MAX_BULK_BYTES = 512 * 1024 * 1024;

  private final int maxBulkBytes;
  private final Deque<PendingArray> open = new ArrayDeque<>();
  private long offset;
  private byte[] bulk;
  private int bulkFilled;
  private int bulkCrLfSeen;
  private boolean failed;

  /** A decoder accepting bulk strings up to {@link #DEFAULT_MAX_BULK_BYTES}. */
  public RespDecoder() {
    this(DEFAULT_MAX_BULK_BYTES);
  }

  /**
   * @param maxBulkBytes the longest bulk string accepted, in bytes; >= 0
   * @throws IllegalArgumentException if maxBulkBytes is negative
   */
  public RespDecoder(int maxBulkBytes) {
    if (maxBulkBytes < 0) {
      throw new IllegalArgumentException("maxBulkBytes must be >= 0, but was " + maxBulkBytes);
    }
    this.maxBulkBytes = maxBulkBytes;
  }

  /** Forgets any partial reply and restarts offsets at 0, also after an exception. */
  public void reset() {
    open.clear();
    offset = 0;
    bulk = null;
    bulkFilled = 0;
    bulkCrLfSeen = 0;
    failed = false;
  }

  /** Returns bytes consumed since the start of the current reply. */
  public long offset() {
    return offset;
  }

  /**
   * Consumes bytes of the current reply from {@code src} (between its position and limit).
   *
   * @param src bytes received; its position advances past what was consumed
   * @return the complete reply, after which the next call starts a new reply at offset 0; or null
   *     if the reply needs more bytes
   * @throws RespProtocolException if the bytes are not RESP2 or break a limit
   * @throws IllegalStateException if called after an exception without {@link #reset()}
   */
  public RespValue decode(ByteBuffer src) throws RespProtocolException {
    if (failed) {
      throw new IllegalStateException(
          "decoder failed earlier at offset " + offset + "; call reset()");
    }
    try {
      RespValue value = decodeLoop(src);
      if (value != null) {
        offset = 0;
      }
      return value;
    } catch (RespProtocolException e) {
      failed = true;
      throw e;
    }
  }

  private RespValue decodeLoop(ByteBuffer src) throws RespProtocolException {
    while (true) {
      RespValue value;
      if (bulk != null) {
        value = continueBulk(src);
        if (value == null) {
          return null;
        }
      } else {
        int before = src.position();
        value = readHeader(src);
        if (value == null) {
          if (src.position() == before) {
            return null; // the header line is not complete yet
          }
          continue; // a bulk string or a non-empty array has started
        }
      }
      // a scalar or a completed array: attach it to the open arrays, innermost first
      while (value != null && !open.isEmpty()) {
        PendingArray top = open.peek();
        top.elements.add(value);
        if (top.elements.size() < top.expected) {
          value = null;
        } else {
          open.pop();
          value = new RespValue.RespArray(top.elements);
        }
      }
      if (value != null) {
        return value;
      }
    }
  }

  private RespValue continueBulk(ByteBuffer src) throws RespProtocolException {
    if (bulkFilled < bulk.length) {
      int n = Math.min(src.remaining(), bulk.length - bulkFilled);
      src.get(bulk, bulkFilled, n);
      bulkFilled += n;
      offset += n;
      if (bulkFilled < bulk.length) {
        return null;
      }
    }
    while (bulkCrLfSeen < 2) {
      if (!src.hasRemaining()) {
        return null;
      }
      if (bulkCrLfSeen == 0) {
        expectByte(src, (byte) '\r', "CR ending a bulk string of " + bulk.length + " bytes");
      } else {
        expectByte(
            src, (byte) '\n', "LF after the CR ending a bulk string of " + bulk.length + " bytes");
      }
      bulkCrLfSeen++;
    }
    RespValue value = new RespValue.BulkString(bulk);
    bulk = null;
    bulkFilled = 0;
    bulkCrLfSeen = 0;
    return value;
  }

  private void expectByte(ByteBuffer src, byte expected, String what) throws RespProtocolException {
    byte b = src.get(src.position());
    if (b != expected) {
      throw new RespProtocolException(
          "expected "
              + what
              + " at offset "
              + offset
              + ", but got '"
              + Printable.ofByte(b)
              + "' (0x"
              + String.format("%02x", b & 0xff)
              + ")",
          offset);
    }
    src.position(src.position() + 1);
    offset++;
  }

  private RespValue readHeader(ByteBuffer src) throws RespProtocolException {
    if (!src.hasRemaining()) {
      return null;
    }
    int start = src.position();
    byte type = src.get(start);
    if (type != '+' && type != '-' && type != ':' && type != '$' && type != '*') {
      throw new RespProtocolException(
          "unexpected byte '"
              + Printable.ofByte(type)
              + "' (0x"
              + String.format("%02x", type & 0xff)
              + ") at offset "
              + offset
              + ": a RESP2 value starts with one of + - : $ *",
          offset);
    }
    int lineEnd = findCrLf(src, start + 1);
    if (lineEnd < 0) {
      return null;
    }
    byte[] line = new byte[lineEnd - start - 1];
    src.position(start + 1);
    src.get(line);
    src.position(lineEnd + 2);
    long lineOffset = offset + 1;
    offset += line.length + 3;
    return switch (type) {
      case '+' -> new RespValue.SimpleString(new String(line, StandardCharsets.UTF_8));
      case '-' -> new RespValue.ErrorReply(new String(line, StandardCharsets.UTF_8));
      case ':' -> new RespValue.RespInteger(parseLong(line, lineOffset, "integer"));
      case '$' -> startBulk(parseLong(line, lineOffset, "bulk string length"), lineOffset);
      default -> startArray(parseLong(line, lineOffset, "array length"), lineOffset);
    };
  }

  private RespValue startBulk(long length, long lineOffset) throws RespProtocolException {
    if (length == -1) {
      return RespValue.NULL_BULK;
    }
    if (length < -1 || length > maxBulkBytes) {
      throw new RespProtocolException(
          "bulk string length "
              + length
              + " at offset "
              + lineOffset
              + " is not allowed: it must be -1 (null) or 0.."
              + maxBulkBytes,
          lineOffset);
    }
    bulk = new byte[(int) length];
    bulkFilled = 0;
    return null;
  }

  private RespValue startArray(long length, long lineOffset) throws RespProtocolException {
    if (length == -1) {
      return RespValue.NULL_ARRAY;
    }
    if (length < -1 || length > Integer.MAX_VALUE - 8) {
      throw new RespProtocolException(
          "array length "
              + length
              + " at offset "
              + lineOffset
              + " is not allowed: it must be -1 (null) or 0.."
              + (Integer.MAX_VALUE - 8),
          lineOffset);
    }
    if (length == 0) {
      return new RespValue.RespArray(List.of());
    }
    if (open.size() >= MAX_DEPTH) {
      throw new RespProtocolException(
          "arrays nested deeper than " + MAX_DEPTH + " at offset " + lineOffset, lineOffset);
    }
    open.push(new PendingArray((int) length));
    return null;
  }

  /**
   * @return the index of the CR of the first CRLF at or after {@code from}, or -1 if the line is
   *     not complete yet
   */
  private int findCrLf(ByteBuffer src, int from) throws RespProtocolException {
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
                  + ", but got '"
                  + Printable.ofByte(next)
                  + "' (0x"
                  + String.format("%02x", next & 0xff)
                  + ")",
              at);
        }
        return i;
      }
      if (b == '\n') {
        long at = offset + (i - src.position());
        throw new RespProtocolException(
            "unexpected LF without CR at offset " + at + ": RESP2 lines end with CRLF", at);
      }
      if (i - from >= MAX_LINE_BYTES) {
        long at = offset + (i - src.position());
        throw new RespProtocolException(
            "line longer than " + MAX_LINE_BYTES + " bytes without CRLF at offset " + at, at);
      }
    }
    return -1;
  }

  private static long parseLong(byte[] line, long lineOffset, String what)
      throws RespProtocolException {
    if (line.length == 0 || line.length > 20) {
      throw new RespProtocolException(
          what
              + " at offset "
              + lineOffset
              + " must be a decimal "
              + "64-bit number, but was '"
              + Printable.of(line, line.length)
              + "'",
          lineOffset);
    }
    boolean negative = line[0] == '-';
    int i = negative ? 1 : 0;
    if (i == line.length) {
      throw new RespProtocolException(
          what + " at offset " + lineOffset + " must be a decimal 64-bit number, but was '-'",
          lineOffset);
    }
    long value = 0;
    for (; i < line.length; i++) {
      int d = line[i] - '0';
      if (d < 0 || d > 9) {
        throw new RespProtocolException(
            what
                + " at offset "
                + lineOffset
                + " must be a decimal "
                + "64-bit number, but has '"
                + Printable.ofByte(line[i])
                + "' at offset "
                + (lineOffset + i)
                + " in '"
                + Printable.of(line, line.length)
                + "'",
            lineOffset + i);
      }
      // accumulate negatively so Long.MIN_VALUE fits
      if (value < (Long.MIN_VALUE + d) / 10) {
        throw new RespProtocolException(
            what
                + " at offset "
                + lineOffset
                + " does not fit in 64 bits: '"
                + Printable.of(line, line.length)
                + "'",
            lineOffset);
      }
      value = value * 10 - d;
    }
    if (!negative) {
      if (value == Long.MIN_VALUE) {
        throw new RespProtocolException(
            what
                + " at offset "
                + lineOffset
                + " does not fit in 64 bits: '"
                + Printable.of(line, line.length)
                + "'",
            lineOffset);
      }
      value = -value;
    }
    return value;
  }

  private static final class PendingArray {
    final int expected;
    final List<RespValue> elements;

    PendingArray(int expected) {
      this.expected = expected;
      this.elements = new ArrayList<>(Math.min(expected, 1024));
    }
  }
}
