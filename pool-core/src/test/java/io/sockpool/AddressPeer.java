package io.sockpool;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An echo server on one loopback address (127.0.0.2, 127.0.0.3, ...) and a given port: several of
 * them on one port stand in for the addresses of one host name.
 */
final class AddressPeer implements AutoCloseable {
  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  private AddressPeer(ServerSocket server) {
    this.server = server;
    Thread t = new Thread(this::accept, "address-peer-" + server.getLocalSocketAddress());
    t.setDaemon(true);
    t.start();
  }

  /** Starts a peer on {@code ip} and the port ({@code 0}: any free one). */
  static AddressPeer start(String ip, int port) throws IOException {
    ServerSocket s = new ServerSocket();
    try {
      s.bind(new InetSocketAddress(InetAddress.getByName(ip), port), 200);
    } catch (IOException e) {
      s.close();
      throw e;
    }
    return new AddressPeer(s);
  }

  /** Starts one peer per address, all on one free port. */
  static AddressPeer[] startAll(String... ips) throws IOException {
    for (int attempt = 0; ; attempt++) {
      AddressPeer[] peers = new AddressPeer[ips.length];
      try {
        peers[0] = start(ips[0], 0);
        for (int i = 1; i < ips.length; i++) {
          peers[i] = start(ips[i], peers[0].port());
        }
        return peers;
      } catch (IOException taken) {
        for (AddressPeer p : peers) {
          if (p != null) {
            p.close();
          }
        }
        if (attempt == 5) {
          throw taken;
        }
      }
    }
  }

  InetAddress ip() {
    return server.getInetAddress();
  }

  int port() {
    return server.getLocalPort();
  }

  /**
   * @return connections the peer holds open now
   */
  int openConnections() {
    open.removeIf(Socket::isClosed);
    return open.size();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        open.add(s);
        Thread t = new Thread(() -> echo(s), "address-peer-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void echo(Socket s) {
    byte[] buf = new byte[256];
    try (s) {
      for (int n; (n = s.getInputStream().read(buf)) >= 0; ) {
        s.getOutputStream().write(buf, 0, n);
      }
    } catch (IOException closed) {
      // closed by the client, or by close()
    } finally {
      open.remove(s);
    }
  }

  /** Stops listening and closes every connection (the server went away). */
  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : open) {
      s.close();
    }
  }

  /** One echo round trip of four bytes; the address the connection is open to. */
  static InetAddress exchange(Connection c) throws IOException {
    c.write(ByteBuffer.wrap(new byte[] {'p', 'i', 'n', 'g'}), Duration.ofSeconds(2));
    ByteBuffer reply = ByteBuffer.allocate(4);
    c.readFully(reply, Duration.ofSeconds(2));
    if (reply.get(0) != 'p' || reply.get(3) != 'g') {
      throw new IOException(
          "not an echo: " + new String(reply.array(), java.nio.charset.StandardCharsets.US_ASCII));
    }
    // channel() is the raw-mode switch and counts as an open exchange: take it before declaring
    InetAddress to = ((InetSocketAddress) c.channel().getRemoteAddress()).getAddress();
    c.exchangeComplete(); // the whole echo is read: the connection may be reused
    return to;
  }
}
