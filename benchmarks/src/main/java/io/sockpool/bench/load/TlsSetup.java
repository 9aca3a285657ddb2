package io.sockpool.bench.load;

import io.sockpool.TlsConfig;
import io.sockpool.redis.RedisTls;

/**
 * What the clients of a {@code --tls} run share: the harness's throwaway CA, fully verified, as
 * socket settings (Jedis, connect-per-request) and as the pool's {@link TlsConfig} (sockpool,
 * RedisClient).
 *
 * @param sockets for clients on blocking sockets
 * @param pool for sockpool's pools
 */
record TlsSetup(RedisTls sockets, TlsConfig pool) {}
