package io.sockpool.bench.preconnect;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
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
 * service}. It counts the connections it accepted. Runs in the measuring JVM, or in a JVM of its
 * own ({@link #main}, started by {@link PeerProcess}) so that it can be pinned to a core of its
 * own.
 */
final class HandshakePeer implements StepPeer {
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

  @Override
  public int port() {
    return server.getLocalPort();
  }

  @Override
  public int accepted() {
    return accepted.get();
  }

  /**
   * The peer in a JVM of its own ({@link PeerProcess}): prints {@code port N}, then answers each
   * line {@code accepted} on standard input with the count, and closes at the end of its input (the
   * measuring JVM closed it, or exited).
   *
   * @param args the connect latency and the service time, in nanoseconds
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println(
          "usage: HandshakePeer CONNECT_NANOS SERVICE_NANOS, but got "
              + args.length
              + " arguments");
      System.exit(2);
    }
    PrintStream out = System.out;
    try (HandshakePeer peer =
            new HandshakePeer(
                Duration.ofNanos(Long.parseLong(args[0])),
                Duration.ofNanos(Long.parseLong(args[1])));
        BufferedReader in =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII))) {
      out.println("port " + peer.port());
      out.flush();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (!line.equals("accepted")) {
          System.err.println("HandshakePeer: unknown request '" + line + "', allowed: accepted");
          System.exit(2);
        }
        out.println(peer.accepted());
        out.flush();
      }
    }
    System.exit(0); // the accept and serving threads are not daemons
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}
