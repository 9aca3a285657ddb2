package io.sockpool.bench.jmh;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback server that accepts every connection and keeps it open without sending a byte:
 * the peer for benchmarks that pool real connections but do no I/O on them.
 */
public final class AcceptingServer implements AutoCloseable {
  private final ServerSocketChannel server;
  private final List<SocketChannel> accepted = new ArrayList<>();
  private final Thread acceptor;

  private AcceptingServer(ServerSocketChannel server) {
    this.server = server;
    this.acceptor = new Thread(this::acceptLoop, "accepting-server-" + port());
    this.acceptor.setDaemon(true);
  }

  /**
   * Binds to a free loopback port and starts accepting.
   *
   * @return the running server
   * @throws IOException if it could not bind
   */
  public static AcceptingServer start() throws IOException {
    ServerSocketChannel channel = ServerSocketChannel.open();
    try {
      channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    AcceptingServer s = new AcceptingServer(channel);
    s.acceptor.start();
    return s;
  }

  private void acceptLoop() {
    try {
      while (true) {
        SocketChannel c = server.accept();
        synchronized (accepted) {
          accepted.add(c);
        }
      }
    } catch (ClosedChannelException e) {
      // close() ends the loop
    } catch (IOException e) {
      throw new IllegalStateException("accepting on port " + port() + " failed", e);
    }
  }

  /** @return the loopback port it listens on */
  public int port() {
    try {
      return ((InetSocketAddress) server.getLocalAddress()).getPort();
    } catch (IOException e) {
      throw new IllegalStateException("server socket closed", e);
    }
  }

  /** @return the address clients connect to */
  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port());
  }

  /** Stops accepting and closes every accepted connection; waits up to 1 s for the accept thread. */
  @Override
  public void close() throws IOException {
    server.close();
    try {
      acceptor.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (accepted) {
      for (SocketChannel c : accepted) {
        c.close();
      }
      accepted.clear();
    }
  }
}
