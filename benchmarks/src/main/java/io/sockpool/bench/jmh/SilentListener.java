package io.sockpool.bench.jmh;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * A peer that accepts on every loopback address (it listens on the wildcard address) and never
 * reads or writes, so that the checkout benchmarks can use many endpoints ({@code 127.0.x.y}, one
 * port) against one listener.
 *
 * <p>It runs in a child JVM ({@link #main}, started on the benchmark fork's class path), so that
 * its accepted sockets do not count against the fork's file descriptor limit: 10,000 pooled
 * connections are 10,000 descriptors on each side, and the hard limit here is 20,000 per process.
 * The child prints its port, then accepts until its standard input closes.
 */
final class SilentListener implements AutoCloseable {
  private final Process child;
  private final OutputStream toChild;
  private final int port;

  /** Starts the child peer and waits (up to 30 s) for its port. */
  SilentListener() throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    child =
        new ProcessBuilder(
                java,
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                SilentListener.class.getName())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    toChild = child.getOutputStream();
    BufferedReader fromChild =
        new BufferedReader(
            new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
    String line = fromChild.readLine();
    if (line == null || !line.startsWith("port ")) {
      child.destroyForcibly();
      throw new IOException("silent peer did not report its port; it printed: " + line);
    }
    port = Integer.parseInt(line.substring("port ".length()).strip());
  }

  /** Returns the port it listens on. */
  int port() {
    return port;
  }

  /**
   * Returns the i-th loopback address on this listener's port: 127.0.0.1, 127.0.0.2, ...
   *
   * @param i endpoint index, 0..62499
   */
  InetSocketAddress address(int i) {
    return new InetSocketAddress("127.0." + (i / 250) + "." + (1 + i % 250), port);
  }

  /** Stops the child (closing its standard input ends it), waiting up to 10 s. */
  @Override
  public void close() throws IOException {
    toChild.close();
    try {
      if (!child.waitFor(10, TimeUnit.SECONDS)) {
        child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      child.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The child: listens on the wildcard address, prints {@code port <n>}, accepts and holds every
   * connection silently until standard input reaches its end, then prints how many it accepted to
   * standard error and exits.
   *
   * @param args none
   */
  public static void main(String[] args) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress("0.0.0.0", 0), 4096);
    Queue<SocketChannel> accepted = new ConcurrentLinkedQueue<>();
    Thread acceptor =
        new Thread(
            () -> {
              try {
                while (true) {
                  accepted.add(server.accept());
                }
              } catch (IOException closed) {
                // the listener was closed
              }
            },
            "silent-peer-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
    System.out.println("port " + ((InetSocketAddress) server.getLocalAddress()).getPort());
    System.out.flush();
    InputStream in = System.in;
    while (in.read() >= 0) {
      // nothing is sent; the end of input is the signal to stop
    }
    server.close();
    System.err.println("silent peer: accepted " + accepted.size() + " connections, closing");
    for (SocketChannel ch : accepted) {
      ch.close();
    }
  }
}
