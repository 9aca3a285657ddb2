package io.sockpool.redis;

import io.sockpool.Connection;
import io.sockpool.Endpoint;
import io.sockpool.SocketPool;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A small Redis client on a {@link SocketPool}: each command checks a connection out, sends the
 * command, reads one RESP2 reply within the command timeout and returns the connection. Thread-safe
 * (the pool is); no pipelining, no pub/sub, no transactions.
 *
 * <p>Failure handling:
 *
 * <ul>
 *   <li>An error reply ({@code -ERR ...}) raises {@link RedisServerException}; the connection is
 *       fine and goes back to the pool.
 *   <li>Protocol garbage, or a well-formed reply of a type the command never answers with, raises
 *       {@link RespProtocolException} and the connection is destroyed (its protocol state is
 *       unknown).
 *   <li>I/O errors and timeouts destroy the connection. Commands that are safe to repeat (PING,
 *       ECHO, GET, SET) go through {@link SocketPool#executeIdempotent}, so a connection the server
 *       closed or killed while it sat idle costs the caller nothing: the command is sent again once
 *       on another connection. DEL and INCR are sent once (a repeat would change the reply or the
 *       value).
 * </ul>
 */
public final class RedisClient {
  /** PING, encoded once; each attempt writes it from its thread's request buffer. */
  private static final byte[] PING = bytes(RespEncoder.command("PING"));

  private final SocketPool pool;
  private final Endpoint endpoint;
  private final Duration commandTimeout;
  private final RespLimits limits;

  /** {@link #ping()}'s operation, made once: a PING allocates nothing of its own. */
  private final SocketPool.Operation<RespValue> pingOperation = this::pingOn;

  /**
   * A client reading replies within {@link RespLimits#defaults()}.
   *
   * @param pool the pool (configure it with {@link RedisPingValidator} and, if needed, a {@link
   *     RedisInitializer})
   * @param endpoint the Redis server
   * @param commandTimeout the most one command's write and reply may take, after checkout; positive
   * @throws IllegalArgumentException if commandTimeout is not positive
   */
  public RedisClient(SocketPool pool, Endpoint endpoint, Duration commandTimeout) {
    this(pool, endpoint, commandTimeout, RespLimits.defaults());
  }

  /**
   * @param pool the pool (configure it with {@link RedisPingValidator} and, if needed, a {@link
   *     RedisInitializer})
   * @param endpoint the Redis server
   * @param commandTimeout the most one command's write and reply may take, after checkout; positive
   * @param limits what a reply may announce; a reply over a limit fails its command with {@link
   *     RespLimitException} and destroys the connection
   * @throws IllegalArgumentException if commandTimeout is not positive
   */
  public RedisClient(
      SocketPool pool, Endpoint endpoint, Duration commandTimeout, RespLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits must not be null");
    this.pool = Objects.requireNonNull(pool, "pool must not be null");
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint must not be null");
    if (commandTimeout == null || commandTimeout.isNegative() || commandTimeout.isZero()) {
      throw new IllegalArgumentException("commandTimeout must be > 0, but was " + commandTimeout);
    }
    this.commandTimeout = commandTimeout;
  }

  /** Returns the server this client talks to. */
  public Endpoint endpoint() {
    return endpoint;
  }

  /** Returns the limits replies are read within. */
  public RespLimits limits() {
    return limits;
  }

  /**
   * {@code PING}.
   *
   * @throws IOException see the class comment
   */
  public void ping() throws IOException {
    RespValue reply = pool.executeIdempotent(endpoint, pingOperation);
    if (reply instanceof RespValue.ErrorReply e) {
      throw serverError("PING", e);
    }
  }

  private RespValue pingOn(Connection connection) throws IOException {
    RespValue reply = RespExchange.call(connection, PING, "PING", commandTimeout, limits);
    Expect.PONG.check("PING", reply); // throws inside the operation: the connection is destroyed
    return reply;
  }

  private static byte[] bytes(ByteBuffer encoded) {
    byte[] b = new byte[encoded.remaining()];
    encoded.get(b);
    return b;
  }

  /**
   * {@code ECHO message}.
   *
   * @param message the text; not null
   * @return the text the server sent back
   * @throws IOException see the class comment
   */
  public String echo(String message) throws IOException {
    return ((RespValue.BulkString) call(true, Expect.BULK, "ECHO", message)).asString();
  }

  /**
   * {@code GET key}.
   *
   * @param key the key
   * @return the value (UTF-8), or empty if the key does not exist
   * @throws RedisServerException if the key holds a non-string value (WRONGTYPE)
   * @throws IOException see the class comment
   */
  public Optional<String> get(String key) throws IOException {
    return Optional.ofNullable(
        ((RespValue.BulkString) call(true, Expect.BULK, "GET", key)).asString());
  }

  /**
   * {@code SET key value}: stores the value without expiry.
   *
   * @param key the key
   * @param value the value
   * @throws IOException see the class comment
   */
  public void set(String key, String value) throws IOException {
    call(true, Expect.OK, "SET", key, value);
  }

  /**
   * {@code SET key value PX millis}: stores the value with an expiry.
   *
   * @param key the key
   * @param value the value
   * @param expiry time to live; at least 1 ms, whole milliseconds (sub-millisecond parts are not
   *     allowed)
   * @throws IllegalArgumentException if the expiry is below 1 ms or not whole milliseconds
   * @throws IOException see the class comment
   */
  public void set(String key, String value, Duration expiry) throws IOException {
    if (expiry == null || expiry.toMillis() < 1 || expiry.toNanos() % 1_000_000 != 0) {
      throw new IllegalArgumentException(
          "expiry must be whole milliseconds >= 1 ms, but was " + expiry);
    }
    call(true, Expect.OK, "SET", key, value, "PX", Long.toString(expiry.toMillis()));
  }

  /**
   * {@code DEL key...}. Not retried on another connection.
   *
   * @param keys one or more keys
   * @return how many of them existed and were deleted
   * @throws IllegalArgumentException if no key is given
   * @throws IOException see the class comment
   */
  public long del(String... keys) throws IOException {
    if (keys.length == 0) {
      throw new IllegalArgumentException("DEL needs at least 1 key, but got 0");
    }
    String[] args = new String[keys.length + 1];
    args[0] = "DEL";
    System.arraycopy(keys, 0, args, 1, keys.length);
    return ((RespValue.RespInteger) call(false, Expect.INTEGER, args)).value();
  }

  /**
   * {@code INCR key}. Not retried on another connection.
   *
   * @param key the key
   * @return the value after the increment
   * @throws RedisServerException if the value is not an integer
   * @throws IOException see the class comment
   */
  public long incr(String key) throws IOException {
    return ((RespValue.RespInteger) call(false, Expect.INTEGER, "INCR", key)).value();
  }

  /**
   * Sends any command and returns its reply, whatever its type; an error reply is returned, not
   * thrown. Garbage destroys the connection as for the other commands.
   *
   * @param idempotent whether the command may be sent a second time on another connection when the
   *     first connection turns out dead
   * @param args the command and its arguments (never logged)
   * @return the reply
   * @throws IOException if the connection failed, timed out or the reply was not RESP2
   */
  public RespValue call(boolean idempotent, String... args) throws IOException {
    return exchange(idempotent, Expect.ANY, args);
  }

  private RespValue call(boolean idempotent, Expect expect, String... args) throws IOException {
    RespValue reply = exchange(idempotent, expect, args);
    if (reply instanceof RespValue.ErrorReply e) {
      throw serverError(args[0], e);
    }
    return reply;
  }

  private RedisServerException serverError(String command, RespValue.ErrorReply e) {
    return new RedisServerException(
        command,
        Printable.of(e.message(), Redactor.NONE, Printable.MAX_ERROR_LINE),
        endpoint.toString());
  }

  private RespValue exchange(boolean idempotent, Expect expect, String... args) throws IOException {
    return exchange(idempotent, expect, RespEncoder.command(args), args[0]);
  }

  private RespValue exchange(boolean idempotent, Expect expect, ByteBuffer request, String name)
      throws IOException {
    SocketPool.Operation<RespValue> operation =
        connection -> {
          RespValue reply =
              RespExchange.call(connection, request.duplicate(), name, commandTimeout, limits);
          expect.check(
              name, reply); // throws inside the operation, so the pool destroys the connection
          return reply;
        };
    return idempotent
        ? pool.executeIdempotent(endpoint, operation)
        : pool.execute(endpoint, operation);
  }

  @Override
  public String toString() {
    return "RedisClient{" + endpoint + ", commandTimeout=" + commandTimeout.toMillis() + " ms}";
  }

  /** The reply types a command may answer with, besides an error. */
  private enum Expect {
    ANY,
    PONG,
    OK,
    BULK,
    INTEGER;

    void check(String command, RespValue reply) throws RespProtocolException {
      if (this == ANY || reply instanceof RespValue.ErrorReply) {
        return;
      }

      boolean fits =
          switch (this) {
            case PONG -> reply instanceof RespValue.SimpleString s && s.value().equals("PONG");
            case OK -> reply instanceof RespValue.SimpleString s && s.value().equals("OK");
            case BULK -> reply instanceof RespValue.BulkString;
            default -> reply instanceof RespValue.RespInteger;
          };
      if (!fits) {
        throw new RespProtocolException(
            command
                + " never answers with "
                + reply.typeName()
                + " "
                + reply
                + ": expected "
                + describe()
                + "; the connection is out of step and is destroyed");
      }
    }

    private String describe() {
      return switch (this) {
        case PONG -> "+PONG";
        case OK -> "+OK";
        case BULK -> "a bulk string";
        default -> "an integer";
      };
    }
  }
}
