package io.sockpool.bench.jmh;

import io.sockpool.CheckoutException;
import io.sockpool.PooledConnection;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The price of a checkout plus return with no I/O, one endpoint (or {@code -p endpoints=1000}, each
 * checkout to one at random, the same {@link KeySequence} for both): sockpool against the bare
 * commons-pool2 pool it is built on, same sizes. Thread count comes from {@code -t} (or {@link
 * PoolBenchRunner}, which runs 1, 4 and 16); with more threads than connections the time includes
 * waiting for a connection, for both pools alike.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class CheckoutReturnBench {

  /** borrowObject + returnObject on the bare commons-pool2 pool. */
  @Benchmark
  public SocketChannel bareCommonsPool2(BarePoolState s, KeySequence keys) throws Exception {
    java.net.InetSocketAddress key = s.next(keys);
    SocketChannel c = s.pool.borrowObject(key);
    s.pool.returnObject(key, c);
    return c;
  }

  /** checkout + close on sockpool. */
  @Benchmark
  public PooledConnection sockpool(SockpoolState s, KeySequence keys) throws CheckoutException {
    PooledConnection c = s.pool.checkout(s.next(keys));
    c.close();
    return c;
  }
}
