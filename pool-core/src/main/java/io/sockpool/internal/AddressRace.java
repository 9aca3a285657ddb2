package io.sockpool.internal;

import io.sockpool.Endpoint;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Happy eyeballs across a name's addresses (RFC 8305, section 5): a connect to the first address
 * that has not completed after the delay is raced by a connect to the next, and so on; a failed
 * connect starts the next at once; the first to complete wins and every other is closed. All
 * attempts run in the caller's thread under one selector, within the caller's deadline.
 */
final class AddressRace {
  /** What the race needs from its connector: sockets, the abort registry, what failed. */
  interface Sockets {
    /** Opens a socket with the pool's options, non-blocking; a failure here is local. */
    SocketChannel openNonBlocking(Endpoint endpoint) throws IOException;

    /** Registers a connect under way for the pool's abort; false if the pool is closing. */
    boolean pending(SocketChannel channel, Selector selector);

    /** The connect is no longer under way. */
    void done(SocketChannel channel);

    /** One address failed. */
    void failed(InetSocketAddress address, IOException failure);
  }

  /**
   * The winner: a connected, still non-blocking channel whose selector is closed.
   *
   * @param channel the connection
   * @param address where it went
   */
  record Won(SocketChannel channel, InetSocketAddress address) {}

  private AddressRace() {}

  /**
   * Races the addresses.
   *
   * @param endpoint the peer (for messages)
   * @param addresses in the order to start them; at least two
   * @param delayNanos how long an attempt runs alone before the next starts
   * @param deadlineNanos the caller's deadline
   * @param sockets the connector's side
   * @return the winner
   * @throws SocketTimeoutException if the deadline passed first
   * @throws IOException the last failure, if every address failed
   */
  static Won run(
      Endpoint endpoint,
      List<InetSocketAddress> addresses,
      long delayNanos,
      long deadlineNanos,
      Sockets sockets)
      throws IOException {
    long start = System.nanoTime();
    List<SocketChannel> opened = new ArrayList<>(addresses.size());
    Selector selector;
    try {
      selector = Selector.open();
    } catch (IOException e) {
      throw new LocalResourceException(endpoint, "opening a selector", e);
    }
    SocketChannel winner = null;
    try {
      int next = 0;
      int active = 0;
      long nextStartAt = start;
      IOException last = null;
      while (true) {
        long now = System.nanoTime();
        if (now - deadlineNanos >= 0) {
          throw new SocketTimeoutException(
              "connect to "
                  + endpoint
                  + " "
                  + addresses
                  + " timed out after "
                  + (now - start) / 1_000_000
                  + " ms");
        }
        if (next < addresses.size() && (active == 0 || now - nextStartAt >= 0)) {
          InetSocketAddress address = addresses.get(next++);
          SocketChannel ch = sockets.openNonBlocking(endpoint);
          opened.add(ch);
          if (!sockets.pending(ch, selector)) {
            throw new ClosedChannelException();
          }
          try {
            if (ch.connect(address)) {
              winner = ch;
              return new Won(ch, address);
            }
            ch.register(selector, SelectionKey.OP_CONNECT, address);
            active++;
          } catch (IOException e) {
            if (LocalResourceException.isLocal(e)) {
              throw new LocalResourceException(endpoint, "connect", e);
            }
            last = failed(endpoint, address, e, start, sockets);
          }
          nextStartAt = now + delayNanos;
          continue;
        }
        if (active == 0) {
          throw last; // every address started and failed
        }
        long until = next < addresses.size() ? Math.min(nextStartAt, deadlineNanos) : deadlineNanos;
        selector.select(Math.max(1, (until - now + 999_999) / 1_000_000));
        for (SelectionKey key : selector.selectedKeys()) {
          SocketChannel ch = (SocketChannel) key.channel();
          InetSocketAddress address = (InetSocketAddress) key.attachment();
          try {
            if (ch.finishConnect()) {
              winner = ch;
              return new Won(ch, address);
            }
          } catch (IOException e) {
            key.cancel();
            active--;
            last = failed(endpoint, address, e, start, sockets);
            nextStartAt = System.nanoTime(); // a failure starts the next at once
          }
        }
        selector.selectedKeys().clear();
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedIOException("connect to " + endpoint + " interrupted");
        }
      }
    } finally {
      try {
        selector.close(); // deregisters every channel: the winner may then block
      } catch (IOException ignored) {
        // closing anyway
      }
      for (SocketChannel ch : opened) {
        sockets.done(ch);
        if (ch != winner) {
          ch.close(); // the losers
        }
      }
    }
  }

  private static IOException failed(
      Endpoint endpoint, InetSocketAddress address, IOException e, long start, Sockets sockets) {
    IOException wrapped = e;
    if (e instanceof ConnectException) {
      wrapped =
          new ConnectException(
              "connect to "
                  + endpoint
                  + " ("
                  + address.getAddress().getHostAddress()
                  + ") failed after "
                  + (System.nanoTime() - start) / 1_000_000
                  + " ms: "
                  + e.getMessage());
      wrapped.initCause(e);
    }
    sockets.failed(address, wrapped);
    return wrapped;
  }
}
