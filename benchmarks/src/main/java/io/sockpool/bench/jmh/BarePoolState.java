package io.sockpool.bench.jmh;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.apache.commons.pool2.BaseKeyedPooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericKeyedObjectPool;
import org.apache.commons.pool2.impl.GenericKeyedObjectPoolConfig;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A bare commons-pool2 {@link GenericKeyedObjectPool} of pre-connected {@link SocketChannel}s to
 * one or more loopback endpoints, set up as sockpool is in {@link SockpoolState}: the same maximum
 * sizes, the same 2 s borrow wait, LIFO, no test on borrow/return/idle, no evictor, no capacity
 * reuse on return (sockpool turns it off too), filled to poolSize connections per endpoint before
 * measuring (the count is printed and checked); the endpoints are drawn from the same {@link
 * KeySequence}.
 */
@State(Scope.Benchmark)
public class BarePoolState {
  /** Connections per endpoint (maxTotalPerKey; maxTotal is poolSize x endpoints). */
  @Param({"10"})
  public int poolSize;

  /**
   * Endpoints (keys 127.0.0.1, 127.0.0.2, ...); each borrow picks one from the {@link KeySequence}.
   * The large setup is 1,000 x 10 = 10,000 pooled connections.
   */
  @Param({"1", "1000"})
  public int endpoints;

  GenericKeyedObjectPool<InetSocketAddress, SocketChannel> pool;
  InetSocketAddress[] keys;
  private SilentListener server;

  /**
   * Returns the key for the next borrow: the next in the sequence.
   *
   * @param seq the thread's sequence of endpoint draws
   */
  InetSocketAddress next(KeySequence seq) {
    return keys[seq.next(endpoints)];
  }

  /** Starts the peer and fills the pool: poolSize connections to every endpoint. */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    server = new SilentListener();
    GenericKeyedObjectPoolConfig<SocketChannel> config = new GenericKeyedObjectPoolConfig<>();
    config.setMaxTotalPerKey(poolSize);
    config.setMaxTotal(poolSize * endpoints);
    config.setMaxIdlePerKey(poolSize);
    config.setMinIdlePerKey(0);
    config.setMaxWait(Duration.ofSeconds(2));
    config.setBlockWhenExhausted(true);
    config.setLifo(true);
    config.setTestOnBorrow(false);
    config.setTestOnReturn(false);
    config.setTestWhileIdle(false);
    config.setJmxEnabled(false);
    pool = new GenericKeyedObjectPool<>(new ChannelFactory(), config);
    // as sockpool does: otherwise, at maxTotal, every return scans every key for a waiter
    // (O(endpoints) per return), work sockpool does not do
    pool.setReuseCapacityOnReturn(false);
    keys = new InetSocketAddress[endpoints];
    for (int k = 0; k < endpoints; k++) {
      keys[k] = server.address(k);
      for (int i = 0; i < poolSize; i++) {
        pool.addObject(keys[k]);
      }
    }
    int pooled = pool.getNumIdle() + pool.getNumActive();
    System.out.println(
        "bare commons-pool2: "
            + endpoints
            + " endpoints x "
            + poolSize
            + ": idle "
            + pool.getNumIdle()
            + " + active "
            + pool.getNumActive()
            + " = "
            + pooled
            + " pooled connections");
    if (pooled != poolSize * endpoints) {
      throw new IllegalStateException(
          "expected " + poolSize * endpoints + " pooled connections, but the pool has " + pooled);
    }
  }

  /** Closes the pool (and its channels) and the peer. */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    pool.close();
    server.close();
  }

  /** Opens one blocking channel with TCP_NODELAY per pooled object. */
  static final class ChannelFactory
      extends BaseKeyedPooledObjectFactory<InetSocketAddress, SocketChannel> {
    @Override
    public SocketChannel create(InetSocketAddress address) throws IOException {
      SocketChannel channel = SocketChannel.open(address);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      return channel;
    }

    @Override
    public PooledObject<SocketChannel> wrap(SocketChannel channel) {
      return new DefaultPooledObject<>(channel);
    }

    @Override
    public void destroyObject(InetSocketAddress key, PooledObject<SocketChannel> p)
        throws IOException {
      p.getObject().close();
    }
  }
}
