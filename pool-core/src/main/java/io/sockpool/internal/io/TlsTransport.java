package io.sockpool.internal.io;

import io.sockpool.Endpoint;
import io.sockpool.TlsConfig;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * TLS over a pooled channel: the JDK's {@link SSLEngine} between the caller's plaintext and the
 * channel's ciphertext, which goes through {@link BlockingIo} (blocking calls, deadlines kept by
 * the pool's {@link Watchdog}, as for plaintext). The handshake ({@link #handshake}) is done by
 * {@link TlsTransports} before the connection enters the pool; a read or write never starts one (a
 * TLS 1.3 session ticket or key update arriving later is handled inside the read).
 *
 * <p>Buffers: {@code netIn} holds ciphertext read and not yet decrypted, {@code appIn} plaintext
 * decrypted and not yet delivered; both count as bytes the peer sent beyond what the holder read
 * ({@link #hasReadAhead()}), except TLS records that carry no application data (a session ticket),
 * which are consumed as soon as they are complete. Both stay in read mode between calls.
 *
 * <p>{@link #close()} sends {@code close_notify} with one non-blocking write (it never waits) and
 * closes the channel. The raw channel is refused: its bytes are encrypted.
 */
public final class TlsTransport implements Transport {
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  private final Endpoint endpoint;
  private final SocketChannel channel;
  private final BlockingIo net;
  private final SSLEngine engine;
  private final TlsConfig config;
  private ByteBuffer netIn;
  private ByteBuffer netOut;
  private ByteBuffer appIn;
  // the engine's array forms, reused: its one-buffer forms allocate an array per call
  private final ByteBuffer[] wrapSrc = new ByteBuffer[1];
  private final ByteBuffer[] unwrapDst = new ByteBuffer[1];
  private boolean peerClosed; // close_notify received
  private String step = "starting";

  /**
   * @param endpoint for messages
   * @param channel connected, in blocking mode, registered with no selector
   * @param watchdog keeps the deadlines of blocking calls
   * @param engine a client-mode engine, not yet handshaken
   * @param config its TLS config, for messages
   */
  TlsTransport(
      Endpoint endpoint,
      SocketChannel channel,
      Watchdog watchdog,
      SSLEngine engine,
      TlsConfig config) {
    this.config = config;
    this.endpoint = endpoint;
    this.channel = channel;
    this.net = new BlockingIo(endpoint, channel, watchdog);
    this.engine = engine;
    int packet = engine.getSession().getPacketBufferSize();
    this.netIn = ByteBuffer.allocate(packet).flip();
    this.netOut = ByteBuffer.allocate(packet);
    this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
  }

  /**
   * Runs the handshake to its end before {@code deadlineNanos}.
   *
   * @throws TlsHandshakeTimeoutException if it did not finish in time (names the step)
   * @throws javax.net.ssl.SSLHandshakeException if the engine rejected the peer
   * @throws EOFException if the peer closed the connection during the handshake
   * @throws IOException if the connection failed
   */
  void handshake(long deadlineNanos) throws IOException {
    long start = System.nanoTime();
    try {
      step = "sending ClientHello";
      engine.beginHandshake();
      HandshakeStatus hs = engine.getHandshakeStatus();
      boolean heard = false;
      while (hs != HandshakeStatus.FINISHED && hs != HandshakeStatus.NOT_HANDSHAKING) {
        switch (hs) {
          case NEED_WRAP -> hs = wrapInHandshake(deadlineNanos);
          case NEED_TASK -> hs = runTasks();
          default -> { // NEED_UNWRAP, NEED_UNWRAP_AGAIN
            step =
                heard
                    ? "waiting for the rest of the server's handshake"
                    : "waiting for ServerHello";
            SSLEngineResult r = unwrap();
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
              if (fill(deadlineNanos) < 0) {
                throw new EOFException(
                    "peer "
                        + endpoint
                        + " closed the connection during the TLS handshake ("
                        + step
                        + "; a plaintext port, or the server rejected this client?)");
              }
              heard = true;
            } else if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
              throw new EOFException(
                  "peer "
                      + endpoint
                      + " ended the TLS session during the handshake ("
                      + step
                      + ")");
            }
            hs = r.getHandshakeStatus();
          }
        }
      }
    } catch (SocketTimeoutException e) {
      throw new TlsHandshakeTimeoutException(
          "TLS handshake with "
              + endpoint
              + " did not finish within "
              + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
              + " ms ("
              + step
              + ")",
          e);
    }
    step = "done";
  }

  /**
   * A handshake write; if the peer closed the connection on us (broken pipe, reset), the alert it
   * sent before, if any, is the reason (e.g. TLS 1.2 and a client certificate it requires).
   */
  private HandshakeStatus wrapInHandshake(long deadlineNanos) throws IOException {
    try {
      return wrap(EMPTY, deadlineNanos).getHandshakeStatus();
    } catch (SSLException | SocketTimeoutException e) {
      throw e;
    } catch (IOException e) {
      try {
        channel.configureBlocking(false);
        netIn.compact();
        try {
          channel.read(netIn);
        } finally {
          netIn.flip();
        }
        while (netIn.hasRemaining() && unwrap().bytesConsumed() > 0) {
          // the peer's alert, if it sent one, throws here
        }
      } catch (SSLException alert) {
        alert.addSuppressed(e);
        throw alert;
      } catch (IOException | RuntimeException ignored) {
        // nothing readable: the write's failure is all there is
      }
      throw e;
    }
  }

  /**
   * @return the step the handshake is in, for messages
   */
  String step() {
    return step;
  }

  /**
   * @return the engine, after the handshake (its session, for counting resumptions)
   */
  SSLEngine engine() {
    return engine;
  }

  @Override
  public int read(ByteBuffer dst, long deadlineNanos, long nowNanos) throws IOException {
    if (appIn.hasRemaining()) {
      return deliver(dst);
    }
    while (!peerClosed) {
      if (netIn.hasRemaining()) {
        SSLEngineResult r = unwrap();
        afterUnwrap(r, deadlineNanos);
        if (appIn.hasRemaining()) {
          int n = deliver(dst);
          settle(deadlineNanos);
          return n;
        }
        if (r.getStatus() != SSLEngineResult.Status.BUFFER_UNDERFLOW && r.bytesConsumed() > 0) {
          continue; // a record without application data (a session ticket): look again
        }
      }
      if (fill(deadlineNanos) < 0) {
        return -1; // FIN without close_notify: the same to the caller
      }
    }
    return -1;
  }

  @Override
  public void write(ByteBuffer src, long deadlineNanos, long nowNanos) throws IOException {
    while (src.hasRemaining()) {
      SSLEngineResult r = wrap(src, deadlineNanos);
      if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
        throw new java.nio.channels.ClosedChannelException();
      }
    }
  }

  /** Wraps from {@code src} into {@code netOut} and writes it all before the deadline. */
  private SSLEngineResult wrap(ByteBuffer src, long deadlineNanos) throws IOException {
    while (true) {
      SSLEngineResult r;
      wrapSrc[0] = src;
      try {
        r = engine.wrap(wrapSrc, 0, 1, netOut);
      } finally {
        wrapSrc[0] = null; // keep no reference to the caller's buffer
      }
      if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
        netOut = grow(netOut, engine.getSession().getPacketBufferSize(), false);
        continue;
      }
      netOut.flip();
      try {
        if (netOut.hasRemaining()) {
          net.write(netOut, deadlineNanos);
        }
      } finally {
        netOut.clear();
      }
      if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
        runTasks();
      }
      return r;
    }
  }

  /** One unwrap of what {@code netIn} holds into {@code appIn}; grows {@code appIn} if need be. */
  private SSLEngineResult unwrap() throws SSLException {
    while (true) {
      appIn.compact();
      SSLEngineResult r;
      try {
        unwrapDst[0] = appIn;
        r = engine.unwrap(netIn, unwrapDst, 0, 1);
      } catch (SSLException e) {
        // after the handshake (a TLS 1.3 server rejects the client certificate only after the
        // client finished): the same words as a failed handshake
        throw "done".equals(step) ? TlsFailures.describe(endpoint, config, "reading", e) : e;
      } finally {
        appIn.flip();
      }
      if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
        appIn = grow(appIn, engine.getSession().getApplicationBufferSize(), true);
        continue;
      }
      if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
          && netIn.limit() == netIn.capacity()
          && netIn.position() == 0) {
        netIn = grow(netIn, engine.getSession().getPacketBufferSize(), true);
      }
      if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
        peerClosed = true;
      }
      return r;
    }
  }

  /** Answers what an unwrap after the handshake asks for (a key update, a delegated task). */
  private void afterUnwrap(SSLEngineResult r, long deadlineNanos) throws IOException {
    if (peerClosed) {
      return; // its close_notify: no answer owed, the connection is done
    }
    HandshakeStatus hs = r.getHandshakeStatus();
    while (hs == HandshakeStatus.NEED_TASK || hs == HandshakeStatus.NEED_WRAP) {
      hs =
          hs == HandshakeStatus.NEED_TASK
              ? runTasks()
              : wrap(EMPTY, deadlineNanos).getHandshakeStatus();
    }
  }

  /**
   * Decrypts the complete records left in {@code netIn} while nothing is waiting in {@code appIn}:
   * records without application data are consumed, so only real unread bytes remain.
   */
  private void settle(long deadlineNanos) throws IOException {
    while (!appIn.hasRemaining() && netIn.hasRemaining() && !peerClosed) {
      SSLEngineResult r = unwrap();
      afterUnwrap(r, deadlineNanos);
      if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW || r.bytesConsumed() == 0) {
        return; // a partial record: bytes the peer sent beyond the reply
      }
    }
  }

  /** Reads ciphertext into {@code netIn}, blocking until the deadline. */
  private int fill(long deadlineNanos) throws IOException {
    netIn.compact();
    try {
      return net.read(netIn, deadlineNanos);
    } finally {
      netIn.flip();
    }
  }

  private HandshakeStatus runTasks() {
    Runnable task;
    while ((task = engine.getDelegatedTask()) != null) {
      task.run();
    }
    return engine.getHandshakeStatus();
  }

  private int deliver(ByteBuffer dst) {
    int n = Math.min(appIn.remaining(), dst.remaining());
    dst.put(dst.position(), appIn, appIn.position(), n); // absolute: no view buffer allocated
    dst.position(dst.position() + n);
    appIn.position(appIn.position() + n);
    return n;
  }

  /** A larger copy of {@code buffer}, in the same mode (read mode: its remaining bytes). */
  private static ByteBuffer grow(ByteBuffer buffer, int atLeast, boolean readMode) {
    ByteBuffer bigger = ByteBuffer.allocate(Math.max(atLeast, buffer.capacity() * 2));
    if (readMode) {
      return bigger.put(buffer).flip();
    }
    return bigger.put(buffer.flip());
  }

  @Override
  public boolean drained() {
    return !appIn.hasRemaining() && !netIn.hasRemaining() && net.drained();
  }

  @Override
  public boolean hasReadAhead() {
    return appIn.hasRemaining() || netIn.hasRemaining() || net.hasReadAhead();
  }

  /**
   * One non-blocking read of what the socket holds, decrypted: a {@code close_notify} or FIN is
   * {@link Probe#PEER_CLOSED}, application data {@link Probe#UNREAD_BYTES}, records without
   * application data (session tickets) are consumed and leave it {@link Probe#ALIVE}.
   */
  @Override
  public Probe probe() {
    if (appIn.hasRemaining() || net.hasReadAhead()) {
      return Probe.UNREAD_BYTES;
    }
    if (peerClosed) {
      return Probe.PEER_CLOSED;
    }
    try {
      int n;
      channel.configureBlocking(false);
      netIn.compact();
      try {
        n = channel.read(netIn);
      } finally {
        netIn.flip();
        channel.configureBlocking(true);
      }
      settle(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
      if (peerClosed) {
        return Probe.PEER_CLOSED;
      }
      if (appIn.hasRemaining() || netIn.hasRemaining()) {
        return Probe.UNREAD_BYTES;
      }
      return n < 0 ? Probe.PEER_CLOSED : Probe.ALIVE;
    } catch (IOException | RuntimeException e) {
      return Probe.FAILED;
    }
  }

  /** As {@link #probe()}: the socket's bytes must be decrypted to tell data from a ticket. */
  @Override
  public Probe unreadCheck() {
    return probe();
  }

  @Override
  public boolean callUnderWay() {
    return net.callUnderWay();
  }

  @Override
  public SocketChannel rawChannel() {
    throw new UnsupportedOperationException(
        "the connection to "
            + endpoint
            + " is TLS: its channel carries encrypted bytes, so the raw channel is not handed out;"
            + " use the connection's read/write/readFully, which encrypt and decrypt");
  }

  @Override
  public SocketChannel channel() {
    return channel;
  }

  @Override
  public boolean isOpen() {
    return channel.isOpen();
  }

  @Override
  public void abort() {
    net.abort();
  }

  /**
   * Sends {@code close_notify} if the socket takes it at once (one non-blocking write; it never
   * waits, so close stays within any grace period), then closes the channel.
   */
  @Override
  public void close() {
    try {
      if (channel.isOpen() && !net.callUnderWay()) {
        engine.closeOutbound();
        netOut.clear();
        engine.wrap(EMPTY, netOut);
        netOut.flip();
        channel.configureBlocking(false);
        channel.write(netOut);
      }
    } catch (IOException | RuntimeException ignored) {
      // closing anyway: the peer sees a FIN without close_notify
    } finally {
      abort();
    }
  }

  @Override
  public EOFException endOfStream() {
    return new EOFException("peer " + endpoint + " closed the TLS connection");
  }
}
