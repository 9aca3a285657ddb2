package io.sockpool.redis.demo;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

/**
 * The pool size the measured load calls for, by Little's law with headroom:
 * {@code ceil(rate x mean connection hold time x (1 + buffer))}.
 *
 * <p>LEAD: this is a stand-in for {@code io.sockpool.sizing.PoolSizing.recommend(rate, hold,
 * BUFFER)} (branch {@code sizing}), which computes the same rule of thumb. Once that is on
 * main, replace the body of {@link #recommend} with
 * {@code PoolSizing.recommend(ratePerSecond, hold, BUFFER)} and read {@code connections()}
 * and {@code baseConcurrency()} from its result; nothing else in the demo changes.
 */
final class DemoSizing {
  /** Headroom over the measured concurrency: 20 %. */
  static final double BUFFER = 0.20;

  final double baseConcurrency;
  final int connections;

  private DemoSizing(double baseConcurrency, int connections) {
    this.baseConcurrency = baseConcurrency;
    this.connections = connections;
  }

  /**
   * @param ratePerSecond measured requests per second, >= 0
   * @param hold mean time a request holds a connection, >= 0
   * @return the base concurrency (rate x hold) and the recommended size (at least 1)
   */
  static DemoSizing recommend(double ratePerSecond, Duration hold) {
    BigDecimal base = new BigDecimal(Double.toString(ratePerSecond))
        .multiply(BigDecimal.valueOf(hold.toNanos()))
        .divide(BigDecimal.valueOf(1_000_000_000L), 9, RoundingMode.HALF_UP);
    BigDecimal withBuffer = base.multiply(BigDecimal.ONE.add(new BigDecimal(Double.toString(BUFFER))));
    int connections = Math.max(1, withBuffer.setScale(0, RoundingMode.CEILING).intValueExact());
    return new DemoSizing(base.doubleValue(), connections);
  }
}
