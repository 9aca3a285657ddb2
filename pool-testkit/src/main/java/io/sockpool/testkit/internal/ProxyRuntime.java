package io.sockpool.testkit.internal;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running side of one proxy: its listener, its live connections and the toxic chains they use.
 * Owned by the event loop thread; the API changes it only through {@link EventLoop#call}.
 */
final class ProxyRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyRuntime.class);
  private static final int BACKLOG = 1024;
  private static final int ACCEPTS_PER_WAKEUP = 64;

  private final EventLoop loop;
  private final String name;
  private String upstream;
  private ToxicDef[] upChain = new ToxicDef[0];
  private ToxicDef[] downChain = new ToxicDef[0];
  private ServerSocketChannel server;
  private final Set<Connection> connections = new LinkedHashSet<>();

  ProxyRuntime(EventLoop loop, String name, String upstream) {
    this.loop = loop;
    this.name = name;
    this.upstream = upstream;
  }

  String name() {
    return name;
  }

  String upstreamText() {
    return upstream;
  }

  void setUpstream(String upstream) {
    this.upstream = upstream;
  }

  ToxicDef[] chain(boolean upstreamDirection) {
    return upstreamDirection ? upChain : downChain;
  }

  int connectionCount() {
    return connections.size();
  }

  boolean listening() {
    return server != null;
  }

  /**
   * Binds and starts accepting.
   *
   * @return the port really bound
   * @throws ApiException 500 with Go's wording when the address cannot be bound
   */
  int start(Addresses.Resolved listen, String listenText) throws ApiException {
    ServerSocketChannel ch = null;
    try {
      ch = ServerSocketChannel.open();
      ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      ch.bind(listen.socketAddress(), BACKLOG);
      ch.configureBlocking(false);
      ch.register(loop.selector(), SelectionKey.OP_ACCEPT, this);
      server = ch;
      return ((InetSocketAddress) ch.getLocalAddress()).getPort();
    } catch (IOException e) {
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException ignored) {
          // already failing
        }
      }
      String why = e instanceof BindException ? "bind: " : "";
      String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new ApiException(
          500, "listen tcp " + listenText + ": " + why + msg.toLowerCase(java.util.Locale.ROOT));
    }
  }

  /** Stops listening and closes every live connection (both sockets). */
  void stop() {
    if (server != null) {
      try {
        server.close();
      } catch (IOException e) {
        LOG.debug("closing the listener of proxy {} failed: {}", name, e.getMessage());
      }
      server = null;
    }
    for (Connection c : new ArrayList<>(connections)) {
      c.abort();
    }
    connections.clear();
  }

  void onAcceptable() {
    for (int i = 0; i < ACCEPTS_PER_WAKEUP && server != null; i++) {
      SocketChannel client;
      try {
        client = server.accept();
      } catch (IOException e) {
        LOG.warn("proxy {}: accept failed: {}", name, e.getMessage());
        return;
      }
      if (client == null) {
        return;
      }
      accept(client);
    }
  }

  private void accept(SocketChannel client) {
    SocketChannel up = null;
    try {
      client.configureBlocking(false);
      InetSocketAddress target;
      try {
        target = Addresses.resolve(upstream).socketAddress();
      } catch (ApiException e) {
        LOG.warn("proxy {}: cannot dial upstream {}: {}", name, upstream, e.getMessage());
        client.close();
        return;
      }
      up = SocketChannel.open();
      up.configureBlocking(false);
      Connection conn = new Connection(this, loop, client, up);
      connections.add(conn);
      conn.register();
      boolean connected;
      try {
        connected = up.connect(target);
      } catch (IOException e) {
        LOG.debug("proxy {}: upstream {} unreachable ({})", name, upstream, e.getMessage());
        conn.abort();
        return;
      }
      if (connected) {
        conn.onConnected();
      }
    } catch (IOException e) {
      LOG.warn("proxy {}: setting up a connection failed: {}", name, e.getMessage());
      closeQuietly(client);
      closeQuietly(up);
    }
  }

  private static void closeQuietly(SocketChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // nothing more to do
      }
    }
  }

  void connectionClosed(Connection c) {
    connections.remove(c);
  }

  /**
   * Replaces the toxic chain of one direction and applies it to every live connection.
   *
   * @param restartIndex index in {@code chain} of the toxic Go restarts, or chain.length for none
   * @param closeLinks true when a removed timeout toxic closes the links it ran on
   */
  void setChain(boolean upstreamDirection, ToxicDef[] chain, int restartIndex, boolean closeLinks) {
    if (upstreamDirection) {
      upChain = chain;
    } else {
      downChain = chain;
    }
    long now = System.nanoTime();
    for (Connection c : new ArrayList<>(connections)) {
      Link l = c.link(upstreamDirection);
      if (l != null) {
        l.applyChain(chain, restartIndex, closeLinks, now);
      }
    }
  }
}
