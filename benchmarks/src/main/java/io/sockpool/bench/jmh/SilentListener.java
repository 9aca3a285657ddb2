package io.sockpool.bench.jmh;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A peer that accepts on every loopback address (it listens on the wildcard address) and never
 * reads or writes, so that the checkout benchmarks can use many endpoints ({@code 127.0.x.y}, one
 * port) against one listener.
 */
final class SilentListener implements AutoCloseable {
  private final ServerSocketChannel server;
  private final List<SocketChannel> accepted = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  SilentListener() throws IOException {
    server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress("0.0.0.0", 0), 4096);
    acceptor = new Thread(this::acceptLoop, "jmh-silent-listener");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void acceptLoop() {
    try {
      while (true) {
        accepted.add(server.accept());
      }
    } catch (IOException closed) {
      // the listener was closed
    }
  }

  /**
   * @return the port it listens on
   */
  int port() throws IOException {
    return ((InetSocketAddress) server.getLocalAddress()).getPort();
  }

  /**
   * @param i endpoint index, 0..62499
   * @return the i-th loopback address on this listener's port: 127.0.0.1, 127.0.0.2, ...
   */
  InetSocketAddress address(int i) throws IOException {
    return new InetSocketAddress("127.0." + (i / 250) + "." + (1 + i % 250), port());
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (SocketChannel ch : accepted) {
      ch.close();
    }
  }
}
