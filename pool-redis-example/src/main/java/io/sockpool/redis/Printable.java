package io.sockpool.redis;

import java.nio.charset.StandardCharsets;

/** Renders bytes or text for messages: printable ASCII as is, CR/LF as \r \n, others as \xNN. */
final class Printable {
  /** Longest rendering, in source characters, before "..." is appended. */
  static final int MAX = 64;

  private Printable() {}

  static String of(String text) {
    return of(text.getBytes(StandardCharsets.UTF_8), text.length());
  }

  static String of(byte[] bytes, int length) {
    StringBuilder sb = new StringBuilder();
    int n = Math.min(length, MAX);
    for (int i = 0; i < n; i++) {
      sb.append(ofByte(bytes[i]));
    }
    if (length > MAX) {
      sb.append("...");
    }
    return sb.toString();
  }

  static String ofByte(byte value) {
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
}
