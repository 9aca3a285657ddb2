package io.sockpool;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Strict IP literal parsing without DNS, for {@link Endpoint}.
 *
 * <p>A host made only of digits and dots is an IPv4 literal attempt and must be the canonical
 * dotted quad: four decimal numbers 0..255 without leading zeros ({@code 10.0.0.5}). The C
 * library's other forms ({@code 1.2.3}, {@code 127.1}, {@code 3232235777}, octal {@code 010.0.0.1})
 * are rejected: they mean different addresses to different tools, and the JDK would send some of
 * them to DNS. A host containing a colon is an IPv6 literal (RFC 4291 text form, optionally with an
 * embedded dotted quad and a {@code %zone}). Anything else is a host name.
 */
final class IpLiterals {
  private static final String IPV4_FORM =
      "an IPv4 literal is four decimal numbers 0..255 without leading zeros, e.g. 10.0.0.5";
  private static final String IPV6_FORM =
      "an IPv6 literal is up to eight groups of 1..4 hex digits separated by ':', with at most one"
          + " '::', e.g. ::1 or fe80::1%eth0";

  private IpLiterals() {}

  /**
   * Parses a host as an IP literal without any name lookup.
   *
   * @param host the host, without brackets, not blank
   * @return the address, or null if the host is a host name, not an IP literal
   * @throws IllegalArgumentException if the host looks like an IP literal but is a malformed one
   */
  static InetAddress parse(String host) {
    if (host.indexOf(':') >= 0) {
      return parseV6(host);
    }
    if (isDigitsAndDots(host)) {
      byte[] v4 = parseV4(host);
      if (v4 == null) {
        throw new IllegalArgumentException(
            "host '" + host + "' looks like an IPv4 address but is not one: " + IPV4_FORM);
      }
      return byAddress(host, v4);
    }
    return null;
  }

  private static boolean isDigitsAndDots(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '.' && (c < '0' || c > '9')) {
        return false;
      }
    }
    return true;
  }

  /**
   * @return the four bytes of a canonical dotted quad, or null if the text is not one
   */
  static byte[] parseV4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty()
          || p.length() > 3
          || (p.length() > 1 && p.charAt(0) == '0')
          || !isDigitsAndDots(p)) {
        return null;
      }
      int v = Integer.parseInt(p);
      if (v > 255) {
        return null;
      }
      bytes[i] = (byte) v;
    }
    return bytes;
  }

  private static InetAddress parseV6(String host) {
    int percent = host.indexOf('%');
    String address = percent < 0 ? host : host.substring(0, percent);
    if (percent >= 0 && (percent == host.length() - 1 || !isZone(host.substring(percent + 1)))) {
      throw new IllegalArgumentException(
          "host '"
              + host
              + "' has a malformed IPv6 zone: after '%' comes an interface name or number, e.g."
              + " fe80::1%eth0");
    }
    byte[] bytes = parseV6Address(address);
    if (bytes == null) {
      throw new IllegalArgumentException(
          "host '"
              + host
              + "' contains ':' but is not an IPv6 address: "
              + IPV6_FORM
              + " (a host name cannot contain ':'; a port goes in Endpoint.of's second argument)");
    }
    if (percent < 0) {
      return byAddress(host, bytes);
    }
    try {
      // validated literal with a zone: getByName only checks a literal's format, no lookup
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          "host '" + host + "' has an IPv6 zone this machine does not know: " + e.getMessage(), e);
    }
  }

  private static boolean isZone(String zone) {
    for (int i = 0; i < zone.length(); i++) {
      char c = zone.charAt(i);
      if (!Character.isLetterOrDigit(c) && c != '.' && c != '-' && c != '_') {
        return false;
      }
    }
    return true;
  }

  /**
   * @return the 16 bytes of an RFC 4291 text address, or null if malformed
   */
  static byte[] parseV6Address(String s) {
    int gap = s.indexOf("::");
    if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
      return null;
    }
    byte[] bytes = new byte[16];
    if (gap < 0) {
      return groups(s, bytes, 0, true) == 16 ? bytes : null;
    }
    byte[] tail = new byte[16];
    int head = gap == 0 ? 0 : groups(s.substring(0, gap), bytes, 0, false);
    String rest = s.substring(gap + 2);
    int tailLength = rest.isEmpty() ? 0 : groups(rest, tail, 0, true);
    if (head < 0 || tailLength < 0 || head + tailLength > 14) {
      return null;
    }
    System.arraycopy(tail, 0, bytes, 16 - tailLength, tailLength);
    return bytes;
  }

  /**
   * Parses {@code g:g:...} into {@code out} from {@code at}; the last group may be a dotted quad
   * when {@code mayEndInV4}.
   *
   * @return the number of bytes written, or -1 if malformed
   */
  private static int groups(String s, byte[] out, int at, boolean mayEndInV4) {
    String[] groups = s.split(":", -1);
    int n = at;
    for (int i = 0; i < groups.length; i++) {
      String g = groups[i];
      if (i == groups.length - 1 && mayEndInV4 && g.indexOf('.') >= 0) {
        byte[] v4 = parseV4(g);
        if (v4 == null || n + 4 > 16) {
          return -1;
        }
        System.arraycopy(v4, 0, out, n, 4);
        return n + 4 - at;
      }
      if (g.isEmpty() || g.length() > 4 || n + 2 > 16) {
        return -1;
      }
      int v = 0;
      for (int k = 0; k < g.length(); k++) {
        char c = g.charAt(k);
        int d = c < 128 ? Character.digit(c, 16) : -1; // ASCII only: no other scripts' digits
        if (d < 0) {
          return -1;
        }
        v = v * 16 + d;
      }
      out[n++] = (byte) (v >>> 8);
      out[n++] = (byte) v;
    }
    return n - at;
  }

  private static InetAddress byAddress(String host, byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes); // no lookup: an address from bytes
    } catch (UnknownHostException e) {
      throw new IllegalStateException("4 or 16 bytes are always an address: " + host, e);
    }
  }
}
