package io.sockpool.redis;

import io.sockpool.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * One plain, unpooled Redis connection for administrative side work: reading the server's {@code
 * CONFIG} before a pool is built, or killing clients from the side. Each command waits at most the
 * timeout given at {@link #open}. Not thread-safe; close it when done.
 *
 * <p>Application traffic belongs on the pool ({@link RedisClient}), not here.
 */
public final class DirectRedisConnection implements AutoCloseable {
  private final Endpoint endpoint;
  private final Socket socket; // null for a Unix domain socket
  private final UnixSocketStreams unix; // null for TCP
  private final InputStream in;
  private final OutputStream out;
  private final Duration timeout;
  private final RedisTls tls; // null: plaintext
  private static final String PLAINTEXT_TO_TLS_HINT =
      " (a TLS port? then use rediss://host:port or --tls)";
  private boolean replied; // a byte came back on this connection
  private final RespDecoder decoder = new RespDecoder();
  private final byte[] chunk = new byte[8192];
  private ByteBuffer pending = ByteBuffer.allocate(0);

  private DirectRedisConnection(Endpoint endpoint, Socket socket, Duration timeout, RedisTls tls)
      throws IOException {
    this.endpoint = endpoint;
    this.tls = tls;
    this.socket = socket;
    this.unix = null;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
    this.timeout = timeout;
  }

  private DirectRedisConnection(Endpoint endpoint, UnixSocketStreams unix, Duration timeout) {
    this.endpoint = endpoint;
    this.tls = null;
    this.socket = null;
    this.unix = unix;
    this.in = unix.in();
    this.out = unix.out();
    this.timeout = timeout;
  }

  /**
   * Connects.
   *
   * @param endpoint the Redis server: TCP, or a Unix domain socket ({@link Endpoint#unix})
   * @param timeout the most the connect and each later command may take; positive, at most {@link
   *     Integer#MAX_VALUE} ms
   * @return the open connection
   * @throws IOException if the server could not be reached in time (the message names the endpoint
   *     and the timeout)
   * @throws IllegalArgumentException if the timeout is not positive or too large
   */
  public static DirectRedisConnection open(Endpoint endpoint, Duration timeout) throws IOException {
    return open(endpoint, timeout, null);
  }

  /**
   * Connects, over TLS if {@code tls} is given: the handshake is done within the timeout, and a
   * failed one is worded by {@link TlsFailure#describe} (not trusted, host name mismatch, not a TLS
   * port, client certificate required).
   *
   * @param endpoint the Redis server: TCP, or a Unix domain socket ({@link Endpoint#unix}, then
   *     plaintext only)
   * @param timeout the most the connect (handshake included) and each later command may take
   * @param tls the TLS settings; null for plaintext
   * @return the open connection
   * @throws IOException if the server could not be reached or the handshake failed in time
   * @throws IllegalArgumentException if the timeout is not positive or too large, or TLS is asked
   *     for a Unix domain socket
   */
  public static DirectRedisConnection open(Endpoint endpoint, Duration timeout, RedisTls tls)
      throws IOException {
    Objects.requireNonNull(endpoint, "endpoint");
    if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "timeout must be in 1 ms.." + Integer.MAX_VALUE + " ms, but was " + timeout);
    }
    if (endpoint.unixPath().isPresent()) {
      return openUnix(endpoint, timeout, tls);
    }
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(endpoint.resolve(), (int) Math.max(1, timeout.toMillis()));
      socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
      if (tls == null) {
        return new DirectRedisConnection(endpoint, socket, timeout, null);
      }
    } catch (IOException e) {
      socket.close();
      throw new IOException(
          "cannot connect to Redis at "
              + endpoint
              + " within "
              + timeout.toMillis()
              + " ms: "
              + e.getMessage(),
          e);
    }
    try {
      return new DirectRedisConnection(endpoint, tls.handshake(socket, endpoint), timeout, tls);
    } catch (IOException e) {
      socket.close();
      throw new IOException(
          "TLS handshake with "
              + endpoint
              + " failed: "
              + TlsFailure.describe(endpoint.toString(), e, tls.hasClientCertificate()),
          e);
    }
  }

  private static DirectRedisConnection openUnix(Endpoint endpoint, Duration timeout, RedisTls tls)
      throws IOException {
    if (tls != null) {
      throw new IllegalArgumentException(
          "TLS does not apply to "
              + endpoint
              + ": redis-server speaks TLS only on its TCP tls-port; use a rediss://host:port");
    }
    try {
      return new DirectRedisConnection(
          endpoint,
          UnixSocketStreams.connect(
              endpoint.unixPath().orElseThrow(), (int) Math.max(1, timeout.toMillis())),
          timeout);
    } catch (IOException e) {
      throw new IOException(
          "cannot connect to Redis at " + endpoint + ": " + e.getMessage() + unixHint(e), e);
    }
  }

  private static String unixHint(IOException e) {
    return e instanceof java.nio.file.NoSuchFileException
            || String.valueOf(e.getMessage()).contains("No such file")
        ? " (no socket file there: is redis-server started with --unixsocket at that path?)"
        : "";
  }

  /** Returns the server this connection talks to. */
  public Endpoint endpoint() {
    return endpoint;
  }

  /**
   * Sends a command and returns its reply; an error reply is returned, not thrown. The reply must
   * be complete within the timeout however slowly it arrives, and within {@link
   * RespLimits#defaults()}.
   *
   * @param args the command and its arguments (never log them: they may hold secrets)
   * @return the reply
   * @throws SocketTimeoutException if no complete reply came within the timeout
   * @throws RespProtocolException if the server's bytes are not RESP2 or over a limit (messages
   *     never show the arguments)
   * @throws IOException if the connection failed
   */
  public RespValue call(String... args) throws IOException {
    try (Redactor secrets = argumentsOf(args)) {
      return exchange(args, secrets);
    }
  }

  /**
   * Sends a command and requires a non-error reply.
   *
   * @param args the command and its arguments
   * @return the reply
   * @throws RedisServerException if the server answered with an error (its text never shows the
   *     arguments)
   * @throws IOException as {@link #call}
   */
  public RespValue callOk(String... args) throws IOException {
    try (Redactor secrets = argumentsOf(args)) {
      RespValue reply = exchange(args, secrets);
      if (reply instanceof RespValue.ErrorReply e) {
        throw new RedisServerException(
            commandLabel(args),
            Printable.of(e.message(), secrets, Printable.MAX_ERROR_LINE),
            endpoint.toString());
      }
      return reply;
    }
  }

  private RespValue exchange(String[] args, Redactor secrets) throws IOException {
    try {
      return exchangeOnce(args, secrets);
    } catch (SocketTimeoutException | RespProtocolException e) {
      throw e;
    } catch (IOException e) {
      throw explained(e);
    }
  }

  /** A failed exchange, with why a TLS or plaintext mismatch is the likely cause when it is. */
  private IOException explained(IOException e) {
    boolean nothingYet = !replied;
    if (tls == null) {
      return nothingYet && unix == null && !(e instanceof java.io.EOFException)
          ? new IOException(e.getMessage() + PLAINTEXT_TO_TLS_HINT, e)
          : e;
    }
    String server = endpoint.toString();
    if (nothingYet && !tls.hasClientCertificate() && tls.clientCertificateRequested(socket)) {
      // TLS 1.3: the server checks the client's (empty) certificate after the handshake
      return new SSLException(
          TlsFailure.sentence(
                  server, TlsFailure.Kind.CLIENT_CERTIFICATE_REQUIRED, tls.hasClientCertificate())
              + " ["
              + e
              + "]",
          e);
    }
    return TlsFailure.classify(e, tls.hasClientCertificate()).isPresent()
        ? new SSLException(TlsFailure.describe(server, e, tls.hasClientCertificate()), e)
        : e;
  }

  private RespValue exchangeOnce(String[] args, Redactor secrets) throws IOException {
    ByteBuffer request = RespEncoder.command(args);
    out.write(request.array(), request.arrayOffset() + request.position(), request.remaining());
    out.flush();
    decoder.reset(RespLimits.defaults(), secrets);
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        RespValue reply = decoder.decode(pending);
        if (reply != null) {
          return reply;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw timedOut(args);
        }
        int n;
        try {
          int millis = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left));
          if (unix != null) {
            unix.setTimeout(millis);
          } else {
            socket.setSoTimeout(millis);
          }
          n = in.read(chunk);
        } catch (SocketTimeoutException e) {
          throw timedOut(args);
        }
        if (n < 0) {
          throw new java.io.EOFException(
              endpoint
                  + " closed the connection while "
                  + args[0]
                  + " waited for its reply"
                  + (tls == null && unix == null && !replied && pending.remaining() == 0
                      ? PLAINTEXT_TO_TLS_HINT
                      : ""));
        }
        replied = true;
        ByteBuffer next = ByteBuffer.allocate(pending.remaining() + n);
        next.put(pending).put(chunk, 0, n).flip();
        pending = next;
      }
    } finally {
      decoder.reset(RespLimits.defaults(), Redactor.NONE);
    }
  }

  private SocketTimeoutException timedOut(String[] args) {
    return new SocketTimeoutException(
        "no complete reply to "
            + commandLabel(args)
            + " from "
            + endpoint
            + " within "
            + timeout.toMillis()
            + " ms");
  }

  /**
   * The arguments after the command's label, as secrets for messages (AUTH, CONFIG SET requirepass,
   * ACL SETUSER carry passwords); those shorter than {@link Redactor#MIN_PIECE} are not worth
   * hiding.
   */
  private static Redactor argumentsOf(String[] args) {
    int first = commandLabel(args).indexOf(' ') < 0 ? 1 : 2;
    List<String> secrets = new ArrayList<>();
    for (int i = first; i < args.length; i++) {
      if (args[i].length() >= Redactor.MIN_PIECE) {
        secrets.add(args[i]);
      }
    }
    return Redactor.ofText(secrets);
  }

  /**
   * The command's name for messages, with the subcommand for container commands ({@code CONFIG
   * SET}); never other arguments, which may be secrets (AUTH, ACL SETUSER).
   */
  private static String commandLabel(String... args) {
    String name = args[0].toUpperCase(java.util.Locale.ROOT);
    boolean container =
        java.util.Set.of(
                "CONFIG", "CLIENT", "ACL", "CLUSTER", "MEMORY", "SCRIPT", "OBJECT", "COMMAND",
                "MODULE", "SLOWLOG", "LATENCY", "XINFO")
            .contains(name);
    return container && args.length > 1
        ? name + " " + args[1].toUpperCase(java.util.Locale.ROOT)
        : name;
  }

  /** Closes the socket. Idempotent. */
  @Override
  public void close() {
    try {
      if (unix != null) {
        unix.close();
      } else {
        socket.close();
      }
    } catch (IOException e) {
      // nothing to do: the socket is gone either way
    }
  }
}
