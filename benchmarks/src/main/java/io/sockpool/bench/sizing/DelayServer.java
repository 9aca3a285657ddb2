package io.sockpool.bench.sizing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * A loopback TCP peer with a known service time: each request is 8 bytes holding a service
 * time in nanoseconds (big-endian); the server waits that long and echoes the 8 bytes. One
 * thread per connection, so requests on different connections are served in parallel, like a
 * peer with more workers than the pool has connections.
 *
 * <p>{@link #close()} closes the listening socket and every accepted connection and joins every
 * thread it started.
 */
final class DelayServer implements AutoCloseable {
  private final ServerSocket server;
  private final Thread acceptor;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<Thread> workers = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  /**
   * Listens on 127.0.0.1, on a free port.
   *
   * @throws IOException if the port cannot be bound
   */
  DelayServer() throws IOException {
    server = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::acceptLoop, "delay-server-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** @return the port it listens on */
  int port() {
    return server.getLocalPort();
  }

  /** @return connections accepted and not yet closed by the client */
  int openConnections() {
    return sockets.size();
  }

  /**
   * Waits until every accepted connection has been closed by its client.
   *
   * @param timeout the longest to wait
   * @return whether none is left open
   * @throws InterruptedException if interrupted while waiting
   */
  boolean awaitNoConnections(java.time.Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (sockets) {
      while (!sockets.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(sockets, left);
      }
      return true;
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = server.accept();
        s.setTcpNoDelay(true);
      } catch (IOException e) {
        return; // closed
      }
      sockets.add(s);
      Thread t = new Thread(() -> serve(s), "delay-server-" + s.getPort());
      t.setDaemon(true);
      workers.add(t);
      t.start();
    }
  }

  private void serve(Socket s) {
    try (s;
        DataInputStream in = new DataInputStream(s.getInputStream());
        DataOutputStream out = new DataOutputStream(s.getOutputStream())) {
      while (true) {
        long serviceNanos = in.readLong();
        long deadline = System.nanoTime() + serviceNanos;
        for (long left = serviceNanos; left > 0; left = deadline - System.nanoTime()) {
          LockSupport.parkNanos(left);
        }
        out.writeLong(serviceNanos);
        out.flush();
      }
    } catch (EOFException | SocketException end) {
      // client closed the connection, or close() closed the socket
    } catch (IOException e) {
      if (!closed) {
        System.err.println("delay server: connection failed: " + e);
      }
    } finally {
      synchronized (sockets) {
        sockets.remove(s);
        sockets.notifyAll();
      }
    }
  }

  /** @return the listening address */
  InetSocketAddress address() {
    return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    acceptor.join(5_000);
    for (Thread t : workers) {
      t.join(5_000);
    }
  }
}
