package io.sockpool.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The secrets one exchange must never render (an AUTH password and user name, the arguments of an
 * admin command), and where they are in bytes a peer sent. {@link Printable#render} asks it which
 * bytes to hide before it escapes or cuts anything, so no rendering shows a piece of a secret.
 *
 * <p>A secret is looked for in the forms a peer may send it back in: its raw bytes, with CR and LF
 * turned into spaces (as Redis quotes arguments in error lines), decoded and re-encoded as UTF-8
 * (as a simple string or error reply holds it), and escaped byte by byte ({@code \xNN} in lower or
 * upper case, this client's own escaping, Redis's {@code sdscatrepr} quoting). Hidden: every run of
 * at least 4 bytes (or the whole secret, if shorter) that occurs anywhere in one of those forms,
 * and, where the peer's text ends, any tail that begins one of them (the peer may have cut the
 * secret).
 *
 * <p>Holds copies of the secrets; the forms are made only when something is rendered (an exchange
 * that goes well costs one copy of each secret). {@link #close()} wipes them all. Not thread-safe.
 */
final class Redactor implements AutoCloseable {
  /** No secrets: renders everything. */
  static final Redactor NONE = new Redactor(new ArrayList<>());

  /** What a hidden run is rendered as. */
  static final String MARK = "<redacted>";

  /** The shortest piece of a secret that is hidden wherever it occurs. */
  static final int MIN_PIECE = 4;

  private final List<byte[]> secrets;
  private final List<byte[]> forms = new ArrayList<>();

  private Redactor(List<byte[]> secrets) {
    this.secrets = secrets;
  }

  /**
   * Returns a redactor hiding them.
   *
   * @param secrets the secrets' bytes (copied; empty or null entries are ignored)
   */
  static Redactor of(List<byte[]> secrets) {
    List<byte[]> copies = new ArrayList<>();
    for (byte[] s : secrets) {
      if (s != null && s.length > 0) {
        copies.add(s.clone());
      }
    }
    return copies.isEmpty() ? NONE : new Redactor(copies);
  }

  /**
   * Returns a redactor hiding them.
   *
   * @param secrets the secrets as text, encoded as UTF-8
   */
  static Redactor ofText(List<String> secrets) {
    List<byte[]> bytes = new ArrayList<>(secrets.size());
    for (String s : secrets) {
      bytes.add(s.getBytes(StandardCharsets.UTF_8));
    }
    return of(bytes);
  }

  boolean isEmpty() {
    return secrets.isEmpty();
  }

  /**
   * Returns for each of the {@code len} bytes, whether to hide it; null if none is to be hidden.
   *
   * @param bytes where the peer's bytes are
   * @param off the first byte to look at
   * @param len how many bytes to look at
   * @param endOfText whether the peer's text ends after them (not cut by the caller)
   */
  boolean[] hidden(byte[] bytes, int off, int len, boolean endOfText) {
    if (forms.isEmpty()) {
      for (byte[] secret : secrets) {
        addForms(forms, secret);
      }
    }
    boolean[] hide = null;
    for (byte[] form : forms) {
      int min = Math.min(MIN_PIECE, form.length);
      for (int i = 0; i < len; i++) {
        int run = longestRunFrom(bytes, off + i, len - i, form);
        if (run >= min) {
          hide = mark(hide, len, i, i + run);
        }
      }
      if (endOfText) {
        for (int k = Math.min(form.length, len); k >= 1; k--) {
          if (Arrays.equals(bytes, off + len - k, off + len, form, 0, k)) {
            hide = mark(hide, len, len - k, len);
            break;
          }
        }
      }
    }
    return hide;
  }

  /** The longest run starting at {@code bytes[at]} that occurs somewhere in {@code form}. */
  private static int longestRunFrom(byte[] bytes, int at, int available, byte[] form) {
    int longest = 0;
    for (int j = 0; j + longest < form.length && longest < available; j++) {
      int k = 0;
      while (k < available && j + k < form.length && bytes[at + k] == form[j + k]) {
        k++;
      }
      longest = Math.max(longest, k);
    }
    return longest;
  }

  private static boolean[] mark(boolean[] hide, int len, int from, int to) {
    boolean[] h = hide == null ? new boolean[len] : hide;
    Arrays.fill(h, from, to, true);
    return h;
  }

  private static void addForms(List<byte[]> forms, byte[] secret) {
    byte[] crlfAsSpace = secret.clone();
    for (int i = 0; i < crlfAsSpace.length; i++) {
      if (crlfAsSpace[i] == '\r' || crlfAsSpace[i] == '\n') {
        crlfAsSpace[i] = ' ';
      }
    }
    byte[] reencoded = new String(secret, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
    StringBuilder lower = new StringBuilder();
    StringBuilder upper = new StringBuilder();
    StringBuilder own = new StringBuilder();
    StringBuilder repr = new StringBuilder();
    for (byte b : secret) {
      lower.append(String.format("\\x%02x", b & 0xff));
      upper.append(String.format("\\x%02X", b & 0xff));
      own.append(Printable.escape(b));
      repr.append(reprOf(b));
    }
    for (byte[] form :
        List.of(
            secret, crlfAsSpace, reencoded, ascii(lower), ascii(upper), ascii(own), ascii(repr))) {
      if (forms.stream().noneMatch(f -> Arrays.equals(f, form))) {
        forms.add(form);
      } else if (form != secret) {
        Arrays.fill(form, (byte) 0);
      }
    }
    wipe(lower, upper, own, repr);
  }

  /** Redis's {@code sdscatrepr} escaping of one byte. */
  private static String reprOf(byte value) {
    int b = value & 0xff;
    return switch (b) {
      case '\\' -> "\\\\";
      case '"' -> "\\\"";
      case '\n' -> "\\n";
      case '\r' -> "\\r";
      case '\t' -> "\\t";
      case 7 -> "\\a";
      case '\b' -> "\\b";
      default -> b >= 32 && b < 127 ? String.valueOf((char) b) : String.format("\\x%02x", b);
    };
  }

  private static byte[] ascii(StringBuilder sb) {
    byte[] out = new byte[sb.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) sb.charAt(i);
    }
    return out;
  }

  private static void wipe(StringBuilder... builders) {
    for (StringBuilder sb : builders) {
      for (int i = 0; i < sb.length(); i++) {
        sb.setCharAt(i, '\0');
      }
    }
  }

  /** Wipes the copies of the secrets. The redactor hides nothing afterwards. */
  @Override
  public void close() {
    for (List<byte[]> list : List.of(secrets, forms)) {
      for (byte[] b : list) {
        Arrays.fill(b, (byte) 0);
      }
      list.clear();
    }
  }
}
