package io.sockpool.bench.load;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * The no-pool baseline: a new TCP connection for every PING, closed (by the client, so the client
 * side keeps the TIME_WAIT) right after the reply.
 */
final class ConnectPerRequestClient implements PingClient {
  private final InetSocketAddress redis;
  private final Duration connectTimeout;

  ConnectPerRequestClient(InetSocketAddress redis, Duration connectTimeout) {
    this.redis = redis;
    this.connectTimeout = connectTimeout;
  }

  @Override
  public Worker newWorker() {
    ByteBuffer request = RespPing.requestBuffer();
    ByteBuffer reply = RespPing.replyBuffer();
    return () -> {
      try (SocketChannel channel = DedicatedChannelClient.connect(redis, connectTimeout)) {
        RespPing.exchange(channel, request, reply);
      }
    };
  }

  @Override
  public void close() {
    // every connection is closed by the PING that opened it
  }
}
