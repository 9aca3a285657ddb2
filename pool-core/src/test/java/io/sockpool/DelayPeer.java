package io.sockpool;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * A loopback peer of known latency: each request is 8 bytes holding a service time in nanoseconds;
 * the peer waits that long, then echoes the 8 bytes. One thread per connection.
 */
final class DelayPeer implements AutoCloseable {
  private final ServerSocket server;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

  DelayPeer() throws IOException {
    server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "delay-peer-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  Endpoint endpoint() {
    return Endpoint.of("127.0.0.1", server.getLocalPort());
  }

  /** One request on a checked-out connection: the peer holds it for {@code service}. */
  static void exchange(Connection c, long serviceNanos) throws IOException {
    ByteBuffer out = ByteBuffer.allocate(8).putLong(0, serviceNanos);
    c.write(out, Duration.ofSeconds(2));
    c.readFully(ByteBuffer.allocate(8), Duration.ofSeconds(2));
    c.exchangeComplete();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        s.setTcpNoDelay(true);
        sockets.add(s);
        Thread t = new Thread(() -> serve(s), "delay-peer-" + s.getPort());
        t.setDaemon(true);
        t.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s;
        DataInputStream in = new DataInputStream(s.getInputStream());
        DataOutputStream out = new DataOutputStream(s.getOutputStream())) {
      while (true) {
        long nanos = in.readLong();
        long until = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = until - System.nanoTime()) {
          LockSupport.parkNanos(left);
        }
        out.writeLong(nanos);
        out.flush();
      }
    } catch (IOException eofOrClosed) {
      sockets.remove(s);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
