package io.sockpool.internal;

import io.sockpool.Endpoint;
import io.sockpool.SocketOptions;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import jdk.net.ExtendedSocketOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a connection: resolves the endpoint afresh, applies the socket options and connects
 * without blocking past a deadline (a non-blocking connect finished under a selector, so a
 * peer that never answers the SYN costs at most the deadline).
 */
final class SocketConnector {
  private static final Logger LOG = LoggerFactory.getLogger(SocketConnector.class);

  private final SocketOptions options;
  private final long maxLifetimeNanos;
  private final long jitterNanos;
  /** Connects under way, for {@link #abortPending()}. */
  private final Map<SocketChannel, Selector> pending = new ConcurrentHashMap<>();
  private volatile boolean aborting;

  SocketConnector(SocketOptions options, long maxLifetimeNanos, long jitterNanos) {
    this.options = options;
    this.maxLifetimeNanos = maxLifetimeNanos;
    this.jitterNanos = jitterNanos;
  }

  /**
   * @param endpoint where to connect
   * @param deadlineNanos {@link System#nanoTime()} by which the connect must be done
   * @return the connected channel, non-blocking, with its selector
   * @throws IOException if resolution or the connect failed, or the deadline passed
   */
  PooledChannel connect(Endpoint endpoint, long deadlineNanos) throws IOException {
    long start = System.nanoTime();
    InetSocketAddress address = endpoint.resolve();
    if (address.isUnresolved()) {
      throw new UnknownHostException("cannot resolve host '" + endpoint.host() + "' of " + endpoint);
    }
    SocketChannel channel = SocketChannel.open();
    Selector selector = null;
    boolean ok = false;
    try {
      applyOptions(channel);
      channel.configureBlocking(false);
      selector = Selector.open();
      pending.put(channel, selector);
      if (aborting) {
        throw new java.nio.channels.ClosedChannelException();
      }
      SelectionKey key = channel.register(selector, 0);
      if (!channel.connect(address)) {
        key.interestOps(SelectionKey.OP_CONNECT);
        while (!channel.finishConnect()) {
          long left = deadlineNanos - System.nanoTime();
          if (left <= 0) {
            throw new SocketTimeoutException("connect to " + endpoint + " (" + address.getAddress().getHostAddress()
                + ") timed out after " + (System.nanoTime() - start) / 1_000_000 + " ms");
          }
          selector.select(Math.max(1, (left + 999_999) / 1_000_000));
          selector.selectedKeys().clear();
          if (Thread.currentThread().isInterrupted()) {
            throw new java.io.InterruptedIOException("connect to " + endpoint + " interrupted");
          }
        }
      }
      key.interestOps(0);
      long now = System.nanoTime();
      long jitter = jitterNanos > 0 ? ThreadLocalRandom.current().nextLong(jitterNanos) : 0;
      PooledChannel pooled = new PooledChannel(endpoint, channel, selector, key, now,
          now + maxLifetimeNanos - jitter);
      ok = true;
      return pooled;
    } catch (ConnectException e) {
      ConnectException wrapped = new ConnectException("connect to " + endpoint + " failed after "
          + (System.nanoTime() - start) / 1_000_000 + " ms: " + e.getMessage());
      wrapped.initCause(e);
      throw wrapped;
    } finally {
      pending.remove(channel);
      if (!ok) {
        if (selector != null) {
          try {
            selector.close();
          } catch (IOException ignored) {
            // already failing
          }
        }
        channel.close();
      }
    }
  }

  /**
   * Closes every connect under way and refuses new ones (pool closing): the connecting thread
   * wakes from its selector and fails at once, so no socket is opened after close.
   */
  void abortPending() {
    aborting = true;
    pending.forEach((channel, selector) -> {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      selector.wakeup();
    });
  }

  private void applyOptions(SocketChannel channel) throws IOException {
    channel.setOption(StandardSocketOptions.TCP_NODELAY, options.tcpNoDelay());
    channel.setOption(StandardSocketOptions.SO_KEEPALIVE, options.keepAlive());
    if (options.keepAlive()) {
      setIfSupported(channel, ExtendedSocketOptions.TCP_KEEPIDLE, (int) options.keepAliveIdle().getSeconds());
      setIfSupported(channel, ExtendedSocketOptions.TCP_KEEPINTERVAL,
          (int) options.keepAliveInterval().getSeconds());
      setIfSupported(channel, ExtendedSocketOptions.TCP_KEEPCOUNT, options.keepAliveCount());
    }
    if (options.sendBufferSize() > 0) {
      channel.setOption(StandardSocketOptions.SO_SNDBUF, options.sendBufferSize());
    }
    if (options.receiveBufferSize() > 0) {
      channel.setOption(StandardSocketOptions.SO_RCVBUF, options.receiveBufferSize());
    }
  }

  private static void setIfSupported(SocketChannel channel, SocketOption<Integer> option, int value)
      throws IOException {
    if (channel.supportedOptions().contains(option)) {
      channel.setOption(option, value);
    } else if (LOG.isDebugEnabled()) {
      LOG.debug("{} is not supported on this platform; the system-wide value applies", option.name());
    }
  }
}
