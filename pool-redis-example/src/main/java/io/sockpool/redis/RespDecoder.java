package io.sockpool.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An incremental RESP2 decoder: feed it the bytes of one reply in as many pieces as they arrive,
 * and it returns the reply once the last byte is in.
 *
 * <p>{@link #decode(ByteBuffer)} consumes what it can from the buffer (a bulk string's payload as
 * it comes, a header line only once its CRLF is in) and keeps partial state (open arrays, a
 * half-read bulk string) between calls, so a large reply in many small pieces costs linear time.
 * Memory grows with the bytes that arrived, never with what a header announces: a bulk string's
 * array starts at what is in the buffer (at least 4 KiB, at most the announced length) and doubles
 * as more arrives; an array's list likewise. Bytes it did not consume (a header line without its
 * CRLF yet, or bytes after a complete reply) stay in the buffer: compact it, add more bytes, call
 * again.
 *
 * <p>Anything that is not RESP2 raises {@link RespProtocolException} naming the bad byte and its
 * offset from the start of the reply, as soon as the bad byte is seen. A header announcing more
 * than the {@link RespLimits} allow raises {@link RespLimitException} when the header arrives.
 * Header and simple-string lines are limited to {@link #MAX_LINE_BYTES}. After an exception the
 * decoder is unusable until {@link #reset()}. Not thread-safe.
 */
public final class RespDecoder {
  /** Longest header, simple string or error line, in bytes without the CRLF: 64 KiB. */
  public static final int MAX_LINE_BYTES = 64 * 1024;

  private static final int FIRST_BULK_CAPACITY = 4096;
  private static final int FIRST_ARRAY_CAPACITY = 64;
  private static final byte[] EMPTY = new byte[0];
  private static final RespValue.SimpleString OK = new RespValue.SimpleString("OK");
  private static final RespValue.SimpleString PONG = new RespValue.SimpleString("PONG");

  private RespLimits limits;
  private Redactor secrets = Redactor.NONE;
  private ArrayDeque<PendingArray> open;
  private long offset;
  private byte[] bulk;
  private int bulkLength;
  private int bulkFilled;
  private int bulkCrLfSeen;
  private boolean failed;

  /** A decoder with {@link RespLimits#defaults()}. */
  public RespDecoder() {
    this(RespLimits.defaults());
  }

  /**
   * A decoder with the default limits except for bulk strings.
   *
   * @param maxBulkBytes the longest bulk string accepted, in bytes
   * @throws IllegalArgumentException if maxBulkBytes is out of {@link RespLimits}' range
   */
  public RespDecoder(int maxBulkBytes) {
    this(RespLimits.defaults().withMaxBulkBytes(maxBulkBytes));
  }

  /**
   * @param limits what a reply may announce
   */
  public RespDecoder(RespLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits must not be null");
  }

  /** Returns the limits this decoder enforces. */
  public RespLimits limits() {
    return limits;
  }

  /** Forgets any partial reply and restarts offsets at 0, also after an exception. */
  public void reset() {
    if (open != null) {
      open.clear();
    }
    offset = 0;
    bulk = null;
    bulkLength = 0;
    bulkFilled = 0;
    bulkCrLfSeen = 0;
    failed = false;
  }

  /** Resets, then enforces other limits and hides other secrets in messages. */
  void reset(RespLimits newLimits, Redactor newSecrets) {
    reset();
    this.limits = newLimits;
    this.secrets = newSecrets;
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
   * @throws RespLimitException if a header announces more than the limits allow
   * @throws RespProtocolException if the bytes are not RESP2
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
      bulk = null; // let a large partial payload go at once
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
      while (value != null && open != null && !open.isEmpty()) {
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
    if (bulkFilled < bulkLength) {
      int n = Math.min(src.remaining(), bulkLength - bulkFilled);
      if (bulkFilled + n > bulk.length) {
        int capacity = (int) Math.min(bulkLength, Math.max(2L * bulk.length, bulkFilled + n));
        bulk = Arrays.copyOf(bulk, capacity);
      }
      src.get(bulk, bulkFilled, n);
      bulkFilled += n;
      offset += n;
      if (bulkFilled < bulkLength) {
        return null;
      }
    }
    while (bulkCrLfSeen < 2) {
      if (!src.hasRemaining()) {
        return null;
      }
      if (bulkCrLfSeen == 0) {
        expectByte(src, (byte) '\r', "CR ending a bulk string of " + bulkLength + " bytes");
      } else {
        expectByte(
            src, (byte) '\n', "LF after the CR ending a bulk string of " + bulkLength + " bytes");
      }
      bulkCrLfSeen++;
    }
    RespValue value = RespValue.BulkString.owning(bulk); // filled to exactly bulkLength
    bulk = null;
    bulkFilled = 0;
    bulkCrLfSeen = 0;
    return value;
  }

  private void expectByte(ByteBuffer src, byte expected, String what) throws RespProtocolException {
    byte b = src.get(src.position());
    if (b != expected) {
      throw new RespProtocolException(
          "expected " + what + " at offset " + offset + ", but got " + Printable.ofByte(b, secrets),
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
          "unexpected byte "
              + Printable.ofByte(type, secrets)
              + " at offset "
              + offset
              + ": a RESP2 value starts with one of + - : $ *",
          offset);
    }
    int lineEnd = RespLines.findCrLf(src, start + 1, offset, secrets);
    if (lineEnd < 0) {
      return null;
    }
    int from = start + 1;
    int length = lineEnd - from;
    long lineOffset = offset + 1;
    if (offset + length + 3 > limits.maxReplyBytes()) {
      throw new RespLimitException(
          "a line of " + length + " bytes (a reply of at least " + (offset + length + 3) + ")",
          lineOffset,
          "maxReplyBytes",
          limits.maxReplyBytes(),
          offset + length + 3);
    }
    src.position(lineEnd + 2);
    offset += length + 3;
    return switch (type) {
      case '+' -> simpleString(src, from, length);
      case '-' -> new RespValue.ErrorReply(text(src, from, length));
      case ':' ->
          new RespValue.RespInteger(
              RespLines.parseLong(src, from, length, lineOffset, secrets, "integer"));
      case '$' ->
          startBulk(
              RespLines.parseLong(src, from, length, lineOffset, secrets, "bulk string length"),
              lineOffset,
              src);
      default ->
          startArray(
              RespLines.parseLong(src, from, length, lineOffset, secrets, "array length"),
              lineOffset);
    };
  }

  private static RespValue simpleString(ByteBuffer src, int from, int length) {
    if (length == 4
        && src.get(from) == 'P'
        && src.get(from + 1) == 'O'
        && src.get(from + 2) == 'N'
        && src.get(from + 3) == 'G') {
      return PONG;
    }
    if (length == 2 && src.get(from) == 'O' && src.get(from + 1) == 'K') {
      return OK;
    }
    return new RespValue.SimpleString(text(src, from, length));
  }

  private static String text(ByteBuffer src, int from, int length) {
    if (src.hasArray()) {
      return new String(src.array(), src.arrayOffset() + from, length, StandardCharsets.UTF_8);
    }
    byte[] copy = new byte[length];
    src.get(from, copy);
    return new String(copy, StandardCharsets.UTF_8);
  }

  private RespValue startBulk(long length, long lineOffset, ByteBuffer src)
      throws RespProtocolException {
    if (length == -1) {
      return RespValue.NULL_BULK;
    }
    if (length < -1) {
      throw new RespProtocolException(
          "bulk string length "
              + length
              + " at offset "
              + lineOffset
              + " is not allowed: it must be -1 (null) or 0.."
              + limits.maxBulkBytes(),
          lineOffset);
    }
    if (length > limits.maxBulkBytes()) {
      throw new RespLimitException(
          "a bulk string of " + length + " bytes",
          lineOffset,
          "maxBulkBytes",
          limits.maxBulkBytes(),
          length);
    }
    long replyAtLeast = offset + length + 2;
    if (replyAtLeast > limits.maxReplyBytes()) {
      throw new RespLimitException(
          "a bulk string of " + length + " bytes (a reply of at least " + replyAtLeast + ")",
          lineOffset,
          "maxReplyBytes",
          limits.maxReplyBytes(),
          replyAtLeast);
    }
    bulkLength = (int) length;
    bulk =
        length == 0
            ? EMPTY
            : new byte[(int) Math.min(length, Math.max(src.remaining(), FIRST_BULK_CAPACITY))];
    bulkFilled = 0;
    return null;
  }

  private RespValue startArray(long length, long lineOffset) throws RespProtocolException {
    if (length == -1) {
      return RespValue.NULL_ARRAY;
    }
    if (length < -1) {
      throw new RespProtocolException(
          "array length "
              + length
              + " at offset "
              + lineOffset
              + " is not allowed: it must be -1 (null) or 0.."
              + limits.maxArrayElements(),
          lineOffset);
    }
    if (length > limits.maxArrayElements()) {
      throw new RespLimitException(
          "an array of " + length + " elements",
          lineOffset,
          "maxArrayElements",
          limits.maxArrayElements(),
          length);
    }
    if (length == 0) {
      return new RespValue.RespArray(List.of());
    }
    int depth = open == null ? 1 : open.size() + 1;
    if (depth > limits.maxDepth()) {
      throw new RespLimitException(
          "an array nested " + depth + " deep", lineOffset, "maxDepth", limits.maxDepth(), depth);
    }
    long replyAtLeast = offset + 3 * length; // every element takes at least 3 bytes
    if (replyAtLeast > limits.maxReplyBytes()) {
      throw new RespLimitException(
          "an array of " + length + " elements (a reply of at least " + replyAtLeast + " bytes)",
          lineOffset,
          "maxReplyBytes",
          limits.maxReplyBytes(),
          replyAtLeast);
    }
    if (open == null) {
      open = new ArrayDeque<>();
    }
    open.push(new PendingArray((int) length));
    return null;
  }

  private static final class PendingArray {
    final int expected;
    final List<RespValue> elements;

    PendingArray(int expected) {
      this.expected = expected;
      this.elements = new ArrayList<>(Math.min(expected, FIRST_ARRAY_CAPACITY));
    }
  }
}
