package io.sockpool;

import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * The key of the pool: a TCP peer named by host and port.
 *
 * <p>The host name is kept as given. A pool resolves it through its {@link
 * PoolConfig#addressResolver()}, within the checkout deadline, uses every address the name has, and
 * re-resolves it in the background ({@link PoolConfig#reresolveInterval()}), so a peer that moves
 * to another address is followed and connections to the old one are drained (see {@link
 * SocketPool#addresses(Endpoint)}). Host names compare case-insensitively. Instances are immutable
 * and safe to share.
 */
public final class Endpoint {
  private final String host;
  private final int port;
  private final int hash; // the pool looks endpoints up on every checkout: no String to touch

  private Endpoint(String host, int port) {
    this.host = host;
    this.port = port;
    this.hash = 31 * host.hashCode() + port;
  }

  /**
   * Creates an endpoint.
   *
   * @param host host name or IP literal; not blank
   * @param port TCP port, 1..65535
   * @return the endpoint
   * @throws IllegalArgumentException if the host is null or blank or the port is out of range
   */
  public static Endpoint of(String host, int port) {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException(
          "host must not be blank, but was " + (host == null ? "null" : "'" + host + "'"));
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be in 1..65535, but was " + port);
    }
    String h = host.strip();
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return new Endpoint(h.toLowerCase(Locale.ROOT), port);
  }

  /**
   * Parses {@code host:port} (IPv6 literals as {@code [::1]:6379}).
   *
   * @param hostAndPort the text to parse
   * @return the endpoint
   * @throws IllegalArgumentException if the text is not of the form {@code host:port} with a valid
   *     port
   */
  public static Endpoint parse(String hostAndPort) {
    if (hostAndPort == null) {
      throw new IllegalArgumentException("endpoint must be host:port, but was null");
    }
    int colon = hostAndPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostAndPort.length() - 1) {
      throw new IllegalArgumentException(
          "endpoint must be host:port, but was '" + hostAndPort + "'");
    }
    String portText = hostAndPort.substring(colon + 1);
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "endpoint port must be a number in 1..65535, but was '"
              + portText
              + "' in '"
              + hostAndPort
              + "'");
    }
    return of(hostAndPort.substring(0, colon), port);
  }

  /** Returns the host name or IP literal, lower case, without IPv6 brackets. */
  public String host() {
    return host;
  }

  /** Returns the TCP port, 1..65535. */
  public int port() {
    return port;
  }

  /**
   * Resolves the host now, in this thread, through the JVM's DNS cache (blocking as long as the
   * system resolver takes). For tools outside a pool; the pool itself uses its {@link
   * AddressResolver} instead.
   *
   * @return a new, possibly unresolved (if DNS failed), socket address
   */
  public InetSocketAddress resolve() {
    return new InetSocketAddress(host, port);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Endpoint other)) {
      return false;
    }

    return hash == other.hash && port == other.port && host.equals(other.host);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  /**
   * @return {@code host:port}, IPv6 literals in brackets
   */
  @Override
  public String toString() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
