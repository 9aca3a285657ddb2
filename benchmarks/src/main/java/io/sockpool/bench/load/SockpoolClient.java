package io.sockpool.bench.load;

import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.Validator;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;

/**
 * sockpool: each PING checks a connection out of a {@link SocketPool}, writes the request and reads
 * the 7-byte reply through the pool's timed {@code Connection} I/O, and returns it. maxTotal and
 * maxPerEndpoint are the harness' pool size; the checkout, connect and I/O timeouts are the
 * harness' timeout. With {@code validate}, the pool runs a RESP PING validator on borrow for
 * connections idle longer than the default validation window (500 ms); without, it uses {@link
 * Validator#NONE} (only the pool's cheap liveness probe).
 */
final class SockpoolClient implements PingClient {
  private final SocketPool pool;
  private final Endpoint endpoint;
  private final Duration timeout;

  SockpoolClient(InetSocketAddress redis, int poolSize, Duration timeout, boolean validate) {
    this.endpoint = Endpoint.of(redis.getHostString(), redis.getPort());
    this.timeout = timeout;
    this.pool =
        SocketPool.create(
            PoolConfig.builder()
                .poolName(validate ? "bench-sockpool-validate" : "bench-sockpool")
                .maxTotal(poolSize)
                .maxPerEndpoint(poolSize)
                .checkoutTimeout(timeout)
                .connectTimeout(timeout)
                .validator(
                    validate ? Validator.expect(RespPing.REQUEST, RespPing.REPLY) : Validator.NONE)
                .build());
  }

  @Override
  public Worker newWorker() {
    ByteBuffer request = RespPing.requestBuffer();
    ByteBuffer reply = RespPing.replyBuffer();
    return () -> {
      try (PooledConnection c = pool.checkout(endpoint)) {
        request.rewind();
        c.write(request, timeout);
        reply.clear().limit(RespPing.REPLY.length);
        c.readFully(reply, timeout);
        try {
          RespPing.check(reply);
          c.exchangeComplete();
        } catch (ProtocolException e) {
          c.invalidate(); // out of step with the peer: never hand this connection out again
          throw e;
        }
      }
    };
  }

  @Override
  public Optional<String> diagnostics() {
    return Optional.of(pool.stats(endpoint).toString());
  }

  @Override
  public void close() {
    pool.close();
  }
}
