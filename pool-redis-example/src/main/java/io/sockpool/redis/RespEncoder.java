package io.sockpool.redis;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encodes RESP2: commands (an array of bulk strings, the form Redis expects from clients) and any
 * {@link RespValue} (the form a server sends, used by tests and fake servers). Stateless;
 * thread-safe.
 */
public final class RespEncoder {
  private RespEncoder() {}

  /**
   * Encodes a command, each argument as a UTF-8 bulk string.
   *
   * @param args the command name and its arguments; at least one, none null
   * @return a buffer ready to write (position 0, limit at the end), whose backing array holds
   *     exactly the command
   * @throws IllegalArgumentException if there are no arguments or one is null
   */
  public static ByteBuffer command(String... args) {
    if (args == null || args.length == 0) {
      throw new IllegalArgumentException(
          "a command needs at least 1 argument (its name), but got 0");
    }
    byte[][] raw = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      if (args[i] == null) {
        throw new IllegalArgumentException("command argument " + i + " must not be null");
      }
      raw[i] = args[i].getBytes(StandardCharsets.UTF_8);
    }
    return encode(raw);
  }

  /**
   * Encodes a command whose arguments are raw bytes.
   *
   * @param args the command name and its arguments; at least one, none null
   * @return a buffer ready to write, whose backing array holds exactly the command
   * @throws IllegalArgumentException if there are no arguments
   * @throws NullPointerException if an argument is null
   */
  public static ByteBuffer command(List<byte[]> args) {
    if (args.isEmpty()) {
      throw new IllegalArgumentException(
          "a command needs at least 1 argument (its name), but got 0");
    }
    return encode(args.toArray(new byte[0][]));
  }

  private static ByteBuffer encode(byte[][] args) {
    int size = 3 + digits(args.length);
    for (byte[] a : args) {
      size += 5 + digits(a.length) + a.length;
    }
    byte[] out = new byte[size];
    int at = header(out, 0, '*', args.length);
    for (byte[] a : args) {
      at = header(out, at, '$', a.length);
      System.arraycopy(a, 0, out, at, a.length);
      at += a.length;
      out[at++] = '\r';
      out[at++] = '\n';
    }
    return ByteBuffer.wrap(out);
  }

  /**
   * Encodes any value as a server would send it.
   *
   * @param value the value
   * @return the bytes
   * @throws IllegalArgumentException if a simple string or error holds CR or LF
   */
  public static byte[] encode(RespValue value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(out, value);
    return out.toByteArray();
  }

  private static void write(ByteArrayOutputStream out, RespValue value) {
    if (value instanceof RespValue.SimpleString s) {
      line(out, '+', checkLine("simple string", s.value()));
    } else if (value instanceof RespValue.ErrorReply e) {
      line(out, '-', checkLine("error", e.message()));
    } else if (value instanceof RespValue.RespInteger i) {
      line(out, ':', Long.toString(i.value()));
    } else if (value instanceof RespValue.BulkString b) {
      if (b.isNull()) {
        line(out, '$', "-1");
      } else {
        byte[] bytes = b.bytes();
        line(out, '$', Integer.toString(bytes.length));
        out.writeBytes(bytes);
        out.write('\r');
        out.write('\n');
      }
    } else {
      RespValue.RespArray a = (RespValue.RespArray) value;
      if (a.isNull()) {
        line(out, '*', "-1");
      } else {
        line(out, '*', Integer.toString(a.elements().size()));
        for (RespValue v : a.elements()) {
          write(out, v);
        }
      }
    }
  }

  private static String checkLine(String what, String text) {
    if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
      throw new IllegalArgumentException(
          "a RESP " + what + " must not contain CR or LF, but was '" + Printable.of(text) + "'");
    }
    return text;
  }

  private static void line(ByteArrayOutputStream out, char type, String text) {
    out.write(type);
    out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    out.write('\r');
    out.write('\n');
  }

  /** Decimal digits of a count, which is never negative. */
  private static int digits(int n) {
    int d = 1;
    for (int rest = n / 10; rest > 0; rest /= 10) {
      d++;
    }
    return d;
  }

  private static int header(byte[] out, int at, char type, int n) {
    out[at++] = (byte) type;
    int end = at + digits(n);
    for (int i = end - 1, rest = n; i >= at; i--, rest /= 10) {
      out[i] = (byte) ('0' + rest % 10);
    }
    out[end] = '\r';
    out[end + 1] = '\n';
    return end + 2;
  }
}
