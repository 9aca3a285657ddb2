package io.sockpool.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The ceiling: every load thread owns one pre-connected blocking {@link SocketChannel} and never
 * shares or returns it. No pool, no locking, one write and one read syscall per PING.
 */
final class DedicatedChannelClient implements PingClient {
  private final InetSocketAddress redis;
  private final Duration connectTimeout;
  private final long busyNanos;
  private final List<SocketChannel> opened = new ArrayList<>();

  DedicatedChannelClient(InetSocketAddress redis, Duration connectTimeout) {
    this(redis, connectTimeout, Duration.ZERO);
  }

  /**
   * @param busy CPU work before each PING: a spin on {@link System#nanoTime()} (the {@code
   *     dedicated-busy} client); zero for none
   */
  DedicatedChannelClient(InetSocketAddress redis, Duration connectTimeout, Duration busy) {
    this.redis = redis;
    this.connectTimeout = connectTimeout;
    this.busyNanos = busy.toNanos();
  }

  /** Spins for {@code nanos} of the clock (no system call, no park: CPU on this thread). */
  static void spin(long nanos) {
    if (nanos <= 0) {
      return;
    }
    long end = System.nanoTime() + nanos;
    while (System.nanoTime() - end < 0) {
      Thread.onSpinWait();
    }
  }

  /** Opens a blocking channel with TCP_NODELAY (as Jedis and Lettuce do) within the timeout. */
  static SocketChannel connect(InetSocketAddress address, Duration timeout) throws IOException {
    SocketChannel channel = SocketChannel.open();
    try {
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      channel.socket().connect(address, Math.toIntExact(timeout.toMillis()));
      return channel;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public Worker newWorker() throws IOException {
    SocketChannel channel = connect(redis, connectTimeout);
    synchronized (opened) {
      opened.add(channel);
    }
    ByteBuffer request = RespPing.requestBuffer();
    ByteBuffer reply = RespPing.replyBuffer();
    return new Worker() {
      @Override
      public void ping() throws IOException {
        spin(busyNanos);
        RespPing.exchange(channel, request, reply);
      }

      @Override
      public void close() {
        closeQuietly(channel);
      }
    };
  }

  @Override
  public void close() {
    synchronized (opened) {
      opened.forEach(DedicatedChannelClient::closeQuietly);
      opened.clear();
    }
  }

  static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // closing a socket we no longer use: nothing to recover
    }
  }
}
