package io.sockpool;

/**
 * A pool's limits as they are now: the configured ones, or those of the last {@link
 * SocketPool#resize}.
 *
 * @param maxTotal connections open or connecting, all endpoints
 * @param maxPerEndpoint connections open or connecting, per endpoint
 * @param minIdlePerEndpoint idle connections kept per endpoint
 */
public record PoolLimits(int maxTotal, int maxPerEndpoint, int minIdlePerEndpoint) {

  /**
   * Checks the limits against each other.
   *
   * @throws IllegalArgumentException naming the field, the value and what is allowed
   */
  public PoolLimits {
    if (maxTotal < 1) {
      throw new IllegalArgumentException("maxTotal must be >= 1, but was " + maxTotal);
    }
    if (maxPerEndpoint < 1 || maxPerEndpoint > maxTotal) {
      throw new IllegalArgumentException(
          "maxPerEndpoint must be >= 1 and <= maxTotal ("
              + maxTotal
              + "), but was "
              + maxPerEndpoint);
    }
    if (minIdlePerEndpoint < 0 || minIdlePerEndpoint > maxPerEndpoint) {
      throw new IllegalArgumentException(
          "minIdlePerEndpoint must be >= 0 and <= maxPerEndpoint ("
              + maxPerEndpoint
              + "), but was "
              + minIdlePerEndpoint);
    }
  }
}
