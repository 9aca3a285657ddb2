package io.sockpool.testkit;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A scriptable TCP peer on 127.0.0.1 for tests: a real server socket on a free port, one thread
 * accepting and one thread per connection. What it says is a {@link Responder} (one per connection;
 * {@link Responder#pingPong()} by default, or echo, silence, pieces, a test's own protocol). While
 * it runs, a test can make it
 *
 * <ul>
 *   <li>stall: read every request and answer none ({@link #stall(boolean)});
 *   <li>answer late ({@link #answerAfter(Duration)}) or in pieces ({@link #answerInPieces(int,
 *       Duration)});
 *   <li>close every connection with a FIN ({@link #closeAll()}) or a RST ({@link #resetAll()});
 *   <li>send bytes nobody asked for ({@link #sendToAll(String)});
 *   <li>refuse new connections: the port is closed ({@link #refuse()}, or {@link #closedPort()} for
 *       a port nothing listens on).
 * </ul>
 *
 * <p>It counts, exactly (on every accept and close, not sampled): connections accepted, open now
 * and the most open at once, requests answered and bytes received. Subclasses may add accessors
 * (for example an address type of their own). Thread-safe. {@link #close()} closes the listener and
 * every connection and joins the threads.
 */
public class FakePeer implements AutoCloseable {
  /** Prefix of the names of the threads a fake peer starts (for leak checks). */
  public static final String THREAD_PREFIX = "fake-peer-";

  private static final AtomicInteger PEERS = new AtomicInteger();

  private final ServerSocket server;
  private final Supplier<? extends Responder> protocol;
  private final String name = THREAD_PREFIX + PEERS.incrementAndGet();
  private final Thread acceptor;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final List<Thread> workers = new ArrayList<>();
  private final Map<String, CountDownLatch> watched = new ConcurrentHashMap<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong bytesReceived = new AtomicLong();
  private final OpenConnections connections = new OpenConnections();
  private volatile boolean stalled;
  private volatile long answerDelayNanos;
  private volatile int pieceBytes = Integer.MAX_VALUE;
  private volatile long pieceGapNanos;
  private volatile boolean closed;
  private final SSLContext tls; // null: plaintext
  private final boolean needClientAuth;
  private final AtomicInteger handshakes = new AtomicInteger();

  /**
   * Starts a peer answering {@code PING} and {@code ECHO} ({@link Responder#pingPong()}).
   *
   * @throws IOException if no port can be bound
   */
  public FakePeer() throws IOException {
    this(Responder::pingPong);
  }

  /**
   * Starts a peer on 127.0.0.1 and a free port.
   *
   * @param protocol makes the responder of each new connection
   * @throws IOException if no port can be bound
   */
  public FakePeer(Supplier<? extends Responder> protocol) throws IOException {
    this(protocol, null, false);
  }

  /**
   * Starts a TLS peer answering {@code PING} and {@code ECHO}: each accepted connection is a server
   * {@link SSLSocket} over the accepted socket (handshake on its first read); {@link #closeAll()}
   * then sends {@code close_notify}, and {@link #sendToAll(String)} sends encrypted bytes.
   *
   * @param context the server's context (e.g. {@link TestCertificates#serverContext})
   * @param needClientAuth whether clients must present a certificate (mutual TLS)
   * @return a started peer
   * @throws IOException if no port can be bound
   */
  public static FakePeer tls(SSLContext context, boolean needClientAuth) throws IOException {
    return tls(Responder::pingPong, context, needClientAuth);
  }

  /**
   * Starts a TLS peer speaking {@code protocol}; see {@link #tls(SSLContext, boolean)}.
   *
   * @param protocol makes the responder of each new connection
   * @param context the server's context
   * @param needClientAuth whether clients must present a certificate (mutual TLS)
   * @return a started peer
   * @throws IOException if no port can be bound
   */
  public static FakePeer tls(
      Supplier<? extends Responder> protocol, SSLContext context, boolean needClientAuth)
      throws IOException {
    return new FakePeer(protocol, Objects.requireNonNull(context, "context"), needClientAuth);
  }

  private FakePeer(Supplier<? extends Responder> protocol, SSLContext tls, boolean needClientAuth)
      throws IOException {
    this.protocol = Objects.requireNonNull(protocol, "protocol");
    this.tls = tls;
    this.needClientAuth = needClientAuth;
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
    this.acceptor = new Thread(this::acceptLoop, name + "-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * Starts an echo peer.
   *
   * @return a started peer that sends back every byte it receives
   * @throws IOException if no port can be bound
   */
  public static FakePeer echo() throws IOException {
    return new FakePeer(Responder::echo);
  }

  /**
   * Starts a silent peer.
   *
   * @return a started peer that accepts connections and never sends a byte
   * @throws IOException if no port can be bound
   */
  public static FakePeer silent() throws IOException {
    return new FakePeer(Responder::silent);
  }

  /**
   * Returns a loopback port that nothing listens on (bound, then closed): connects to it are
   * refused.
   */
  public static int closedPort() {
    return closedPorts(1)[0];
  }

  /**
   * Returns {@code n} distinct loopback ports that nothing listens on: all bound at once, then
   * closed. Two calls of {@link #closedPort()} may return the same port (the system hands a freed
   * port out again), which makes two "different" endpoints one.
   *
   * @param n how many, >= 1
   * @return the ports, distinct
   */
  public static int[] closedPorts(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, but was " + n);
    }
    ServerSocket[] held = new ServerSocket[n];
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        held[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ports[i] = held[i].getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("no " + n + " free loopback ports", e);
    } finally {
      for (ServerSocket s : held) {
        closeQuietly(s);
      }
    }
  }

  /** Returns the host the peer listens on, {@code 127.0.0.1}. */
  public String host() {
    return server.getInetAddress().getHostAddress();
  }

  /** Returns the port the peer listens on. */
  public int port() {
    return server.getLocalPort();
  }

  /** Returns the address the peer listens on. */
  public InetSocketAddress address() {
    return new InetSocketAddress(server.getInetAddress(), port());
  }

  /** Returns {@code 127.0.0.1:<port>}, e.g. as a proxy's upstream. */
  public String hostAndPort() {
    return host() + ":" + port();
  }

  /** Returns the TLS handshakes completed since start (0 for a plaintext peer). */
  public int handshakes() {
    return handshakes.get();
  }

  /** Returns connections accepted since start. */
  public int accepted() {
    return accepted.get();
  }

  /** Returns connections open now (accepted and not yet closed by either side). */
  public int open() {
    return connections.now();
  }

  /** Returns the most connections open at once since start or {@link #resetPeak()}. */
  public int peakOpen() {
    return connections.peak();
  }

  /** Starts counting the peak afresh from the connections open now. */
  public void resetPeak() {
    connections.resetPeak();
  }

  /**
   * Returns requests received: replies the responder produced (sent, or held back while stalled).
   */
  public long requests() {
    return requests.get();
  }

  /** Returns bytes received from clients in total. */
  public long bytesReceived() {
    return bytesReceived.get();
  }

  /**
   * Waits until at most {@code max} connections are open.
   *
   * @param max the most connections allowed to stay open
   * @param timeout the longest to wait
   * @return true if that happened within the timeout
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitOpenAtMost(int max, Duration timeout) throws InterruptedException {
    return connections.awaitAtMost(max, timeout);
  }

  /**
   * Registers interest in a reply: the latch opens once the peer has written it (the reply then is
   * on its way to the client).
   *
   * @param reply the reply's text, e.g. {@code "+token\r\n"}
   * @return the latch
   */
  public CountDownLatch watch(String reply) {
    return watched.computeIfAbsent(reply, r -> new CountDownLatch(1));
  }

  /**
   * Stalls the peer, or lets it answer again.
   *
   * @param value true: keep reading requests but answer none (a hung peer); false: answer again
   */
  public void stall(boolean value) {
    stalled = value;
  }

  /**
   * Delays every answer.
   *
   * @param delay how long to wait before each answer (zero: answer at once)
   */
  public void answerAfter(Duration delay) {
    answerDelayNanos = delay.toNanos();
  }

  /**
   * Cuts every answer into pieces, each written and flushed on its own, with a pause after each of
   * the first ten pieces of an answer (so that a long answer still arrives quickly).
   *
   * @param bytes the largest piece, at least 1
   * @param gap the pause after each of an answer's first ten pieces
   */
  public void answerInPieces(int bytes, Duration gap) {
    if (bytes < 1) {
      throw new IllegalArgumentException("a piece must be at least 1 byte, but was " + bytes);
    }
    pieceGapNanos = gap.toNanos();
    pieceBytes = bytes;
  }

  /** Closes every open connection with a FIN, as a server's idle timeout or restart does. */
  public void closeAll() {
    for (Socket s : sockets) {
      closeQuietly(s);
    }
  }

  /** Closes every open connection with a RST (SO_LINGER 0), as a crashed or killed server does. */
  public void resetAll() {
    for (Socket s : sockets) {
      try {
        s.setSoLinger(true, 0);
      } catch (IOException ignored) {
        // already closed: nothing to reset
      }
      closeQuietly(s);
    }
  }

  /**
   * Sends bytes nobody asked for on every open connection.
   *
   * @param text the bytes, as US-ASCII
   * @throws IOException if a write fails
   */
  public void sendToAll(String text) throws IOException {
    for (Socket s : sockets) {
      OutputStream out = s.getOutputStream();
      out.write(text.getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
  }

  /** Stops listening: new connects are refused from now on; open connections stay as they are. */
  public void refuse() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closed either way
    }
    // The JDK defers closing a listener while a thread is blocked in accept() on it, and until
    // then the kernel still completes connects: wait for the accept loop to end.
    if (Thread.currentThread() != acceptor) {
      try {
        acceptor.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket raw;
      try {
        raw = server.accept();
      } catch (IOException e) {
        return;
      }
      Socket s;
      try {
        s = tls == null ? raw : serverSide(raw);
      } catch (IOException e) {
        closeQuietly(raw);
        continue;
      }
      int n = accepted.incrementAndGet();
      sockets.add(s);
      connections.opened();
      Thread t = new Thread(() -> serve(s), name + "-conn-" + n);
      t.setDaemon(true);
      synchronized (workers) {
        workers.removeIf(w -> !w.isAlive());
        workers.add(t);
      }
      t.start();
      if (closed) {
        closeQuietly(s);
      }
    }
  }

  private Socket serverSide(Socket plain) throws IOException {
    SSLSocket s =
        (SSLSocket)
            tls.getSocketFactory()
                .createSocket(
                    plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true);
    s.setUseClientMode(false);
    s.setNeedClientAuth(needClientAuth);
    s.addHandshakeCompletedListener(e -> handshakes.incrementAndGet());
    return s;
  }

  private void serve(Socket s) {
    try (s;
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream()) {
      s.setTcpNoDelay(true);
      Responder responder = protocol.get();
      byte[] buf = new byte[16 * 1024];
      int n;
      while ((n = in.read(buf)) >= 0) {
        bytesReceived.addAndGet(n);
        List<byte[]> replies = responder.received(buf, n);
        if (replies.isEmpty()) {
          continue;
        }
        requests.addAndGet(replies.size());
        if (!stalled) {
          for (byte[] reply : replies) {
            answer(reply, out);
          }
        }
      }
    } catch (IOException ignored) {
      // reset or closed: the connection is over either way
    } finally {
      sockets.remove(s);
      connections.closed();
    }
  }

  private void answer(byte[] reply, OutputStream out) throws IOException {
    pause(answerDelayNanos);
    int piece = pieceBytes;
    for (int off = 0, n = 0; off < reply.length; off += piece, n++) {
      out.write(reply, off, Math.min(piece, reply.length - off));
      out.flush();
      if (off + piece < reply.length && n < 10) {
        pause(pieceGapNanos);
      }
    }
    if (!watched.isEmpty()) {
      CountDownLatch latch = watched.get(new String(reply, StandardCharsets.US_ASCII));
      if (latch != null) {
        latch.countDown();
      }
    }
  }

  private static void pause(long nanos) {
    long deadline = System.nanoTime() + nanos;
    for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }

  /** Closes a socket or listener (null: nothing to close), ignoring a failure: closing anyway. */
  private static void closeQuietly(Closeable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  /** Closes the listener and every connection and waits (up to 5 s) for the threads to end. */
  @Override
  public void close() {
    closed = true;
    refuse();
    closeAll();
    List<Thread> all;
    synchronized (workers) {
      all = new ArrayList<>(workers);
    }
    all.add(acceptor);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
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
    return "FakePeer[" + hostAndPort() + ", accepted=" + accepted() + ", open=" + open() + "]";
  }
}
