package io.sockpool.redis;

import io.sockpool.Endpoint;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a Redis server listens, in {@code redis-cli}'s conventions: {@code redis://host:port}
 * (plaintext TCP), {@code rediss://host:port} (TLS: the scheme alone turns it on), {@code
 * unix:///absolute/path/redis.sock} (a Unix domain socket), or a bare {@code host:port} (plaintext
 * TCP). The port defaults to 6379 in the two URL forms; IPv6 literals go in brackets ({@code
 * redis://[::1]:6379}).
 *
 * <p>Not accepted, each with a message saying why: user info ({@code redis://user:pass@host}, never
 * echoed: credentials go to {@link RedisInitializer}), a database path other than {@code /} or
 * {@code /0} (select one with {@link RedisInitializer}), a query, a relative Unix socket path, any
 * other scheme. Instances are immutable.
 */
public final class RedisUri {
  /** The port a URL without one means, as in {@code redis-cli}. */
  public static final int DEFAULT_PORT = 6379;

  /** The accepted forms, named in every rejection. */
  public static final String FORMS =
      "redis://host:port, rediss://host:port (TLS), unix:///absolute/path.sock or host:port";

  private final Endpoint endpoint; // null for a Unix socket
  private final Path socketPath; // null for TCP
  private final boolean tls;

  private RedisUri(Endpoint endpoint, Path socketPath, boolean tls) {
    this.endpoint = endpoint;
    this.socketPath = socketPath;
    this.tls = tls;
  }

  /**
   * Parses a server address.
   *
   * @param text one of {@link #FORMS}
   * @return the address
   * @throws IllegalArgumentException naming what was wrong and the forms allowed (never showing
   *     user info, which may hold a password)
   */
  public static RedisUri parse(String text) {
    Objects.requireNonNull(text, "text");
    String t = text.strip();
    int sep = t.indexOf("://");
    if (sep < 0) {
      return new RedisUri(tcp(t, t, false), null, false);
    }
    String scheme = t.substring(0, sep).toLowerCase(Locale.ROOT);
    String rest = t.substring(sep + 3);
    return switch (scheme) {
      case "redis" -> new RedisUri(url(rest, scheme), null, false);
      case "rediss" -> new RedisUri(url(rest, scheme), null, true);
      case "unix" -> new RedisUri(null, unixPath(rest, t), false);
      default ->
          throw new IllegalArgumentException(
              "the scheme must be redis, rediss or unix, but was '"
                  + shown(t.substring(0, sep))
                  + "'; allowed: "
                  + FORMS);
    };
  }

  private static Endpoint url(String rest, String scheme) {
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      // user info may hold a password: never echo it
      throw new IllegalArgumentException(
          "user info in "
              + scheme
              + "://... is not supported (not shown: it may hold a password); give credentials to"
              + " RedisInitializer, and the address as "
              + FORMS);
    }
    int query = firstOf(rest, '?', '#');
    if (query >= 0) {
      throw new IllegalArgumentException(
          "a query or fragment in "
              + scheme
              + "://"
              + shown(rest)
              + " is not supported; allowed: "
              + FORMS);
    }
    String authority = rest;
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      String path = rest.substring(slash);
      if (!path.equals("/") && !path.equals("/0")) {
        throw new IllegalArgumentException(
            "a database in "
                + scheme
                + "://"
                + shown(rest)
                + " is not supported (database 0 is used; select another with RedisInitializer);"
                + " allowed: "
                + FORMS);
      }
      authority = rest.substring(0, slash);
    }
    boolean hasPort =
        authority.startsWith("[")
            ? authority.lastIndexOf(':') > authority.lastIndexOf(']')
            : authority.indexOf(':') >= 0;
    String hostAndPort = hasPort ? authority : authority + ":" + DEFAULT_PORT;
    return tcp(hostAndPort, scheme + "://" + rest, true);
  }

  private static int firstOf(String s, char a, char b) {
    int i = s.indexOf(a);
    int j = s.indexOf(b);
    return i < 0 ? j : j < 0 ? i : Math.min(i, j);
  }

  private static Endpoint tcp(String hostAndPort, String original, boolean url) {
    try {
      return Endpoint.parse(hostAndPort);
    } catch (IllegalArgumentException e) {
      if (original.indexOf('@') >= 0) {
        throw new IllegalArgumentException(
            "user info is not supported (not shown: it may hold a password); allowed: " + FORMS, e);
      }
      throw new IllegalArgumentException(
          "must be "
              + FORMS
              + " with a port in 1..65535"
              + (url ? " (default " + DEFAULT_PORT + ")" : "")
              + ", but was '"
              + shown(original)
              + "'",
          e);
    }
  }

  private static Path unixPath(String rest, String original) {
    if (!rest.startsWith("/")) {
      throw new IllegalArgumentException(
          "unix:// takes an absolute path (three slashes: unix:///var/run/redis/redis.sock), but was"
              + " '"
              + shown(original)
              + "'");
    }
    try {
      Path p = Path.of(rest).normalize();
      if (p.getFileName() == null) {
        throw new IllegalArgumentException(
            "unix:// needs the socket file's path, but was '" + shown(original) + "'");
      }
      Endpoint.unix(p); // the length limit, checked now rather than at the first connect
      return p;
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(
          "unix:// path is not a valid path: '" + shown(original) + "' (" + e.getReason() + ")", e);
    }
  }

  /** Quotes text from the user in a message: control characters escaped, at most 200 chars. */
  private static String shown(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < 200; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.length() < s.length() ? b + "..." : b.toString();
  }

  /** Returns whether the scheme asks for TLS ({@code rediss://}). */
  public boolean tls() {
    return tls;
  }

  /** Returns whether this is a Unix domain socket ({@code unix://}). */
  public boolean isUnixSocket() {
    return socketPath != null;
  }

  /** Returns the TCP endpoint; empty for a Unix domain socket. */
  public Optional<Endpoint> tcpEndpoint() {
    return Optional.ofNullable(endpoint);
  }

  /**
   * Returns the endpoint to give a pool or {@link RedisClient}: the TCP host and port, or {@link
   * Endpoint#unix(Path)} for a Unix domain socket.
   */
  public Endpoint endpoint() {
    return socketPath != null ? Endpoint.unix(socketPath) : endpoint;
  }

  /** Returns the Unix domain socket's path; empty for TCP. */
  public Optional<Path> socketPath() {
    return Optional.ofNullable(socketPath);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RedisUri u
        && tls == u.tls
        && Objects.equals(endpoint, u.endpoint)
        && Objects.equals(socketPath, u.socketPath);
  }

  @Override
  public int hashCode() {
    return Objects.hash(endpoint, socketPath, tls);
  }

  /**
   * Returns the address as a URL: {@code redis://host:port}, {@code rediss://host:port} or {@code
   * unix:///path}.
   */
  @Override
  public String toString() {
    if (socketPath != null) {
      return "unix://" + socketPath;
    }
    return (tls ? "rediss://" : "redis://") + endpoint;
  }
}
