package io.sockpool.testkit.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Parses and prints {@code host:port} strings the way Go's {@code net} package does, so that the
 * {@code listen} field reads exactly like the one of Go Toxiproxy.
 */
final class Addresses {

  private Addresses() {}

  /** A resolved address: {@code ip} is null for "all interfaces" (an empty host). */
  record Resolved(InetAddress ip, int port) {
    InetSocketAddress socketAddress() {
      return ip == null ? new InetSocketAddress(port) : new InetSocketAddress(ip, port);
    }

    /** Go's TCPAddr.String(): ":8080" for no IP, "[::1]:80" for IPv6. */
    String text() {
      return hostText(ip) + ":" + port;
    }

    /** The address a listener bound to this one reports, with the port it really got. */
    String boundText(int boundPort) {
      return (ip == null ? "[::]" : hostText(ip)) + ":" + boundPort;
    }
  }

  /**
   * Resolves {@code host:port} (Go's net.ResolveTCPAddr, IPv4 preferred).
   *
   * @throws ApiException with status 500 and Go's wording when the text is not an address
   */
  static Resolved resolve(String address) throws ApiException {
    String host;
    String portText;
    if (address.startsWith("[")) {
      int close = address.indexOf(']');
      if (close < 0) {
        throw addressError(address, "missing ']' in address");
      }
      if (close + 1 >= address.length() || address.charAt(close + 1) != ':') {
        throw addressError(address, "missing port in address");
      }
      host = address.substring(1, close);
      portText = address.substring(close + 2);
    } else {
      int colon = address.lastIndexOf(':');
      if (colon < 0) {
        throw addressError(address, "missing port in address");
      }
      host = address.substring(0, colon);
      if (host.indexOf(':') >= 0) {
        throw addressError(address, "too many colons in address");
      }
      portText = address.substring(colon + 1);
    }
    int port = parsePort(address, portText);
    if (host.isEmpty()) {
      return new Resolved(null, port);
    }
    return new Resolved(lookup(host), port);
  }

  private static int parsePort(String address, String portText) throws ApiException {
    if (portText.isEmpty()) {
      return 0;
    }
    if (!portText.chars().allMatch(c -> c >= '0' && c <= '9') || portText.length() > 5) {
      throw addressError(address, "invalid port (a number from 0 to 65535 is allowed)");
    }
    int port = Integer.parseInt(portText);
    if (port > 65535) {
      throw addressError(address, "invalid port (a number from 0 to 65535 is allowed)");
    }
    return port;
  }

  private static InetAddress lookup(String host) throws ApiException {
    try {
      InetAddress[] all = InetAddress.getAllByName(host);
      for (InetAddress a : all) {
        if (a instanceof Inet4Address) {
          return a;
        }
      }
      return all[0];
    } catch (UnknownHostException e) {
      throw new ApiException(500, "lookup " + host + ": no such host");
    }
  }

  private static ApiException addressError(String address, String why) {
    return new ApiException(500, "address " + address + ": " + why);
  }

  static String hostText(InetAddress ip) {
    if (ip == null) {
      return "";
    }
    if (ip instanceof Inet6Address) {
      return "[" + compressIpv6(ip.getAddress()) + "]";
    }
    return ip.getHostAddress();
  }

  /**
   * RFC 5952 text of an IPv6 address: the longest run (length >= 2) of zero groups becomes "::".
   */
  static String compressIpv6(byte[] a) {
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen && j - i >= 2) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }
}
