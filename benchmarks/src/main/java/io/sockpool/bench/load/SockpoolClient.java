package io.sockpool.bench.load;

import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.TlsConfig;
import io.sockpool.TlsStats;
import io.sockpool.Validator;
import io.sockpool.redis.RedisClient;
import io.sockpool.redis.RedisPingValidator;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;

/**
 * sockpool: each PING checks a connection out of a {@link SocketPool}, writes the request and reads
 * the 7-byte reply through the pool's timed {@code Connection} I/O, and returns it. maxTotal and
 * maxPerEndpoint are the harness' pool size; the checkout, connect and I/O timeouts are the
 * harness' timeout. With {@link Mode#RAW_VALIDATE}, the pool runs a RESP PING validator on borrow
 * for connections idle longer than the default validation window (500 ms); with {@link Mode#RAW},
 * it uses {@link Validator#NONE} (only the pool's cheap liveness probe). {@link Mode#REDIS_CLIENT}
 * is the project's RESP client on the pool.
 */
final class SockpoolClient implements PingClient {
  /** How the client uses the pool. */
  enum Mode {
    /** Hand-written RESP bytes through the pool's I/O helpers, no validator. */
    RAW,
    /** The same, with a RESP PING validator after the idle window. */
    RAW_VALIDATE,
    /**
     * The project's {@link RedisClient#ping()} (executeIdempotent, the RESP codec) on a pool with a
     * {@link RedisPingValidator}, as its documentation configures it.
     */
    REDIS_CLIENT
  }

  private final SocketPool pool;
  private final Endpoint endpoint;
  private final Duration timeout;
  private final RedisClient client;
  private final boolean tls;

  SockpoolClient(
      InetSocketAddress redis,
      int poolSize,
      Duration timeout,
      Mode mode,
      Optional<Duration> fairnessWindow) {
    this(redis, poolSize, timeout, mode, fairnessWindow, null);
  }

  // the handshakes of the measured window, written by the runner's thread between the windows
  private volatile long handshakesAtWindowOpen;
  private volatile long handshakesInWindow = -1;
  private final int poolSize;
  private boolean preconnected; // newWorker runs on the harness thread only

  /**
   * Over TLS when {@code tls} is given: the pool's own TLS transport, the handshake done when a
   * connection opens (never on a checkout served from the pool), counted in {@link
   * SocketPool#tlsStats()} and printed with the diagnostics: all of the point's, and {@code
   * inWindow}, those of the measured window alone.
   */
  SockpoolClient(
      InetSocketAddress redis,
      int poolSize,
      Duration timeout,
      Mode mode,
      Optional<Duration> fairnessWindow,
      TlsConfig tls) {
    this.endpoint = Endpoint.of(redis.getHostString(), redis.getPort());
    this.timeout = timeout;
    this.poolSize = poolSize;
    PoolConfig.Builder config = PoolConfig.builder();
    fairnessWindow.ifPresent(config::fairnessWindow);
    if (tls != null) {
      config.tls(tls);
    }
    this.tls = tls != null;
    this.pool =
        SocketPool.create(
            config
                .poolName("bench-" + mode.name().toLowerCase(java.util.Locale.ROOT))
                .maxTotal(poolSize)
                .maxPerEndpoint(poolSize)
                .checkoutTimeout(timeout)
                .connectTimeout(timeout)
                .validator(
                    switch (mode) {
                      case RAW -> Validator.NONE;
                      case RAW_VALIDATE -> Validator.expect(RespPing.REQUEST, RespPing.REPLY);
                      case REDIS_CLIENT -> new RedisPingValidator();
                    })
                .build());
    this.client = mode == Mode.REDIS_CLIENT ? new RedisClient(pool, endpoint, timeout) : null;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Over TLS the first call pre-connects the pool ({@link SocketPool#warmUp}: every handshake
   * before the clock starts, as an application warms its pool up), so the measured window holds
   * none however long a handshake takes on a busy machine.
   */
  @Override
  public Worker newWorker() {
    if (tls && !preconnected) {
      preconnected = true;
      pool.warmUp(endpoint, poolSize);
    }
    if (client != null) {
      return client::ping;
    }
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
    if (!tls) {
      return Optional.of(pool.stats(endpoint).toString());
    }
    TlsStats t = pool.tlsStats();
    return Optional.of(
        pool.stats(endpoint)
            + " {handshakes="
            + t.handshakes()
            + ", resumed="
            + t.resumedHandshakes()
            + ", failed="
            + t.failedHandshakes()
            + ", inWindow="
            + (handshakesInWindow < 0 ? "?" : Long.toString(handshakesInWindow))
            + "}");
  }

  /** Counts the handshakes from here on: those of the measured window (0 in steady state). */
  @Override
  public void windowOpened() {
    handshakesAtWindowOpen = pool.tlsStats().handshakes();
  }

  @Override
  public void windowClosed() {
    handshakesInWindow = pool.tlsStats().handshakes() - handshakesAtWindowOpen;
  }

  @Override
  public void close() {
    pool.close();
  }
}
