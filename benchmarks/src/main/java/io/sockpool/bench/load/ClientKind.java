package io.sockpool.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The clients the harness can drive, by the name used in {@code --clients}. */
public enum ClientKind {
  /** One pre-connected blocking channel per thread: the ceiling. */
  DEDICATED("dedicated") {
    @Override
    PingClient create(InetSocketAddress redis, int poolSize, Duration timeout) {
      return new DedicatedChannelClient(redis, timeout);
    }
  },
  /**
   * The dedicated channel with CPU work before each PING ({@link LoadOptions#dedicatedBusy}, a spin
   * on the clock): what the pooled client's own work between PINGs would cost a client that has no
   * pool, with everything else (sockets, system calls, threads) the dedicated channel's.
   */
  DEDICATED_BUSY("dedicated-busy") {
    @Override
    PingClient create(InetSocketAddress redis, int poolSize, Duration timeout) {
      return new DedicatedChannelClient(redis, timeout, LoadOptions.DEFAULT_DEDICATED_BUSY);
    }

    @Override
    PingClient create(InetSocketAddress redis, int poolSize, LoadOptions options) {
      return new DedicatedChannelClient(redis, options.timeout(), options.dedicatedBusy());
    }
  },
  /** sockpool, no round-trip validation ({@link io.sockpool.Validator#NONE}). */
  SOCKPOOL("sockpool") {
    @Override
    PingClient create(InetSocketAddress redis, int poolSize, Duration timeout) {
      return create(redis, poolSize, timeout, Optional.empty());
    }

    @Override
    PingClient create(
        InetSocketAddress redis,
        int poolSize,
        Duration timeout,
        Optional<Duration> fairnessWindow) {
      return new SockpoolClient(redis, poolSize, timeout, SockpoolClient.Mode.RAW, fairnessWindow);
    }

    @Override
    PingClient createTls(InetSocketAddress redis, int poolSize, Duration timeout, TlsSetup tls) {
      return new SockpoolClient(
          redis, poolSize, timeout, SockpoolClient.Mode.RAW, Optional.empty(), tls.pool());
    }
  },
  /** sockpool with a PING validator on borrow after the default 500 ms idle window. */
  SOCKPOOL_VALIDATE("sockpool-validate") {
    @Override
    PingClient create(InetSocketAddress redis, int poolSize, Duration timeout) {
      return create(redis, poolSize, timeout, Optional.empty());
    }

    @Override
    PingClient create(
        InetSocketAddress redis,
        int poolSize,
        Duration timeout,
        Optional<Duration> fairnessWindow) {
      return new SockpoolClient(
          redis, poolSize, timeout, SockpoolClient.Mode.RAW_VALIDATE, fairnessWindow);
    }

    @Override
    PingClient createTls(InetSocketAddress redis, int poolSize, Duration timeout, TlsSetup tls) {
      return new SockpoolClient(
          redis, poolSize, timeout, SockpoolClient.Mode.RAW_VALIDATE, Optional.empty(), tls.pool());
    }
  },
  /** The project's {@code RedisClient.ping()} on sockpool with a PING validator. */
  REDIS_CLIENT("redisclient") {
    @Override
    PingClient create(InetSocketAddress redis, int poolSize, Duration timeout) {
      return create(redis, poolSize, timeout, Optional.empty());
    }

    @Override
    PingClient create(
        InetSocketAddress redis,
        int poolSize,
        Duration timeout,
        Optional<Duration> fairnessWindow) {
      return new SockpoolClient(
          redis, poolSize, timeout, SockpoolClient.Mode.REDIS_CLIENT, fairnessWindow);
    }

    @Override
    PingClient createTls(InetSocketAddress redis, int poolSize, Duration timeout, TlsSetup tls) {
      return new SockpoolClient(
          redis, poolSize, timeout, SockpoolClient.Mode.REDIS_CLIENT, Optional.empty(), tls.pool());
    }
  },
  /** Jedis {@code JedisPool} with the same pool size, Jedis' own {@code ping()}. */
  JEDIS_POOL("jedispool") {
    @Override
    PingClient create(InetSocketAddress redis, int poolSize, Duration timeout) {
      return new JedisPoolClient(redis, poolSize, timeout);
    }

    @Override
    PingClient createTls(InetSocketAddress redis, int poolSize, Duration timeout, TlsSetup tls) {
      return new JedisPoolClient(redis, poolSize, timeout, tls.sockets());
    }
  },
  /** Lettuce, one shared connection, sync API. */
  LETTUCE("lettuce") {
    @Override
    PingClient create(InetSocketAddress redis, int poolSize, Duration timeout) {
      return new LettuceClient(redis, timeout);
    }
  },
  /** A new socket for every PING. */
  CONNECT_PER_REQUEST("connect") {
    @Override
    PingClient create(InetSocketAddress redis, int poolSize, Duration timeout) {
      return new ConnectPerRequestClient(redis, timeout);
    }

    @Override
    PingClient createTls(InetSocketAddress redis, int poolSize, Duration timeout, TlsSetup tls) {
      return new TlsConnectPerRequestClient(redis, timeout, tls.sockets());
    }
  };

