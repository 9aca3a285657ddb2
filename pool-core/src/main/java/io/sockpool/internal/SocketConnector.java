package io.sockpool.internal;

import io.sockpool.Endpoint;
import io.sockpool.SocketOptions;
import io.sockpool.internal.io.TransportFactory;
import io.sockpool.internal.resolve.AddressBook;
import io.sockpool.internal.resolve.Names;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import jdk.net.ExtendedSocketOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a connection: takes the endpoint's addresses from its {@link AddressBook} (resolving the
 * name within the deadline if need be), applies the socket options and connects without blocking
 * past a deadline (a non-blocking connect finished under a selector, so a peer that never answers
 * the SYN costs at most the deadline), trying the next address on failure. The connected channel is
 * then put in blocking mode and handed to the {@link TransportFactory}, which makes the
 * connection's transport within the same deadline (a TLS transport's handshake runs there).
 */
final class SocketConnector {
  private static final Logger LOG = LoggerFactory.getLogger(SocketConnector.class);

  private final Names names;
  private final SocketOptions options;
  private final long maxLifetimeNanos;
  private final long jitterNanos;
  private final TransportFactory transports;
  private final long happyEyeballsNanos;

  /** Connects under way, for {@link #abortPending()}. */
  private final Map<SocketChannel, Selector> pending = new ConcurrentHashMap<>();

  private volatile boolean aborting;

  /** A connector that tries a name's addresses one after the other (no happy eyeballs). */
  SocketConnector(
      Names names,
      SocketOptions options,
      long maxLifetimeNanos,
      long jitterNanos,
      TransportFactory transports) {
    this(names, options, maxLifetimeNanos, jitterNanos, transports, 0);
  }

  /**
   * @param transports makes each new connection's transport, after the TCP connect and within its
   *     deadline
   * @param happyEyeballsNanos how long a connect to one of a name's addresses runs alone before a
   *     connect to the next races it ({@link AddressRace}); 0: one address after the other
   */
  SocketConnector(
      Names names,
      SocketOptions options,
      long maxLifetimeNanos,
      long jitterNanos,
      TransportFactory transports,
      long happyEyeballsNanos) {
    this.names = names;
    this.happyEyeballsNanos = happyEyeballsNanos;
    this.transports = transports;
    this.options = options;
    this.maxLifetimeNanos = maxLifetimeNanos;
    this.jitterNanos = jitterNanos;
  }

