package io.sockpool;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real TCP peer on loopback for the tests: answers each {@code PING\r\n} with
 * {@code +PONG\r\n}, and on demand stalls (reads but never answers), closes (FIN) or resets
 * (RST) every connection, or sends bytes nobody asked for.
 */
final class FakePeer implements AutoCloseable {
  private static final byte[] PING = "PING\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PONG = "+PONG\r\n".getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket server;
  private final Thread acceptor;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger pings = new AtomicInteger();
  private volatile long replyDelayMillis;
  private volatile boolean stall;

  FakePeer() throws IOException {
    server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::acceptLoop, "fake-peer-accept-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  Endpoint endpoint() {
    return Endpoint.of("127.0.0.1", server.getLocalPort());
  }

  int accepted() {
    return accepted.get();
  }

  int pings() {
    return pings.get();
  }

  int openConnections() {
    sockets.removeIf(Socket::isClosed);
    return sockets.size();
  }

  /** Answers each PING only after this many milliseconds (0: at once). */
  void replyDelayMillis(long millis) {
    replyDelayMillis = millis;
  }

  /** Reads requests but never answers them (a slow or hung peer). */
  void stall(boolean value) {
    stall = value;
  }

  /** Closes every connection with a FIN, as a server's idle timeout does. */
  void closeAll() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
  }

  /** Closes every connection with a RST. */
  void resetAll() throws IOException {
    for (Socket s : sockets) {
      s.setSoLinger(true, 0);
      s.close();
    }
  }

  /** Sends bytes nobody asked for on every connection. */
  void sendUnsolicited(String text) throws IOException {
    for (Socket s : sockets) {
      s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
    }
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        accepted.incrementAndGet();
        sockets.add(s);
        Thread t = new Thread(() -> serve(s), "fake-peer-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
      int matched = 0;
      int b;
      while ((b = in.read()) >= 0) {
        matched = b == PING[matched] ? matched + 1 : (b == PING[0] ? 1 : 0);
        if (matched == PING.length) {
          matched = 0;
          pings.incrementAndGet();
          if (!stall) {
            if (replyDelayMillis > 0) {
              try {
                Thread.sleep(replyDelayMillis);
              } catch (InterruptedException e) {
                return;
              }
            }
            out.write(PONG);
            out.flush();
          }
        }
      }
    } catch (IOException ignored) {
      // the test closed or reset it
    } finally {
      sockets.remove(s);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    closeAll();
  }
}
