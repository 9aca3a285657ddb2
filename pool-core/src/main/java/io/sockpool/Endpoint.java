package io.sockpool;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The key of the pool: a TCP peer named by host and port, or a Unix domain socket named by its path
 * ({@link #unix(Path)}).
 *
 * <p>The host name is kept as given. A pool resolves it through its {@link
 * PoolConfig#addressResolver()}, within the checkout deadline, uses every address the name has, and
 * re-resolves it in the background ({@link PoolConfig#reresolveInterval()}), so a peer that moves
 * to another address is followed and connections to the old one are drained (see {@link
 * SocketPool#addresses(Endpoint)}). Host names compare case-insensitively. Instances are immutable
 * and safe to share. Reuse one instance per peer (a constant) where you can: the first pool that
 * uses an instance keeps its state for the endpoint in it (an internal field, not part of the
 * value, let go when the pool forgets the endpoint or closes), which spares each checkout a map
 * lookup; an equal instance made per call works the same, with the lookup.
 */
public final class Endpoint {
  /** The accepted forms, named in every rejection. */
  static final String FORM =
      "host:port, or [IPv6 literal]:port (e.g. redis.internal:6379, [::1]:6379)";

  private static final int MAX_HOST = 253;
  private static final int MAX_LABEL = 63;

  private final String host;
  private final int port;
  private final InetAddress literal; // null for a host name
  private final Path unixPath; // null for TCP
  private final int hash; // the pool looks endpoints up on every checkout: no String to touch

  /**
   * A pool's state for this endpoint, cached by the pool (io.sockpool.internal.EndpointCache) so
   * that a checkout need not look it up in a map; not part of the value (equals, hashCode).
   */
  @SuppressWarnings("unused") // through EndpointCache's VarHandle
  private Object poolState;

  private Endpoint(String host, int port, InetAddress literal) {
    this(host, port, literal, null);
  }

  private Endpoint(String host, int port, InetAddress literal, Path unixPath) {
    this.host = host;
    this.port = port;
    this.literal = literal;
    this.unixPath = unixPath;
    this.hash = 31 * host.hashCode() + port;
  }

  /**
   * Creates an endpoint.
   *
   * <p>The host is a host name (letters, digits, {@code -}, {@code _} and {@code .}; labels of at
   * most 63 characters, 253 in all; internationalised names in their ASCII {@code xn--} form) or an
   * IP literal. A host made only of digits and dots must be a canonical IPv4 dotted quad (four
   * decimal numbers 0..255 without leading zeros): {@code 1.2.3}, {@code 256.1.1.1} and {@code
   * 010.0.0.1} are rejected, as their meaning differs between tools. A host with a colon must be an
   * IPv6 literal, with or without brackets, optionally with a {@code %zone}. IP literals are parsed
   * here, without any name lookup (see {@link #ipLiteral()}).
   *
   * @param host host name or IP literal; not blank
   * @param port TCP port, 1..65535
   * @return the endpoint
   * @throws IllegalArgumentException if the host is null, blank, not a host name and not a valid IP
   *     literal (a scheme, path, user info or port in it, a malformed address), or the port is out
   *     of range
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
    if (h.indexOf('@') >= 0) {
      // user info may hold a password: never echo the text
      throw new IllegalArgumentException(
          "host must be a host name or IP literal, but contains user info before '@' (not shown);"
              + " credentials go to the pool's initializer, the endpoint is "
              + FORM);
    }
    int scheme = h.indexOf("://");
    if (scheme >= 0) {
      throw new IllegalArgumentException(
          "host must be a host name or IP literal, not a URL, but was '"
              + h
              + "': drop the scheme '"
              + h.substring(0, scheme + 3)
              + "'; the endpoint is "
              + FORM);
    }
    InetAddress literal = IpLiterals.parse(h);
    if (literal == null) {
      checkHostName(h);
    }
    return new Endpoint(h.toLowerCase(Locale.ROOT), port, literal);
  }

  /** The longest socket path Linux accepts ({@code sun_path} holds 108 bytes with its NUL). */
  static final int MAX_UNIX_PATH_BYTES = 107;

  /**
   * Creates the endpoint of a Unix domain socket (e.g. {@code /run/redis/redis.sock}). Its
   * connections are opened with {@code SocketChannel.open(StandardProtocolFamily.UNIX)}; TCP-only
   * socket options are skipped; everything else (deadlines, validation, eviction, circuit breaker,
   * stats, TLS if configured) works as for TCP. The file need not exist yet: a missing socket file
   * is a connect failure, like a refused port.
   *
   * @param path the socket file; absolute, at most 107 bytes in UTF-8
   * @return the endpoint; {@link #host()} is the path, {@link #port()} is 0
   * @throws IllegalArgumentException if the path is null, relative or too long
   */
  public static Endpoint unix(Path path) {
    if (path == null) {
      throw new IllegalArgumentException("path must not be null (the unix socket file)");
    }
    if (!path.isAbsolute()) {
      throw new IllegalArgumentException(
          "unix socket path must be absolute, but was '" + path + "'");
    }
    String text = path.normalize().toString();
    int bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (bytes > MAX_UNIX_PATH_BYTES) {
      throw new IllegalArgumentException(
          "unix socket path must be at most "
              + MAX_UNIX_PATH_BYTES
              + " bytes, but '"
              + text
              + "' has "
              + bytes);
    }
    return new Endpoint(text, 0, null, path.normalize());
  }

  /**
   * @return the socket file of a Unix domain socket endpoint; empty for TCP
   */
  public Optional<Path> unixPath() {
    return Optional.ofNullable(unixPath);
  }

  private static void checkHostName(String h) {
    if (h.length() > MAX_HOST) {
      throw new IllegalArgumentException(
          "host name must be at most " + MAX_HOST + " characters, but was " + h.length());
    }
    int labelStart = 0;
    for (int i = 0; i <= h.length(); i++) {
      char c = i < h.length() ? h.charAt(i) : '.';
      if (c == '.') {
        int label = i - labelStart; // one trailing dot ends in an empty label at the end: allowed
        if ((label == 0 && i < h.length()) || label > MAX_LABEL) {
          throw new IllegalArgumentException(
              "host name '"
                  + h
                  + "' has a label of "
                  + label
                  + " characters; each dot-separated label must have 1.."
                  + MAX_LABEL);
        }
        labelStart = i + 1;
      } else if (!isHostChar(c)) {
        throw new IllegalArgumentException(
            "host must be a host name (letters, digits, '-', '_', '.') or IP literal, but '"
                + h
                + "' contains '"
                + c
                + "'"
                + (c == '/' ? " (a path or URL?)" : "")
                + "; the endpoint is "
                + FORM);
      }
    }
  }

  private static boolean isHostChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_';
  }

  /**
   * Parses {@code host:port}, IPv6 literals in brackets ({@code [::1]:6379}). Surrounding
   * whitespace is ignored. Rejected with a message naming the accepted form: a scheme ({@code
   * redis://host:6379}), a path ({@code host:6379/0}), user info ({@code user@host:6379}, never
   * echoed), an IPv6 literal without brackets, an empty host, and a port that is not a decimal
   * number in 1..65535; the host then as in {@link #of(String, int)}.
   *
   * @param hostAndPort the text to parse
   * @return the endpoint
   * @throws IllegalArgumentException if the text is not of the form {@code host:port} or {@code
   *     [IPv6]:port} with a valid host and port
   */
  public static Endpoint parse(String hostAndPort) {
    if (hostAndPort == null) {
      throw new IllegalArgumentException("hostAndPort must not be null; the endpoint is " + FORM);
    }
    String text = hostAndPort.strip();
    if (text.indexOf('@') >= 0) {
      throw new IllegalArgumentException(
          "endpoint must be "
              + FORM
              + ", but the text has user info before '@' (not shown; credentials go to the pool's"
              + " initializer)");
    }
    int scheme = text.indexOf("://");
    if (scheme >= 0) {
      throw new IllegalArgumentException(
          "endpoint must be "
              + FORM
              + ", without a scheme, but was '"
              + text
              + "': drop '"
              + text.substring(0, scheme + 3)
              + "'");
    }
    if (text.indexOf('/') >= 0 || text.indexOf('?') >= 0) {
      throw new IllegalArgumentException(
          "endpoint must be " + FORM + ", without a path, but was '" + text + "'");
    }
    String host;
    String portText;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
        throw new IllegalArgumentException("endpoint must be " + FORM + ", but was '" + text + "'");
      }
      host = text.substring(1, close);
      portText = text.substring(close + 2);
    } else {
      int colon = text.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(
            "endpoint must be " + FORM + ", but was '" + text + "' (no port)");
      }
      if (text.indexOf(':') != colon) {
        throw new IllegalArgumentException(
            "endpoint must be "
                + FORM
                + ", but was '"
                + text
                + "': an IPv6 literal needs brackets, as in [::1]:6379");
      }
      host = text.substring(0, colon);
      portText = text.substring(colon + 1);
    }
    if (host.isBlank()) {
      throw new IllegalArgumentException(
          "endpoint must be " + FORM + ", but the host is empty in '" + text + "'");
    }
    return of(host, parsePort(portText, text));
  }

  private static int parsePort(String portText, String text) {
    boolean digits = !portText.isEmpty() && portText.length() <= 5;
    for (int i = 0; digits && i < portText.length(); i++) {
      char c = portText.charAt(i);
      digits = c >= '0' && c <= '9';
    }
    int port = digits ? Integer.parseInt(portText) : -1;
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "endpoint port must be a number in 1..65535, but was '"
              + portText
              + "' in '"
              + text
              + "'; the endpoint is "
              + FORM);
    }
    return port;
  }

  /**
   * Returns the host name or IP literal, lower case, without IPv6 brackets; a Unix socket's path.
   */
  public String host() {
    return host;
  }

  /** Returns the TCP port, 1..65535; 0 for a Unix socket. */
  public int port() {
    return port;
  }

  /**
   * Resolves the host now, in this thread, through the JVM's DNS cache (blocking as long as the
   * system resolver takes; an IP literal is used as it is, with no lookup). For tools outside a
   * pool; the pool itself uses its {@link AddressResolver} instead.
   *
   * @return a new, possibly unresolved (if DNS failed), socket address; for a Unix socket, which
   *     has no IP address, the loopback address with port 0 (the pool's per-address stats show it
   *     so)
   */
  public InetSocketAddress resolve() {
    if (unixPath != null) {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }
    return literal != null
        ? new InetSocketAddress(literal, port)
        : new InetSocketAddress(host, port);
  }

  /**
   * The address of an endpoint given as an IP literal, parsed by {@link #of(String, int)} without
   * any name lookup.
   *
   * @return the address if the host is an IP literal; empty for a host name
   */
  public Optional<InetAddress> ipLiteral() {
    return Optional.ofNullable(literal);
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
   * @return {@code host:port}, IPv6 literals in brackets; {@code unix:/path} for a Unix socket
   */
  @Override
  public String toString() {
    if (unixPath != null) {
      return "unix:" + host;
    }
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
