package io.sockpool.bench.load;

import java.util.List;
import java.util.Optional;

/**
 * Throughput ratios of a point to the dedicated-channel ceiling (same thread count, uncontended
 * points only) and to JedisPool (same thread count and pool size).
 */
final class Ratios {
  private Ratios() {}

  /**
   * Returns {@code r}'s ops/s divided by the dedicated client's at the same thread count, if that
   * ran and the point is not contended (a pool smaller than the thread count is not comparable with
   * a channel per thread).
   */
  static Optional<Double> toDedicated(PointResult r, List<PointResult> all) {
    if (r.poolSize() < r.threads() && !r.client().equals(ClientKind.DEDICATED.cliName())) {
      return Optional.empty();
    }
    return all.stream()
        .filter(
            p ->
                p.client().equals(ClientKind.DEDICATED.cliName())
                    && p.threads() == r.threads()
                    && p.ops() > 0)
        .findFirst()
        .map(p -> r.opsPerSecond() / p.opsPerSecond());
  }

  /**
   * Returns {@code r}'s ops/s divided by JedisPool's at the same thread count and pool size, if
   * that ran.
   */
  static Optional<Double> toJedisPool(PointResult r, List<PointResult> all) {
    return to(ClientKind.JEDIS_POOL.cliName(), r, all);
  }

  private static Optional<Double> to(String peer, PointResult r, List<PointResult> all) {
    return all.stream()
        .filter(
            p ->
                p.client().equals(peer)
                    && p.threads() == r.threads()
                    && p.poolSize() == r.poolSize()
                    && p.ops() > 0)
        .findFirst()
        .map(p -> r.opsPerSecond() / p.opsPerSecond());
  }
}
