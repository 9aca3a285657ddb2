package io.sockpool;

import io.sockpool.testkit.FakePeer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Shared helpers: PING exchanges and blackholed listeners. */
final class TestSupport {
  static final Validator PING = Validator.expect(ascii("PING\r\n"), ascii("+PONG\r\n"));

  private TestSupport() {}

  /**
   * @return the peer's address as an {@link Endpoint}
   */
  static Endpoint endpoint(FakePeer peer) {
    return Endpoint.of(peer.host(), peer.port());
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

  /**
   * A listener whose accept queue is full: on Linux, further connects get no SYN-ACK and hang until
   * their timeout (the listener never accepts, so the queue stays full). Close it to release the
   * filler sockets.
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
