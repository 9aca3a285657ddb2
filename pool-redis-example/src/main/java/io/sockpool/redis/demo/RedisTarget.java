package io.sockpool.redis.demo;

import io.sockpool.Endpoint;
import io.sockpool.redis.DirectRedisConnection;
import io.sockpool.redis.EmbeddedRedis;
import io.sockpool.redis.RespValue;
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
  private static final Duration EXPLICIT_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);

  final Endpoint endpoint;
  final String description;

  /** The server's idle timeout in seconds (0 = never), if CONFIG GET was allowed. */
  final OptionalInt serverTimeoutSeconds;

  /** The server's client limit, if CONFIG GET was allowed. */
  final OptionalInt maxClients;

  /** Clients connected before the run, this probe included. */
  final int connectedClients;

  private final EmbeddedRedis embedded;
  private final PrintStream warnings;

  private RedisTarget(
      Endpoint endpoint,
      String description,
      OptionalInt serverTimeoutSeconds,
      OptionalInt maxClients,
      int connectedClients,
      EmbeddedRedis embedded,
      PrintStream warnings) {
    this.endpoint = endpoint;
    this.description = description;
    this.serverTimeoutSeconds = serverTimeoutSeconds;
    this.maxClients = maxClients;
    this.connectedClients = connectedClients;
    this.embedded = embedded;
    this.warnings = warnings;
  }

  /**
   * Finds the server and reads its settings.
   *
   * @param explicit the {@code --redis} value, if given
   * @param out where to say what was chosen
   * @param err where to warn if the embedded server does not stop cleanly
   * @return the target
   * @throws UnreachableException if the explicit server does not answer PING, or no server could be
   *     found or started (the message says why)
   */
  static RedisTarget find(Optional<Endpoint> explicit, PrintStream out, PrintStream err)
      throws UnreachableException {
    if (explicit.isPresent()) {
      Endpoint e = explicit.get();
      try {
        return inspect(e, EXPLICIT_TIMEOUT, "Redis at " + e, null, err);
      } catch (IOException ex) {
        throw new UnreachableException("--redis " + e + " does not answer: " + ex.getMessage());
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
      closeQuietly(embedded, err);
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
    try (DirectRedisConnection c = DirectRedisConnection.open(endpoint, timeout)) {
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
          description,
          timeoutSeconds,
          maxClients,
          connectedClients(c),
          embedded,
          warnings);
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

  boolean isEmbedded() {
    return embedded != null;
  }

  /** Stops the embedded server, if one was started. */
  @Override
  public void close() {
    if (embedded != null) {
      closeQuietly(embedded, warnings);
    }
  }

  private static void closeQuietly(EmbeddedRedis embedded, PrintStream warnings) {
    try {
      embedded.close();
    } catch (IOException e) {
      warnings.println(
          "warning: the embedded redis-server on "
              + embedded.endpoint()
              + " did not stop cleanly: "
              + e.getMessage());
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
