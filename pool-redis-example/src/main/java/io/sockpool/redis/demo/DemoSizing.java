package io.sockpool.redis.demo;

import io.sockpool.sizing.PoolSizing;
import io.sockpool.sizing.SizingRecommendation;
import io.sockpool.sizing.SizingRequest;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The pool size the measured load calls for, from the sizing calculator ({@link PoolSizing}, rule
 * of thumb): {@code ceil(rate x mean connection hold time x (1 + 20 %))}, checked against the
 * server's {@code maxclients} when known.
 */
final class DemoSizing {
  /** Headroom over the measured concurrency: 20 %. */
  static final double BUFFER = 0.20;

  final double baseConcurrency;
  final int connections;

  /** Set when the recommendation exceeds the server's client limit. */
  final Optional<String> warning;

  private DemoSizing(SizingRecommendation r) {
    this.baseConcurrency = r.baseConcurrency();
    this.connections = r.connections();
    this.warning = r.warning();
  }

  /**
   * @param ratePerSecond measured successful requests per second
   * @param hold mean time a request holds a connection
   * @param maxClients the server's client limit, if known
   * @return the recommendation, or empty when there is nothing to size for (no successful request,
   *     or a hold time too short to measure)
   */
  static Optional<DemoSizing> recommend(
      double ratePerSecond, Duration hold, OptionalInt maxClients) {
    if (!(ratePerSecond > 0) || hold.isZero() || hold.isNegative()) {
      return Optional.empty();
    }
    SizingRequest.Builder request =
        SizingRequest.builder().ratePerSecond(ratePerSecond).latency(hold).bufferFraction(BUFFER);
    if (maxClients.isPresent() && maxClients.getAsInt() >= 1) {
      request.cap(maxClients.getAsInt(), 1);
    }
    return Optional.of(new DemoSizing(PoolSizing.recommend(request.build())));
  }
}
