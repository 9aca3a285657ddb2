package io.sockpool.faults;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The upstream peer behind the proxies: a real TCP server on 127.0.0.1 speaking a line protocol
 * in the style of Redis. {@code PING\r\n} is answered with {@code +PONG\r\n} (what
 * {@link FaultKit#PING_PONG} expects) and {@code ECHO <token>\r\n} with {@code +<token>\r\n}, so a
 * borrower can tell its own reply from someone else's. Anything else gets {@code -ERR}.
 *
 * <p>It counts what a fault test needs to see from the peer's side: connections accepted, open
 * now and the most open at once (exact, kept on every accept and close, not sampled).
 * One thread accepts, one thread serves each connection; {@link #close()} ends them all.
 */
final class PongServer implements AutoCloseable {
  private static final byte[] PONG = "+PONG\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_LINE = 1024;

  private final ServerSocket server;
  private final Thread acceptor;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final List<Thread> workers = new ArrayList<>();
  private final Map<String, CountDownLatch> watched = new ConcurrentHashMap<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger peakOpen = new AtomicInteger();
  private final AtomicLong requests = new AtomicLong();
  private final Object openChanged = new Object();
  private int open; // guarded by openChanged
  private volatile boolean closed;

  private PongServer(ServerSocket server) {
    this.server = server;
    this.acceptor = new Thread(this::acceptLoop, "pong-server-" + server.getLocalPort() + "-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * Starts a server on 127.0.0.1 and a free port.
   *
   * @return the running server
   * @throws IOException if no port can be bound
   */
  static PongServer start() throws IOException {
    ServerSocket s = new ServerSocket();
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
    return new PongServer(s);
  }

  /** @return {@code 127.0.0.1:<port>}, the upstream of a proxy */
  String hostAndPort() {
    return "127.0.0.1:" + port();
  }

  int port() {
    return server.getLocalPort();
  }

  /** @return connections accepted since start */
  int accepted() {
    return accepted.get();
  }

  /** @return connections open now */
  int open() {
    synchronized (openChanged) {
      return open;
    }
  }

  /** @return the most connections that were open at once since start or {@link #resetPeak()} */
  int peakOpen() {
    return peakOpen.get();
  }

  /** Starts counting the peak afresh from the connections open now. */
  void resetPeak() {
    synchronized (openChanged) {
      peakOpen.set(open);
    }
  }

  /** @return requests (PING or ECHO) answered so far */
  long requests() {
    return requests.get();
  }

  /**
   * Waits until at most {@code max} connections are open.
   *
   * @return true if that happened within {@code timeout}
   */
  boolean awaitOpenAtMost(int max, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (openChanged) {
      while (open > max) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        openChanged.wait(Math.max(1, left / 1_000_000));
      }
      return true;
    }
  }

  /**
   * Registers interest in {@code ECHO token}: the latch opens once the server has written the
   * reply to that token (the reply then is on its way back through the proxy).
   */
  CountDownLatch watch(String token) {
    return watched.computeIfAbsent(token, t -> new CountDownLatch(1));
  }

  /** Closes every open connection with a FIN, as a server's idle timeout or restart does. */
  void closeAll() {
    for (Socket s : sockets) {
      closeQuietly(s);
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return;
      }
      accepted.incrementAndGet();
      sockets.add(s);
      synchronized (openChanged) {
        open++;
        peakOpen.accumulateAndGet(open, Math::max);
      }
      if (closed) {
        closeQuietly(s);
      }
      Thread t = new Thread(() -> serve(s), "pong-server-" + port() + "-conn-" + accepted.get());
      t.setDaemon(true);
      synchronized (workers) {
        workers.removeIf(w -> !w.isAlive());
        workers.add(t);
      }
      t.start();
    }
  }

  private void serve(Socket s) {
    try (s; InputStream in = new BufferedInputStream(s.getInputStream()); OutputStream out = s.getOutputStream()) {
      s.setTcpNoDelay(true);
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) >= 0) {
        if (b != '\n') {
          if (line.size() < MAX_LINE) {
            line.write(b);
          }
          continue;
        }
        String request = line.toString(StandardCharsets.US_ASCII).strip();
        line.reset();
        answer(request, out);
      }
    } catch (IOException ignored) {
      // reset or closed: the connection is over either way
    } finally {
      sockets.remove(s);
      synchronized (openChanged) {
        open--;
        openChanged.notifyAll();
      }
    }
  }

  private void answer(String request, OutputStream out) throws IOException {
    if (request.equals("PING")) {
      out.write(PONG);
    } else if (request.startsWith("ECHO ")) {
      String token = request.substring(5);
      out.write(("+" + token + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      CountDownLatch w = watched.get(token);
      if (w != null) {
        w.countDown();
      }
    } else {
      out.write(("-ERR unknown command '" + request + "'\r\n").getBytes(StandardCharsets.US_ASCII));
    }
    out.flush();
    requests.incrementAndGet();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  /** Closes the listener and every connection and waits (up to 5 s) for the threads to end. */
  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    closeAll();
    List<Thread> all;
    synchronized (workers) {
      all = new ArrayList<>(workers);
    }
    all.add(acceptor);
    long deadline = System.nanoTime() + 5_000_000_000L;
    for (Thread t : all) {
      try {
        t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public String toString() {
    return "PongServer[" + hostAndPort() + ", accepted=" + accepted() + ", open=" + open() + "]";
  }
}
