package io.sockpool.bench.load;

import java.util.Locale;

/**
 * One measured configuration: how many load threads, and how many connections a pool may hold.
 *
 * @param threads load threads, 1..4096
 * @param poolSize connections per pool (JedisPool, sockpool, RedisClient); >= 1
 */
public record LoadPoint(int threads, int poolSize) {

  /** Checks the values; see the record components. */
  public LoadPoint {
    if (threads < 1 || threads > 4096) {
      throw new IllegalArgumentException(
          "--threads values must be in 1..4096, but one was " + threads);
    }
    if (poolSize < 1) {
      throw new IllegalArgumentException("--pool-size must be >= 1, but was " + poolSize);
    }
  }

  /**
   * Parses {@code T} (pool size {@code defaultPool}) or {@code T/P}.
   *
   * @param text e.g. {@code 64/16}
   * @param defaultPool the pool size for a plain thread count
   * @return the point
   * @throws IllegalArgumentException if the text is not a point
   */
  static LoadPoint parse(String text, int defaultPool) {
    String[] parts = text.strip().split("/", -1);
    if (parts.length > 2) {
      throw new IllegalArgumentException(
          "--threads entries must be THREADS or THREADS/POOL, but one was '" + text + "'");
    }
    int threads = integer(parts[0]);
    int pool = parts.length == 2 ? integer(parts[1]) : defaultPool;
    return new LoadPoint(threads, pool);
  }

  private static int integer(String text) {
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--threads must be an integer, but was '" + text + "'");
    }
  }

  /** Returns whether callers outnumber connections (some always wait). */
  public boolean contended() {
    return poolSize < threads;
  }

  /** Returns {@code threads/poolSize}, e.g. {@code 64/16}. */
  public String label() {
    return String.format(Locale.ROOT, "%d/%d", threads, poolSize);
  }

  @Override
  public String toString() {
    return label();
  }
}
