package io.sockpool.bench.preconnect;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback peer with a slow connect: it answers a connection's first {@code PING} (the pool's
 * initializer, so part of the connect) after {@code connect}, every later one after {@code
 * service}. It counts the connections it accepted.
 */
final class HandshakePeer implements AutoCloseable {
  private static final byte[] PONG = "+PONG\r\n".getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final AtomicInteger accepted = new AtomicInteger();
  private final Duration connect;
  private final Duration service;

  HandshakePeer(Duration connect, Duration service) throws IOException {
    this.connect = connect;
    this.service = service;
    this.server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
    threads.execute(this::acceptLoop);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        s.setTcpNoDelay(true);
        accepted.incrementAndGet();
        threads.execute(() -> serve(s));
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      byte[] req = new byte[6]; // PING\r\n
      boolean first = true;
      while (readFully(in, req)) {
        pause(first ? connect : service);
        first = false;
        out.write(PONG);
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // the pool closed the connection, or the peer closes
    }
  }

  private static void pause(Duration d) throws InterruptedException {
    long nanos = d.toNanos();
    if (nanos > 0) {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    }
  }

  private static boolean readFully(InputStream in, byte[] b) throws IOException {
    for (int n = 0; n < b.length; ) {
      int r = in.read(b, n, b.length - n);
      if (r < 0) {
        return false;
      }
      n += r;
    }
    return true;
  }

  int port() {
    return server.getLocalPort();
  }

  int accepted() {
    return accepted.get();
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}
