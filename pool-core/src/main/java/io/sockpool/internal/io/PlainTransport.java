package io.sockpool.internal.io;

import io.sockpool.Endpoint;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Plaintext TCP: the channel's own bytes, through {@link BlockingIo} (blocking calls, deadlines
 * kept by the {@link Watchdog}) until a holder takes the raw channel, then through {@link
 * NonBlockingIo} (its own selector) for the rest of the connection's life. The one switch between
 * the two modes is {@link #rawChannel()}.
 */
public final class PlainTransport implements Transport {
  private final Endpoint endpoint;
  private final SocketChannel channel;
  private final BlockingIo blocking;
  private final InputStream unread; // the socket adaptor's stream: available() is FIONREAD
  private volatile NonBlockingIo raw; // set once, when the holder takes the raw channel

  /**
   * @param endpoint for messages
   * @param channel connected, in blocking mode, registered with no selector
   * @param watchdog keeps the deadlines of blocking calls
   * @throws IOException if the channel is already closed
   */
  public PlainTransport(Endpoint endpoint, SocketChannel channel, Watchdog watchdog)
      throws IOException {
    this.endpoint = endpoint;
    this.channel = channel;
    this.blocking = new BlockingIo(endpoint, channel, watchdog);
    // a Unix socket has no socket adaptor: its unread check is a non-blocking read
    this.unread = endpoint.unixPath().isPresent() ? null : channel.socket().getInputStream();
  }

  @Override
  public int read(ByteBuffer dst, long deadlineNanos, long nowNanos) throws IOException {
    NonBlockingIo r = raw;
    return r == null ? blocking.read(dst, deadlineNanos, nowNanos) : r.read(dst, deadlineNanos);
  }

  @Override
  public void write(ByteBuffer src, long deadlineNanos, long nowNanos) throws IOException {
    NonBlockingIo r = raw;
    if (r == null) {
      blocking.write(src, deadlineNanos, nowNanos);
    } else {
      r.write(src, deadlineNanos);
    }
  }

  @Override
  public boolean drained() {
    NonBlockingIo r = raw;
    return r == null ? blocking.drained() : r.drained();
  }

  @Override
  public boolean hasReadAhead() {
    return blocking.hasReadAhead();
  }

  @Override
  public Probe probe() {
    NonBlockingIo r = raw;
    return r == null ? blocking.probe() : r.probe();
  }

  /** One {@code ioctl(FIONREAD)}: reads nothing, works in either mode. */
  @Override
  public Probe unreadCheck() {
    if (unread == null) {
      Probe p = probe(); // a byte it takes makes the connection dirty, and so destroyed anyway
      return p == Probe.PEER_CLOSED ? Probe.ALIVE : p; // a close is for the next exchange to see
    }
    try {
      return unread.available() > 0 ? Probe.UNREAD_BYTES : Probe.ALIVE;
    } catch (IOException | RuntimeException e) {
      return Probe.FAILED;
    }
  }

  @Override
  public boolean callUnderWay() {
    NonBlockingIo r = raw;
    return blocking.callUnderWay() || (r != null && r.callUnderWay());
  }

  @Override
  public SocketChannel rawChannel() throws IOException {
    if (raw == null) {
      blocking.leaveBlockingMode();
      raw = new NonBlockingIo(endpoint, channel);
    }
    return channel;
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
    blocking.abort();
    NonBlockingIo r = raw;
    if (r != null) {
      r.abort();
    }
  }

  @Override
  public void close() {
    NonBlockingIo r = raw;
    if (r != null) {
      r.close();
    }
    abort();
  }

  @Override
  public EOFException endOfStream() {
    return new EOFException("peer " + endpoint + " closed the connection");
  }
}
