package io.sockpool.bench.load;

import java.util.List;
import java.util.Optional;

/**
 * Throughput ratios of a point to the dedicated-channel ceiling and to JedisPool at the same thread
 * count.
 */
final class Ratios {
  private Ratios() {}

  /**
   * @return {@code r}'s ops/s divided by the dedicated client's at the same thread count, if that
   *     ran
   */
  static Optional<Double> toDedicated(PointResult r, List<PointResult> all) {
    return to(ClientKind.DEDICATED.cliName(), r, all);
  }

  /**
   * @return {@code r}'s ops/s divided by JedisPool's at the same thread count, if that ran
   */
  static Optional<Double> toJedisPool(PointResult r, List<PointResult> all) {
    return to(ClientKind.JEDIS_POOL.cliName(), r, all);
  }

  private static Optional<Double> to(String peer, PointResult r, List<PointResult> all) {
    return all.stream()
        .filter(p -> p.client().equals(peer) && p.threads() == r.threads() && p.ops() > 0)
        .findFirst()
        .map(p -> r.opsPerSecond() / p.opsPerSecond());
  }
}
