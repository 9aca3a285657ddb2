package io.sockpool.redis;

import io.sockpool.Connection;
import io.sockpool.ConnectionInitializer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares every new Redis connection: {@code AUTH [username] password} when a password is set,
 * then {@code SELECT db} when a database other than 0 is chosen. Both run within the timeout the
 * pool gives (part of the checkout deadline). Immutable; made with {@link #builder()}.
 *
 * <p>The password is kept as a char array, turned into bytes only to be written and wiped
 * afterwards. It never appears in {@link #toString()}, in log lines or in exception messages. Every
 * message quoting what the peer sent on a new connection (an error reply, a reply of the wrong type
 * such as the command echoed back by something that is not Redis, garbage) is rendered through one
 * function that first hides each piece of 4 or more bytes of the password and of the user name, in
 * raw, escaped and CR/LF-mapped forms, then escapes and cuts; the user name is shown only where
 * this class names it itself.
 */
public final class RedisInitializer implements ConnectionInitializer {
  private static final Logger LOG = LoggerFactory.getLogger(RedisInitializer.class);

  private final String username;
  private final char[] password;
  private final int database;

  private RedisInitializer(Builder b) {
    this.username = b.username;
    this.password = b.password == null ? null : b.password.clone();
    this.database = b.database;
  }

  /** Returns a builder: no AUTH, database 0. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the ACL user name used with AUTH, if any (legacy AUTH with only a password otherwise).
   */
  public Optional<String> username() {
    return Optional.ofNullable(username);
  }

  /** Returns the database selected on each connection (0 = no SELECT sent). */
  public int database() {
    return database;
  }

  /**
   * Runs AUTH and SELECT on a new connection.
   *
   * @param connection the new connection
   * @param timeout the most both commands together may take
   * @throws RedisServerException if the server refused AUTH or SELECT (the message holds the
   *     server's reason, never the password)
   * @throws RespProtocolException if a reply was not RESP2 or not {@code +OK}
   * @throws java.net.SocketTimeoutException if the replies were not complete in time
   * @throws IOException if the connection failed
   */
  @Override
  public void initialize(Connection connection, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Redactor secrets = secrets()) {
      if (password != null) {
        expectOk(connection, "AUTH", authCommand(), timeout, deadline, secrets);
        LOG.debug(
            "AUTH accepted on {} for user {}",
            connection.endpoint(),
            username == null ? "default" : username);
      }
      if (database != 0) {
        ByteBuffer select = RespEncoder.command("SELECT", Integer.toString(database));
        expectOk(connection, "SELECT " + database, select, timeout, deadline, secrets);
      }
    }
  }

  /** What the peer's bytes must never show on this connection: the password and the user name. */
  private Redactor secrets() {
    if (password == null) {
      return Redactor.NONE;
    }
    byte[] secret = toUtf8(password);
    try {
      return Redactor.of(
          Arrays.asList(
              secret, username == null ? null : username.getBytes(StandardCharsets.UTF_8)));
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  private ByteBuffer authCommand() {
    byte[] secret = toUtf8(password);
    try {
      List<byte[]> args = new ArrayList<>(3);
      args.add("AUTH".getBytes(StandardCharsets.US_ASCII));
      if (username != null) {
        args.add(username.getBytes(StandardCharsets.UTF_8));
      }
      args.add(secret);
      return RespEncoder.command(args);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  private void expectOk(
      Connection connection,
      String what,
      ByteBuffer request,
      Duration timeout,
      long deadline,
      Redactor secrets)
      throws IOException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new java.net.SocketTimeoutException(
          what
              + " on "
              + connection.endpoint()
              + " not sent: the "
              + timeout.toMillis()
              + " ms for connection setup were used up");
    }
    RespValue reply;
    try {
      connection.write(request, Duration.ofNanos(left));
    } finally {
      if (request.hasArray()) {
        // the AUTH request holds the password
        Arrays.fill(
            request.array(),
            request.arrayOffset(),
            request.arrayOffset() + request.capacity(),
            (byte) 0);
      }
    }
    reply =
        RespExchange.readReply(connection, what, timeout, deadline, RespLimits.defaults(), secrets);
    if (reply instanceof RespValue.ErrorReply error) {
      String context =
          connection.endpoint() + (username == null ? "" : " as user '" + username + "'");
      throw new RedisServerException(
          what, Printable.of(error.message(), secrets, Printable.MAX_ERROR_LINE), context);
    }
    if (!(reply instanceof RespValue.SimpleString s) || !s.value().equals("OK")) {
      throw new RespProtocolException(
          what
              + " on "
              + connection.endpoint()
              + " expected +OK, but got "
              + reply.typeName()
              + " "
              + Printable.describe(reply, secrets));
    }
  }

  private static byte[] toUtf8(char[] chars) {
    ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
    byte[] out = new byte[bytes.remaining()];
    bytes.get(out);
    if (bytes.hasArray()) {
      Arrays.fill(
          bytes.array(), bytes.arrayOffset(), bytes.arrayOffset() + bytes.capacity(), (byte) 0);
    }
    return out;
  }

  /**
   * @return the user, whether a password is set (never the password itself) and the database
   */
  @Override
  public String toString() {
    return "RedisInitializer{username="
        + (username == null ? "(default)" : username)
        + ", password="
        + (password == null ? "none" : "(set, hidden)")
        + ", database="
        + database
        + "}";
  }

  /** Builds a {@link RedisInitializer}; each setter checks its value. Not thread-safe. */
  public static final class Builder {
    private String username;
    private char[] password;
    private int database;

    private Builder() {}

    /**
     * Sets the ACL user name.
     *
     * @param value the ACL user name (Redis 6+), sent as {@code AUTH user password}; default none
     *     ({@code AUTH password}); not blank, no whitespace
     * @return this builder
     * @throws IllegalArgumentException if blank or containing whitespace
     */
    public Builder username(String value) {
      if (value == null || value.isBlank() || value.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException(
            "username must be non-blank without whitespace, but was "
                + (value == null ? "null" : "'" + value + "'"));
      }
      this.username = value;
      return this;
    }

    /**
     * Sets the password.
     *
     * @param value the password; copied (wipe your array afterwards if you like); not empty
     * @return this builder
     * @throws IllegalArgumentException if null or empty (the message never shows the value)
     */
    public Builder password(char[] value) {
      if (value == null || value.length == 0) {
        throw new IllegalArgumentException(
            "password must not be empty, but was " + (value == null ? "null" : "empty"));
      }
      this.password = value.clone();
      return this;
    }

    /**
     * Sets the database to select.
     *
     * @param value the database index to SELECT; default 0 (no SELECT); 0..2^31-1 (the server's
     *     {@code databases} setting is the real limit, 16 by default)
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder database(int value) {
      if (value < 0) {
        throw new IllegalArgumentException("database must be >= 0, but was " + value);
      }
      this.database = value;
      return this;
    }

    /**
     * Builds the initializer.
     *
     * @return the initializer
     * @throws IllegalArgumentException if a username was set without a password
     */
    public RedisInitializer build() {
      if (username != null && password == null) {
        throw new IllegalArgumentException(
            "username '" + username + "' needs a password, but none was set");
      }
      return new RedisInitializer(this);
    }
  }
}
