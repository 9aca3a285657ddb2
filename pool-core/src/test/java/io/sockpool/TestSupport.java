package io.sockpool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Shared helpers: PING exchanges, fd counting, blackholed listeners, pool thread checks. */
final class TestSupport {
  static final Validator PING = Validator.expect(ascii("PING\r\n"), ascii("+PONG\r\n"));

  private TestSupport() {
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static void ping(Connection c) throws IOException {
    c.write(ByteBuffer.wrap(ascii("PING\r\n")), Duration.ofSeconds(2));
    ByteBuffer reply = ByteBuffer.allocate(7);
    c.readFully(reply, Duration.ofSeconds(2));
    String got = new String(reply.array(), StandardCharsets.US_ASCII);
    if (!got.equals("+PONG\r\n")) {
      throw new IOException("unexpected reply " + got);
    }
    c.exchangeComplete();
  }

  /** Open file descriptors of this process (Linux), or -1 where /proc is missing. */
  static long openFds() {
    Path fd = Path.of("/proc/self/fd");
    if (!Files.isDirectory(fd)) {
      return -1;
    }
    try (Stream<Path> s = Files.list(fd)) {
      return s.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Live threads whose name starts with the prefix. */
  static List<String> threadsNamed(String prefix) {
    List<String> names = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && t.getName().startsWith(prefix)) {
        names.add(t.getName());
      }
    }
    return names;
  }

  /**
   * A listener whose accept queue is full: further connects get no SYN-ACK (fact 3 of
   * jdk-and-pool2-facts). Close it to release the filler sockets.
   */
  static final class Blackhole implements AutoCloseable {
    final ServerSocket server;
    final List<SocketChannel> fillers = new ArrayList<>();

    Blackhole() throws IOException {
      server = new ServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
      for (int i = 0; i < 8; i++) {
        SocketChannel c = SocketChannel.open();
        c.configureBlocking(false);
        c.connect(server.getLocalSocketAddress());
        fillers.add(c);
      }
    }

    Endpoint endpoint() {
      return Endpoint.of("127.0.0.1", server.getLocalPort());
    }

    @Override
    public void close() throws IOException {
      for (SocketChannel c : fillers) {
        c.close();
      }
      server.close();
    }
  }
}