  private final String cliName;

  ClientKind(String cliName) {
    this.cliName = cliName;
  }

  /** Returns the name used on the command line, in the table, the CSV and the chart. */
  public String cliName() {
    return cliName;
  }

  /**
   * Creates the client for one measured point.
   *
   * @param redis the Redis server
   * @param poolSize connections a pool may hold (pools only)
   * @param timeout connect, checkout and command timeout
   * @return the client; the caller closes it
   * @throws IOException if the client must connect up front and could not
   */
  abstract PingClient create(InetSocketAddress redis, int poolSize, Duration timeout)
      throws IOException;

  /**
   * Creates the client for one measured point, with a sockpool fairness window.
   *
   * @param fairnessWindow {@code PoolConfig.fairnessWindow} for the sockpool clients (the others
   *     ignore it); empty for the pool's default
   */
  PingClient create(
      InetSocketAddress redis, int poolSize, Duration timeout, Optional<Duration> fairnessWindow)
      throws IOException {
    return create(redis, poolSize, timeout);
  }

  /**
   * Creates the client for one measured point with the harness's options (the fairness window, the
   * dedicated-busy spin).
   */
  PingClient create(InetSocketAddress redis, int poolSize, LoadOptions options) throws IOException {
    return create(redis, poolSize, options.timeout(), options.fairnessWindow());
  }

  /**
   * Creates the client for one measured point over TLS ({@code --tls}).
   *
   * @param tls the harness's TLS settings (its throwaway CA, full verification)
   * @throws IllegalArgumentException if this client has no TLS variant in the harness
   */
  PingClient createTls(InetSocketAddress redis, int poolSize, Duration timeout, TlsSetup tls)
      throws IOException {
    throw new IllegalArgumentException(
        cliName + " does not run with --tls; the clients that do: " + tlsNames());
  }

  /**
   * Returns whether the client is a channel per thread with no pool (it does not run at a contended
   * point, where it would repeat the uncontended one, and has no TLS variant).
   */
  boolean dedicatedChannel() {
    return this == DEDICATED || this == DEDICATED_BUSY;
  }

  /** Returns whether the client runs with {@code --tls}. */
  boolean supportsTls() {
    return !dedicatedChannel() && this != LETTUCE;
  }

  /** Returns the names of the clients that run with {@code --tls}, comma-separated. */
  static String tlsNames() {
    return Arrays.stream(values())
        .filter(ClientKind::supportsTls)
        .map(ClientKind::cliName)
        .collect(Collectors.joining(","));
  }

  /**
   * Looks a client up by its command-line name.
   *
   * @param name e.g. {@code jedispool}; case-insensitive
   * @return the kind
   * @throws IllegalArgumentException naming the allowed names if {@code name} is unknown
   */
  public static ClientKind byName(String name) {
    String wanted = name.strip().toLowerCase(Locale.ROOT);
    for (ClientKind kind : values()) {
      if (kind.cliName.equals(wanted)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown client '" + name + "'; allowed: " + allNames());
  }

  /** Returns every command-line name, comma-separated. */
  public static String allNames() {
    return Arrays.stream(values()).map(ClientKind::cliName).collect(Collectors.joining(","));
  }
}