  /**
   * Opens a connection to one of the endpoint's addresses. The name is resolved through its {@link
   * AddressBook} (the last answer, or a lookup waited for at most until the deadline); the
   * addresses are tried in turn, each given an equal share of the time left, the last one all of
   * it. If every address fails, the name is looked up again and new addresses, if any, are tried
   * within the same deadline.
   *
   * @param endpoint where to connect
   * @param deadlineNanos {@link System#nanoTime()} by which the connect must be done
   * @return the connection, with the transport the factory made for it
   * @throws io.sockpool.NameResolutionTimeoutException if the name did not resolve in time
   * @throws UnknownHostException if the name does not resolve
   * @throws SocketTimeoutException if the deadline passed while connecting
   * @throws IOException if every address refused or failed otherwise
   */
  PooledChannel connect(Endpoint endpoint, long deadlineNanos) throws IOException {
    long start = System.nanoTime();
    AddressBook book = names.book(endpoint);
    List<InetSocketAddress> order = book.connectOrder(deadlineNanos);
    Set<InetSocketAddress> tried = new HashSet<>();
    List<String> failures = new ArrayList<>(0);
    IOException last = null;
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < order.size(); i++) {
        InetSocketAddress address = order.get(i);
        if (!tried.add(address)) {
          continue;
        }
        long now = System.nanoTime();
        long left = deadlineNanos - now;
        if (left <= 0) {
          break;
        }
        int remaining = 0;
        for (int j = i; j < order.size(); j++) {
          remaining += j == i || !tried.contains(order.get(j)) ? 1 : 0;
        }
        long attemptDeadline = remaining <= 1 ? deadlineNanos : now + left / remaining;
        if (remaining > 1 && happyEyeballsNanos > 0) {
          List<InetSocketAddress> rest = new ArrayList<>(remaining);
          for (int j = i; j < order.size(); j++) {
            if (j == i || tried.add(order.get(j))) {
              rest.add(order.get(j));
            }
          }
          try {
            return race(endpoint, book, rest, deadlineNanos, failures);
          } catch (IOException e) {
            if (!addressesFault(e)) {
              throw e;
            }
            last = e;
          }
          break;
        }
        try {
          PooledChannel channel = connectTo(endpoint, address, attemptDeadline, start);
          book.connected(address);
          if (last != null) {
            LOG.debug("connected to {} at {} after: {}", endpoint, address, failures);
          }
          return channel;
        } catch (IOException e) {
          if (!addressesFault(e)) {
            throw e; // neither the address's fault: no other address, no re-resolution
          }
          last = e;
          failures.add(where(endpoint, address) + ": " + e.getMessage());
          names.connectFailed(book, address);
        }
      }
      if (round > 0 || !names.reresolves() || deadlineNanos - System.nanoTime() <= 0) {
        break;
      }
      order =
          book.reresolveAfterFailure(
              deadlineNanos); // e.g. the name moved and the old address is down
    }
    if (last == null) {
      last =
          new SocketTimeoutException(
              "connect to "
                  + endpoint
                  + " timed out after "
                  + (System.nanoTime() - start) / 1_000_000
                  + " ms");
    }
    if (failures.size() <= 1) {
      throw last;
    }
    String all =
        "connect to "
            + endpoint
            + " failed on every address after "
            + (System.nanoTime() - start) / 1_000_000
            + " ms: "
            + String.join("; ", failures);
    IOException summary =
        deadlineNanos - System.nanoTime() <= 0
            ? new SocketTimeoutException(all)
            : new ConnectException(all);
    summary.initCause(last);
    throw summary;
  }

  private PooledChannel connectTo(
      Endpoint endpoint, InetSocketAddress address, long deadlineNanos, long start)
      throws IOException {
    SocketChannel channel = open(endpoint);
    Selector selector = null;
    boolean ok = false;
    try {
      try {
        if (endpoint.unixPath().isEmpty()) {
          applyOptions(channel);
        } else {
          applyUnixOptions(channel);
        }
        channel.configureBlocking(false);
        selector = Selector.open();
      } catch (IOException e) { // nothing has reached the peer yet: local
        throw new LocalResourceException(endpoint, "setting up the socket", e);
      }
      pending.put(channel, selector);
      if (aborting) {
        throw new java.nio.channels.ClosedChannelException();
      }
      SelectionKey key = channel.register(selector, 0);
      if (!startConnect(endpoint, channel, address)) {
        key.interestOps(SelectionKey.OP_CONNECT);
        while (!channel.finishConnect()) {
          long left = deadlineNanos - System.nanoTime();
          if (left <= 0) {
            throw new SocketTimeoutException(
                "connect to "
                    + endpoint
                    + " ("
                    + where(endpoint, address)
                    + ") timed out after "
                    + (System.nanoTime() - start) / 1_000_000
                    + " ms");
          }
          selector.select(Math.max(1, (left + 999_999) / 1_000_000));
          selector.selectedKeys().clear();
          if (Thread.currentThread().isInterrupted()) {
            throw new java.io.InterruptedIOException("connect to " + endpoint + " interrupted");
          }
        }
      }
      selector.close(); // deregisters the channel, which may then block
      PooledChannel pooled = connected(endpoint, channel, address, deadlineNanos);
      ok = true;
      return pooled;
    } catch (ConnectException e) {
      ConnectException wrapped =
          new ConnectException(
              "connect to "
                  + endpoint
                  + " ("
                  + where(endpoint, address)
                  + ") failed after "
                  + (System.nanoTime() - start) / 1_000_000
                  + " ms: "
                  + e.getMessage());
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
   * Whether a connect failure is the address's (refused, reset, timed out: the next address is
   * tried) rather than the caller's or the process's (an interrupt, a local shortage). A timeout is
   * an {@link java.io.InterruptedIOException} too, but the address's.
   */
  private static boolean addressesFault(IOException e) {
    if (e instanceof SocketTimeoutException) {
      return true;
    }
    return !(e instanceof java.io.InterruptedIOException
        || e instanceof java.nio.channels.ClosedByInterruptException
        || e instanceof LocalResourceException);
  }

  /** A connected socket made blocking, with its transport: the pool's connection. */
  private PooledChannel connected(
      Endpoint endpoint, SocketChannel channel, InetSocketAddress address, long deadlineNanos)
      throws IOException {
    channel.configureBlocking(true);
    long now = System.nanoTime();
    long jitter = jitterNanos > 0 ? ThreadLocalRandom.current().nextLong(jitterNanos) : 0;
    return new PooledChannel(
        endpoint,
        address,
        transports.open(endpoint, channel, deadlineNanos),
        now,
        now + maxLifetimeNanos - jitter);
  }

  /** Happy eyeballs over the addresses left ({@link AddressRace}); the losers are closed. */
  private PooledChannel race(
      Endpoint endpoint,
      AddressBook book,
      List<InetSocketAddress> addresses,
      long deadlineNanos,
      List<String> failures)
      throws IOException {
    AddressRace.Won won =
        AddressRace.run(
            endpoint,
            addresses,
            happyEyeballsNanos,
            deadlineNanos,
            new AddressRace.Sockets() {
              @Override
              public SocketChannel openNonBlocking(Endpoint e) throws IOException {
                SocketChannel ch = open(e);
                try {
                  applyOptions(ch);
                  ch.configureBlocking(false);
                } catch (IOException ex) {
                  ch.close();
                  throw new LocalResourceException(e, "setting up the socket", ex);
                }
                return ch;
              }

              @Override
              public boolean pending(SocketChannel ch, Selector selector) {
                pending.put(ch, selector);
                return !aborting;
              }

              @Override
              public void done(SocketChannel ch) {
                pending.remove(ch);
              }

              @Override
              public void failed(InetSocketAddress address, IOException failure) {
                failures.add(address.getAddress().getHostAddress() + ": " + failure.getMessage());
                names.connectFailed(book, address);
              }
            });
    boolean ok = false;
    try {
      PooledChannel channel = connected(endpoint, won.channel(), won.address(), deadlineNanos);
      book.connected(won.address());
      ok = true;
      return channel;
    } finally {
      if (!ok) {
        won.channel().close();
      }
    }
  }

  /** Opens a socket; a failure here (EMFILE, ENOBUFS) is local. */
  private static SocketChannel open(Endpoint endpoint) throws LocalResourceException {
    try {
      return endpoint.unixPath().isPresent()
          ? SocketChannel.open(java.net.StandardProtocolFamily.UNIX)
          : SocketChannel.open();
    } catch (IOException e) {
      throw new LocalResourceException(endpoint, "opening a socket", e);
    }
  }

  /** Starts a non-blocking connect; a local shortage (no buffers, no port) is told apart. */
  private static boolean startConnect(
      Endpoint endpoint, SocketChannel channel, InetSocketAddress address) throws IOException {
    try {
      java.util.Optional<java.nio.file.Path> unix = endpoint.unixPath();
      return unix.isPresent()
          ? channel.connect(java.net.UnixDomainSocketAddress.of(unix.get()))
          : channel.connect(address);
    } catch (IOException e) {
      if (LocalResourceException.isLocal(e)) {
        throw new LocalResourceException(endpoint, "connect", e);
      }
      throw e;
    }
  }

  /**
   * Closes every connect under way and refuses new ones (pool closing): the connecting thread wakes
   * from its selector and fails at once, so no socket is opened after close.
   */
  void abortPending() {
    aborting = true;
    pending.forEach(
        (channel, selector) -> {
          try {
            channel.close();
          } catch (IOException ignored) {
            // closing anyway
          }
          selector.wakeup();
        });
  }

  /** The address in messages: the IP address, or nothing more for a Unix socket. */
  private static String where(Endpoint endpoint, InetSocketAddress address) {
    return endpoint.unixPath().isPresent() ? "unix" : address.getAddress().getHostAddress();
  }

  /** A Unix socket has no TCP options (no Nagle, no keep-alive); only the buffer sizes apply. */
  private void applyUnixOptions(SocketChannel channel) throws IOException {
    if (options.sendBufferSize() > 0) {
      channel.setOption(StandardSocketOptions.SO_SNDBUF, options.sendBufferSize());
    }
    if (options.receiveBufferSize() > 0) {
      channel.setOption(StandardSocketOptions.SO_RCVBUF, options.receiveBufferSize());
    }
  }

  private void applyOptions(SocketChannel channel) throws IOException {
    channel.setOption(StandardSocketOptions.TCP_NODELAY, options.tcpNoDelay());
    channel.setOption(StandardSocketOptions.SO_KEEPALIVE, options.keepAlive());
    if (options.keepAlive()) {
      setIfSupported(
          channel, ExtendedSocketOptions.TCP_KEEPIDLE, (int) options.keepAliveIdle().toSeconds());
      setIfSupported(
          channel,
          ExtendedSocketOptions.TCP_KEEPINTERVAL,
          (int) options.keepAliveInterval().toSeconds());
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
      LOG.debug(
          "{} is not supported on this platform; the system-wide value applies", option.name());
    }
  }
}
