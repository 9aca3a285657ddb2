package io.sockpool.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Renders bytes a peer sent for messages, through one function ({@link #render}): first hides what
 * a {@link Redactor} says is secret, then escapes (printable ASCII as is, CR/LF as {@code \r \n},
 * other bytes as {@code \xNN}) and cuts. Every message that quotes a peer's bytes is built here.
 */
final class Printable {
  /** Longest rendering of a value, in source bytes, before "..." is appended. */
  static final int MAX = 64;

  /** Longest rendering of a server's error line. */
  static final int MAX_ERROR_LINE = 512;

  private Printable() {}

  /** {@code text} (as UTF-8) with nothing hidden, cut after {@link #MAX} bytes. */
  static String of(String text) {
    return of(text, Redactor.NONE, MAX);
  }

  /** {@code text} (as UTF-8) with the secrets hidden, cut after {@code max} bytes. */
  static String of(String text, Redactor secrets, int max) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return render(bytes, 0, bytes.length, secrets, max);
  }

  /** The first {@code length} bytes, nothing hidden, cut after {@link #MAX} bytes. */
  static String of(byte[] bytes, int length) {
    return render(bytes, 0, length, Redactor.NONE, MAX);
  }

  /** The bytes between {@code from} and {@code to} of a buffer (its position is unchanged). */
  static String of(ByteBuffer buffer, int from, int to, Redactor secrets) {
    int window = Math.min(to - from, MAX + Redactor.MIN_PIECE - 1);
    byte[] copy = new byte[window];
    buffer.get(from, copy);
    return render(copy, 0, to - from, secrets, MAX, window);
  }

  /** One byte and its code, e.g. {@code 'H' (0x48)}, or only the mark if it is hidden. */
  static String ofByte(byte value, Redactor secrets) {
    String shown = render(new byte[] {value}, 0, 1, secrets, 1);
    return shown.equals(Redactor.MARK)
        ? shown
        : "'" + shown + "' (0x" + String.format("%02x", value & 0xff) + ")";
  }

  /**
   * The one rendering of a peer's bytes.
   *
   * @param bytes the bytes
   * @param off the first
   * @param len how many there are (the text may go on beyond what is looked at)
   * @param secrets what to hide
   * @param max the most source bytes shown before "..."
   * @return the rendering: hidden runs as {@link Redactor#MARK}, the rest escaped
   */
  static String render(byte[] bytes, int off, int len, Redactor secrets, int max) {
    return render(bytes, off, len, secrets, max, Math.min(len, max + Redactor.MIN_PIECE - 1));
  }

  /**
   * @param window how many bytes from {@code off} are available (at most {@code len}); a hidden
   *     piece that starts before {@code max} has all its first {@link Redactor#MIN_PIECE} bytes in
   *     it, so it is found before anything is cut
   */
  private static String render(
      byte[] bytes, int off, int len, Redactor secrets, int max, int window) {
    boolean[] hide = secrets.isEmpty() ? null : secrets.hidden(bytes, off, window, window == len);
    StringBuilder sb = new StringBuilder(Math.min(window, max) + 8);
    int i = 0;
    while (i < window && i < max) {
      if (hide != null && hide[i]) {
        sb.append(Redactor.MARK);
        while (i < window && hide[i]) {
          i++;
        }
      } else {
        sb.append(escape(bytes[off + i]));
        i++;
      }
    }
    if (i < len) {
      sb.append("...");
    }
    return sb.toString();
  }

  /** One byte, escaped. */
  static String escape(byte value) {
    int b = value & 0xff;
    if (b == '\r') {
      return "\\r";
    }
    if (b == '\n') {
      return "\\n";
    }
    if (b >= 32 && b < 127) {
      return String.valueOf((char) b);
    }
    return String.format("\\x%02x", b);
  }

  /**
   * A value for a message: {@code +OK}, {@code -ERR ...}, {@code :42}, {@code $5 hello}, {@code
   * *2[...]} (at most 8 elements shown), strings cut after {@link #MAX} bytes, secrets hidden.
   */
  static String describe(RespValue value, Redactor secrets) {
    if (value instanceof RespValue.SimpleString s) {
      return "+" + of(s.value(), secrets, MAX);
    }
    if (value instanceof RespValue.ErrorReply e) {
      return "-" + of(e.message(), secrets, MAX);
    }
    if (value instanceof RespValue.RespInteger n) {
      return ":" + n.value();
    }
    if (value instanceof RespValue.BulkString b) {
      return b.isNull() ? "$-1" : "$" + b.length() + " " + b.render(secrets);
    }
    RespValue.RespArray a = (RespValue.RespArray) value;
    if (a.isNull()) {
      return "*-1";
    }
    StringBuilder sb = new StringBuilder("*").append(a.elements().size()).append('[');
    for (int i = 0; i < a.elements().size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      if (i == 8) {
        sb.append("...");
        break;
      }
      sb.append(describe(a.elements().get(i), secrets));
    }
    return sb.append(']').toString();
  }
}
