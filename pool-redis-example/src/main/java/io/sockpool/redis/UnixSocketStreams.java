package io.sockpool.redis;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A Unix domain socket as the blocking streams {@link DirectRedisConnection} reads and writes, with
 * the read timeout a {@link java.net.Socket}'s {@code SO_TIMEOUT} gives TCP: a read that waits
 * longer throws {@link SocketTimeoutException}. The channel is non-blocking and waited on with a
 * {@link Selector}, since a blocking {@link SocketChannel} has no timeout. Not thread-safe.
 */
final class UnixSocketStreams implements Closeable {
  private final SocketChannel channel;
  private final Selector selector;
  private final SelectionKey key;
  private volatile int timeoutMillis;

  private UnixSocketStreams(SocketChannel channel, Selector selector, int timeoutMillis)
      throws IOException {
    this.channel = channel;
    this.selector = selector;
    this.timeoutMillis = timeoutMillis;
    channel.configureBlocking(false);
    this.key = channel.register(selector, 0);
  }

  /**
   * Connects to the socket file.
   *
   * @param path the socket file
   * @param timeoutMillis the first read timeout, positive
   * @return the connected streams
   * @throws IOException if nothing listens on the path (the JDK's words: no such file, connection
   *     refused, permission denied)
   */
  static UnixSocketStreams connect(Path path, int timeoutMillis) throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    Selector selector = null;
    try {
      // a Unix socket connect does not wait for the peer: it succeeds or fails at once
      channel.connect(UnixDomainSocketAddress.of(path));
      selector = Selector.open();
      return new UnixSocketStreams(channel, selector, timeoutMillis);
    } catch (IOException | RuntimeException e) {
      channel.close();
      if (selector != null) {
        selector.close();
      }
      throw e;
    }
  }

  /** Sets how long a read waits for bytes, like {@link java.net.Socket#setSoTimeout}. */
  void setTimeout(int millis) {
    this.timeoutMillis = millis;
  }

  private void await(int op) throws IOException {
    key.interestOps(op);
    try {
      if (selector.select(timeoutMillis) == 0) {
        throw new SocketTimeoutException("no bytes within " + timeoutMillis + " ms");
      }
    } finally {
      selector.selectedKeys().clear();
      key.interestOps(0);
    }
  }

  /** The reading side: blocks up to the timeout; -1 at the peer's end of stream. */
  InputStream in() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
        int n = channel.read(buffer);
        while (n == 0) {
          await(SelectionKey.OP_READ);
          n = channel.read(buffer);
        }
        return n;
      }
    };
  }

  /** The writing side: returns once every byte is in the socket, waiting up to the timeout. */
  OutputStream out() {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
        while (buffer.hasRemaining()) {
          if (channel.write(buffer) == 0) {
            await(SelectionKey.OP_WRITE);
          }
        }
      }
    };
  }

  /** Closes the channel and its selector. Idempotent. */
  @Override
  public void close() throws IOException {
    try {
      selector.close();
    } finally {
      channel.close();
    }
  }
}
