package io.sockpool.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP echo server for tests: every byte a client sends is sent back on the same connection, and a
 * client's EOF closes the connection. One daemon thread accepts, one thread per connection echoes
 * (fine for hundreds of connections). Binds 127.0.0.1 on an ephemeral port.
 *
 * <p>Thread-safe. {@link #close()} closes the listener and every open connection and waits for the
 * threads to end.
 */
public final class EchoServer implements AutoCloseable {
    private static final AtomicInteger SERVERS = new AtomicInteger();
    /** Prefix of the threads an echo server starts (for leak checks). */
    public static final String THREAD_PREFIX = "echo-server-";

    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<Thread> workers = new ArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicLong echoedBytes = new AtomicLong();
    private final int id = SERVERS.incrementAndGet();
    private volatile boolean closed;

    private EchoServer(ServerSocket server) {
        this.server = server;
        this.acceptor = new Thread(this::acceptLoop, THREAD_PREFIX + id + "-accept");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    /**
     * Starts an echo server on 127.0.0.1 and a free port.
     *
     * @throws IOException when no port can be bound
     */
    public static EchoServer start() throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        return new EchoServer(s);
    }

    /** @return the bound address (127.0.0.1 and the real port) */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** @return the port the server listens on */
    public int port() {
        return server.getLocalPort();
    }

    /** @return {@code 127.0.0.1:<port>}, e.g. as a Toxiproxy upstream */
    public String hostAndPort() {
        return address().getAddress().getHostAddress() + ":" + port();
    }

    /** @return how many connections have been accepted since start */
    public int acceptedConnections() {
        return accepted.get();
    }

    /** @return how many connections are open right now */
    public int openConnections() {
        return open.size();
    }

    /** @return how many bytes have been echoed in total */
    public long echoedBytes() {
        return echoedBytes.get();
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
            open.add(s);
            if (closed) {
                closeQuietly(s);
                return;
            }
            Thread t = new Thread(() -> echo(s), THREAD_PREFIX + id + "-conn-" + accepted.get());
            t.setDaemon(true);
            synchronized (workers) {
                workers.removeIf(w -> !w.isAlive());
                workers.add(t);
            }
            t.start();
        }
    }

    private void echo(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            s.setTcpNoDelay(true);
            byte[] buf = new byte[16 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                echoedBytes.addAndGet(n);
            }
        } catch (SocketException e) {
            // reset or closed by close(): the connection is over either way
        } catch (IOException e) {
            // the peer went away
        } finally {
            open.remove(s);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Closes the listener and all open connections; waits up to 5 s for the threads to end. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        open.forEach(EchoServer::closeQuietly);
        List<Thread> all;
        synchronized (workers) {
            all = new ArrayList<>(workers);
        }
        all.add(acceptor);
        long deadline = System.nanoTime() + 5_000_000_000L;
        for (Thread t : all) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            try {
                t.join(Math.max(1, left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "EchoServer[" + hostAndPort() + "]";
    }
}
