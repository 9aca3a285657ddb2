package io.sockpool.redis.demo;

import io.sockpool.Endpoint;
import io.sockpool.TlsConfig;
import io.sockpool.redis.DirectRedisConnection;
import io.sockpool.redis.EmbeddedRedis;
import io.sockpool.redis.RedisTls;
import io.sockpool.redis.RedisUri;
import io.sockpool.redis.RespValue;
import io.sockpool.redis.demo.cli.PingArguments;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Which Redis the demo talks to, and what it learned from it: an explicit {@code --redis}, else a
 * Redis on localhost:6379 if one answers PING, else an embedded redis-server started for the run
 * (stopped by {@link #close()}). Reads the server's {@code timeout} and {@code maxclients} and how
 * many clients are connected.
 */
final class RedisTarget implements AutoCloseable {
  static final Endpoint LOCAL_DEFAULT = Endpoint.of("localhost", 6379);
  static final Duration EXPLICIT_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);

  final Endpoint endpoint;
  final String description;

  /** The server's idle timeout in seconds (0 = never), if CONFIG GET was allowed. */
  final OptionalInt serverTimeoutSeconds;

  /** The server's client limit, if CONFIG GET was allowed. */
  final OptionalInt maxClients;

  /** Clients connected before the run, this probe included. */
  final int connectedClients;

  /** The TLS settings of the side connections (probe, killer), null for plaintext. */
  final RedisTls tls;

  /** The pool's TLS config, null for plaintext. */
  final TlsConfig poolTls;

  /** What the run started and {@link #close()} stops: an embedded server, certificates. */
  private final Closeable owned;

  private final PrintStream warnings;

  private RedisTarget(
      Endpoint endpoint,
      RedisTls tls,
      String description,
      OptionalInt serverTimeoutSeconds,
      OptionalInt maxClients,
      int connectedClients,
      Closeable owned,
      PrintStream warnings,
      TlsConfig poolTls) {
    this.endpoint = endpoint;
    this.tls = tls;
    this.poolTls = poolTls;
    this.description = description;
    this.serverTimeoutSeconds = serverTimeoutSeconds;
    this.maxClients = maxClients;
    this.connectedClients = connectedClients;
    this.owned = owned;
    this.warnings = warnings;
  }

  /**
   * Finds the server and reads its settings.
   *
   * @param options the arguments: {@code --redis} if given, and the TLS flags (with TLS, see {@link
   *     TlsTarget})
   * @param out where to say what was chosen
   * @param err where to warn if the embedded server does not stop cleanly
   * @return the target
   * @throws UnreachableException if the explicit server does not answer PING, or no server could be
   *     found or started (the message says why)
   */
  static RedisTarget find(PingArguments options, PrintStream out, PrintStream err)
      throws UnreachableException {
    Optional<RedisUri> explicit = options.redis();
    if (options.useTls()) {
      return TlsTarget.find(options, out, err);
    }
    if (explicit.isPresent()) {
      // TCP, or a Unix domain socket (Endpoint.unix): the pool and the side connections take both
      Endpoint e = explicit.get().endpoint();
      String shown = explicit.get().isUnixSocket() ? explicit.get().toString() : e.toString();
      try {
        return inspect(e, EXPLICIT_TIMEOUT, "Redis at " + shown, null, err);
      } catch (IOException ex) {
        throw new UnreachableException("--redis " + shown + " does not answer: " + ex.getMessage());
      }
    }
    try {
      RedisTarget local =
          inspect(LOCAL_DEFAULT, PROBE_TIMEOUT, "Redis at " + LOCAL_DEFAULT, null, err);
      out.println("using the Redis that answered on " + LOCAL_DEFAULT);
      return local;
    } catch (IOException ex) {
      out.println("no usable Redis on " + LOCAL_DEFAULT + " (" + ex.getMessage() + ")");
    }
    EmbeddedRedis embedded;
    try {
      embedded = EmbeddedRedis.start(List.of());
    } catch (IOException ex) {
      throw new UnreachableException(
          "no Redis on "
              + LOCAL_DEFAULT
              + " and the embedded redis-server did not start: "
              + ex.getMessage());
    }
    out.println(
        "started an embedded redis-server on "
            + embedded.endpoint()
            + " for this run; it stops on exit");
    try {
      return inspect(
          embedded.endpoint(),
          EXPLICIT_TIMEOUT,
          "embedded redis-server on " + embedded.endpoint(),
          embedded,
          err);
    } catch (IOException ex) {
      closeQuietly(embedded::close, err);
      throw new UnreachableException(
          "the embedded redis-server on "
              + embedded.endpoint()
              + " does not answer: "
              + ex.getMessage());
    }
  }

  private static RedisTarget inspect(
      Endpoint endpoint,
      Duration timeout,
      String description,
      EmbeddedRedis embedded,
      PrintStream warnings)
      throws IOException {
    return inspect(
        endpoint, null, timeout, description, embedded == null ? null : embedded::close, warnings);
  }

  /**
   * Connects (over TLS if {@code tls} is given), checks PING and reads the settings.
   *
   * @throws IOException if the server does not answer PING with PONG (the message says why)
   */
  static RedisTarget inspect(
      Endpoint endpoint,
      RedisTls tls,
      Duration timeout,
      String description,
      Closeable owned,
      PrintStream warnings)
      throws IOException {
    try (DirectRedisConnection c = DirectRedisConnection.open(endpoint, timeout, tls)) {
      RespValue pong = c.call("PING");
      if (pong instanceof RespValue.ErrorReply e) {
        throw new IOException("PING answered '" + e.message() + "' (the demo does not send AUTH)");
      }
      if (!(pong instanceof RespValue.SimpleString s) || !s.value().equals("PONG")) {
        throw new IOException("PING answered " + pong + " instead of +PONG: not a Redis server?");
      }
      OptionalInt timeoutSeconds = configInt(c, "timeout");
      OptionalInt maxClients = configInt(c, "maxclients");
      return new RedisTarget(
          endpoint,
          tls,
          description,
          timeoutSeconds,
          maxClients,
          connectedClients(c),
          owned,
          warnings,
          null);
    }
  }

  /**
   * @return the setting, or empty if CONFIG is not allowed or the value is not a number
   */
  private static OptionalInt configInt(DirectRedisConnection c, String name) throws IOException {
    RespValue reply = c.call("CONFIG", "GET", name);
    if (reply instanceof RespValue.RespArray a
        && !a.isNull()
        && a.elements().size() == 2
        && a.elements().get(1) instanceof RespValue.BulkString b
        && !b.isNull()) {
      try {
        return OptionalInt.of(Integer.parseInt(b.asString().trim()));
      } catch (NumberFormatException e) {
        return OptionalInt.empty();
      }
    }
    return OptionalInt.empty();
  }

  private static int connectedClients(DirectRedisConnection c) throws IOException {
    RespValue reply = c.call("INFO", "clients");
    if (reply instanceof RespValue.BulkString b && !b.isNull()) {
      for (String line : b.asString().split("\r\n", -1)) {
        if (line.startsWith("connected_clients:")) {
          try {
            return Integer.parseInt(line.substring("connected_clients:".length()).trim());
          } catch (NumberFormatException e) {
            break;
          }
        }
      }
    }
    return 1; // at least this probe
  }

  /**
   * Returns this target with the pool's TLS config.
   *
   * @param config the config the pool's connections use
   * @return a copy that owns what this one owns
   */
  RedisTarget withPoolTls(TlsConfig config) {
    return new RedisTarget(
        endpoint,
        tls,
        description,
        serverTimeoutSeconds,
        maxClients,
        connectedClients,
        owned,
        warnings,
        config);
  }

  boolean isEmbedded() {
    return owned != null;
  }

  /** Stops the embedded server, if one was started (and deletes its certificates). */
  @Override
  public void close() {
    if (owned != null) {
      closeQuietly(owned, warnings);
    }
  }

  static void closeQuietly(Closeable owned, PrintStream warnings) {
    try {
      owned.close();
    } catch (IOException e) {
      warnings.println(
          "warning: the embedded redis-server did not stop cleanly: " + e.getMessage());
    }
  }

  /** No Redis could be used; exit code 2. */
  static final class UnreachableException extends Exception {
    private static final long serialVersionUID = 1L;

    UnreachableException(String message) {
      super(message);
    }
  }
}
