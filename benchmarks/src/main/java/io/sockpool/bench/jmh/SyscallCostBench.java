package io.sockpool.bench.jmh;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The unit costs behind sockpool's per-operation overhead, on this machine: a non-blocking read on
 * an idle connection that finds nothing (what the pool's liveness probe does on borrow and on
 * return, and what a read right after a request usually does), and a zero-timeout select on the
 * connection's own selector. Compare with {@link CheckoutReturnBench}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SyscallCostBench {
  private ServerSocketChannel server;
  private SocketChannel client;
  private SocketChannel accepted;
  private Selector selector;
  private final ByteBuffer one = ByteBuffer.allocateDirect(1);

  /** Connects a non-blocking client to a silent loopback peer and registers it for reads. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    client = SocketChannel.open(server.getLocalAddress());
    accepted = server.accept();
    client.configureBlocking(false);
    selector = Selector.open();
    client.register(selector, SelectionKey.OP_READ);
  }

  /** Closes everything. */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    selector.close();
    client.close();
    accepted.close();
    server.close();
  }

  /** One {@code read(2)} that returns EAGAIN: the liveness probe. */
  @Benchmark
  public int nonBlockingReadNothing() throws IOException {
    one.clear();
    int n = client.read(one);
    if (n != 0) {
      throw new IllegalStateException("the silent peer sent or closed: read returned " + n);
    }
    return n;
  }

  /** One {@code epoll_wait} with zero timeout that finds nothing ready. */
  @Benchmark
  public int selectNowNothing() throws IOException {
    return selector.selectNow();
  }
}
