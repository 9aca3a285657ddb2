package io.sockpool.redis;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One RESP2 value: what a Redis server sends back for a command. The five RESP2 types are the five
 * implementations; a null bulk string and a null array are {@link BulkString} and {@link RespArray}
 * values whose {@code isNull()} is true. Values are immutable.
 *
 * <p>{@code toString()} shows the value in a short readable form for messages: strings are cut
 * after 64 characters and non-printable bytes are escaped.
 */
public sealed interface RespValue
    permits RespValue.SimpleString,
        RespValue.ErrorReply,
        RespValue.RespInteger,
        RespValue.BulkString,
        RespValue.RespArray {

  /** The RESP2 null bulk string ({@code $-1\r\n}). */
  BulkString NULL_BULK = BulkString.owning(null);

  /** The RESP2 null array ({@code *-1\r\n}). */
  RespArray NULL_ARRAY = new RespArray(null);

  /** Returns a short name of the type, as used in messages ("simple string", "error", ...). */
  String typeName();

  /**
   * A simple string reply ({@code +OK\r\n}).
   *
   * @param value the text, without CR or LF
   */
  record SimpleString(String value) implements RespValue {
    /**
     * @throws NullPointerException if value is null
     */
    public SimpleString {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String typeName() {
      return "simple string";
    }

    @Override
    public String toString() {
      return Printable.describe(this, Redactor.NONE);
    }
  }

  /**
   * An error reply ({@code -ERR unknown command\r\n}).
   *
   * @param message the whole line after the {@code -}, e.g. {@code "NOAUTH Authentication
   *     required."}
   */
  record ErrorReply(String message) implements RespValue {
    /**
     * @throws NullPointerException if message is null
     */
    public ErrorReply {
      Objects.requireNonNull(message, "message");
    }

    /**
     * Returns the first word of the message, e.g. {@code ERR}, {@code NOAUTH}, {@code WRONGPASS}.
     */
    public String code() {
      int space = message.indexOf(' ');
      return space < 0 ? message : message.substring(0, space);
    }

    @Override
    public String typeName() {
      return "error";
    }

    @Override
    public String toString() {
      return Printable.describe(this, Redactor.NONE);
    }
  }

  /**
   * An integer reply ({@code :42\r\n}).
   *
   * @param value the signed 64-bit value
   */
  record RespInteger(long value) implements RespValue {
    @Override
    public String typeName() {
      return "integer";
    }

    @Override
    public String toString() {
      return ":" + value;
    }
  }

  /**
   * A bulk string reply ({@code $3\r\nfoo\r\n}), binary safe, or the null bulk string. Equal by
   * content.
   */
  final class BulkString implements RespValue {
    private final byte[] bytes;

    /**
     * @param bytes the content (copied), or null for the null bulk string
     */
    public BulkString(byte[] bytes) {
      this.bytes = bytes == null ? null : bytes.clone();
    }

    /** The decoder's path: {@code owned} is never written again by anyone, so no copy. */
    private BulkString(byte[] owned, boolean noCopy) {
      assert noCopy;
      this.bytes = owned;
    }

    /** Takes the array as it is, without a copy: for the decoder, which hands it over. */
    static BulkString owning(byte[] bytes) {
      return new BulkString(bytes, true);
    }

    /**
     * Returns the bulk string.
     *
     * @param text content, encoded as UTF-8
     */
    public static BulkString of(String text) {
      return owning(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Returns a copy of the content, or null for the null bulk string. */
    public byte[] bytes() {
      return bytes == null ? null : bytes.clone();
    }

    /** Returns the content's length in bytes, or -1 for the null bulk string. */
    public int length() {
      return bytes == null ? -1 : bytes.length;
    }

    /** Returns whether this is the null bulk string ({@code $-1}). */
    public boolean isNull() {
      return bytes == null;
    }

    /** Returns the content decoded as UTF-8, or null for the null bulk string. */
    public String asString() {
      return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    String render(Redactor secrets) {
      return Printable.render(bytes, 0, bytes.length, secrets, Printable.MAX);
    }

    @Override
    public String typeName() {
      return isNull() ? "null bulk string" : "bulk string";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof BulkString bulkString && Arrays.equals(bytes, bulkString.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return Printable.describe(this, Redactor.NONE);
    }
  }

  /**
   * An array reply ({@code *2\r\n...}), whose elements may be of any type, or the null array.
   *
   * @param elements the elements (copied, unmodifiable), or null for the null array
   */
  record RespArray(List<RespValue> elements) implements RespValue {
    /**
     * Copies the list (unless it is already an unmodifiable {@link List#copyOf} list).
     *
     * @throws NullPointerException if an element is null (use {@link #NULL_BULK})
     */
    public RespArray {
      elements = elements == null ? null : List.copyOf(elements);
    }

    /** Returns whether this is the null array ({@code *-1}). */
    public boolean isNull() {
      return elements == null;
    }

    @Override
    public String typeName() {
      return isNull() ? "null array" : "array";
    }

    @Override
    public String toString() {
      return Printable.describe(this, Redactor.NONE);
    }
  }
}
