package io.sockpool.testkit.internal;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted client socket and its upstream socket, joined by two {@link Link}s. All methods run
 * on the event loop thread.
 */
final class Connection {
  private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

  /** The selection-key attachment of one of the two sockets. */
  static final class Side {
    private final Connection conn;
    private final boolean client;

    Side(Connection conn, boolean client) {
      this.conn = conn;
      this.client = client;
    }

    Connection connection() {
      return conn;
    }

    void onReady(SelectionKey key) {
      if (!key.isValid()) {
        return;
      }
      int ready = key.readyOps();
      if (!client && (ready & SelectionKey.OP_CONNECT) != 0) {
        conn.onConnectable();
        return;
      }
      if (conn.up == null) {
        return;
      }
      if ((ready & SelectionKey.OP_READ) != 0) {
        (client ? conn.up : conn.down).onReadable();
      }
      if (key.isValid() && (ready & SelectionKey.OP_WRITE) != 0) {
        (client ? conn.down : conn.up).onWritable();
      }
    }
  }

  private final ProxyRuntime proxy;
  private final EventLoop loop;
  final SocketChannel client;
  final SocketChannel upstream;
  private SelectionKey clientKey;
  private SelectionKey upstreamKey;
  private Link up;
  private Link down;
  private boolean closed;

  Connection(ProxyRuntime proxy, EventLoop loop, SocketChannel client, SocketChannel upstream) {
    this.proxy = proxy;
    this.loop = loop;
    this.client = client;
    this.upstream = upstream;
  }

  /** Registers both sockets; the client is not read until the upstream is connected. */
  void register() throws ClosedChannelException {
    clientKey = client.register(loop.selector(), 0, new Side(this, true));
    upstreamKey =
        upstream.register(loop.selector(), SelectionKey.OP_CONNECT, new Side(this, false));
  }

  private void onConnectable() {
    try {
      if (!upstream.finishConnect()) {
        return;
      }
    } catch (IOException e) {
      LOG.debug(
          "proxy {}: upstream {} unreachable ({}); closing the client connection",
          proxy.name(),
          proxy.upstreamText(),
          e.getMessage());
      abort();
      return;
    }
    onConnected();
  }

  /** Upstream connected: start both links with the proxy's current toxics. */
  void onConnected() {
    if (closed) {
      return;
    }
    ToxicDef[] upChain = proxy.chain(true);
    ToxicDef[] downChain = proxy.chain(false);
    try {
      client.setOption(StandardSocketOptions.TCP_NODELAY, true);
      upstream.setOption(StandardSocketOptions.TCP_NODELAY, true);
      if (hasResetPeer(upChain) || hasResetPeer(downChain)) {
        // As Toxiproxy: with a reset_peer toxic present at connect, closes become RSTs.
        client.setOption(StandardSocketOptions.SO_LINGER, 0);
        upstream.setOption(StandardSocketOptions.SO_LINGER, 0);
      }
    } catch (IOException e) {
      abort();
      return;
    }
    long now = System.nanoTime();
    up = new Link(this, loop, true, client, upstream);
    down = new Link(this, loop, false, upstream, client);
    up.start(upChain, now);
    down.start(downChain, now);
    updateInterest();
  }

  private static boolean hasResetPeer(ToxicDef[] chain) {
    for (ToxicDef d : chain) {
      if (d.type() == ToxicType.RESET_PEER) {
        return true;
      }
    }
    return false;
  }

  Link link(boolean upstreamDirection) {
    return upstreamDirection ? up : down;
  }

  /** Recomputes which events each socket waits for, from the state of both links. */
  void updateInterest() {
    if (closed || up == null) {
      return;
    }
    setInterest(
        clientKey,
        (up.wantsRead() ? SelectionKey.OP_READ : 0)
            | (down.wantsWrite() ? SelectionKey.OP_WRITE : 0));
    setInterest(
        upstreamKey,
        (down.wantsRead() ? SelectionKey.OP_READ : 0)
            | (up.wantsWrite() ? SelectionKey.OP_WRITE : 0));
  }

  private static void setInterest(SelectionKey key, int ops) {
    if (key.isValid() && key.interestOps() != ops) {
      key.interestOps(ops);
    }
  }

  /**
   * A link flushed everything and reached its end: close its destination; the other link then sees
   * its source gone and ends too, after flushing what it holds.
   */
  void linkFinished(Link link) {
    closeQuietly(link.dst);
    Link other = link == up ? down : up;
    if (other.done()) {
      close();
    } else {
      other.sourceEnded(System.nanoTime());
      updateInterest();
    }
  }

  /** Closes both sockets at once (proxy disabled or deleted, or a socket failed). */
  void abort() {
    if (up != null) {
      up.markDone();
      down.markDone();
    }
    close();
  }

  private void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeQuietly(client);
    closeQuietly(upstream);
    proxy.connectionClosed(this);
  }

  private static void closeQuietly(SocketChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      LOG.debug("closing a proxied socket failed: {}", e.getMessage());
    }
  }
}
