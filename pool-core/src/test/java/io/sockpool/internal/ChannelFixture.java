package io.sockpool.internal;

import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.SocketOptions;
import io.sockpool.internal.io.TransportFactory;
import io.sockpool.internal.io.Watchdog;
import io.sockpool.internal.resolve.Names;
import io.sockpool.testkit.FakePeer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One real connection to a {@link FakePeer}, opened by a {@link SocketConnector} outside any pool,
 * with a {@link Watchdog} the test drives itself (not started unless the test starts it). Closing
 * the fixture closes the connection and the peer.
 */
final class ChannelFixture implements AutoCloseable {
  static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  final Watchdog watchdog = new Watchdog("test-watchdog");
  FakePeer peer;
  private PooledChannel channel;

  /** A connector with default options and no name lookups beyond the JDK's. */
  static SocketConnector connector(Watchdog watchdog, long lifetimeNanos, long jitterNanos) {
    return new SocketConnector(
        new Names(PoolConfig.builder().build(), null, Names.LOOKUP_TIMEOUT),
        SocketOptions.defaults(),
        lifetimeNanos,
        jitterNanos,
        TransportFactory.plaintext(watchdog));
  }

  /** Connects to {@code to} (which this fixture then owns), outside any lease. */
  PooledChannel connect(FakePeer to) throws IOException {
    peer = to;
    channel =
        connector(watchdog, 60_000 * MS, 0)
            .connect(Endpoint.of(peer.host(), peer.port()), System.nanoTime() + 2_000 * MS);
    channel.lease(null);
    return channel;
  }

  static ByteBuffer ascii(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public void close() {
    if (channel != null) {
      channel.closeQuietly();
    }
    if (peer != null) {
      peer.close();
    }
  }
}
