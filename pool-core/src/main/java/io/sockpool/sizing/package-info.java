/**
 * Pool sizing: how many connections a pool needs for a given load.
 *
 * <p>Two models, both pure functions with no I/O and no dependencies:
 *
 * <ul>
 *   <li>The rule of thumb ({@link PoolSizing#recommend(double, java.time.Duration, double)}):
 *       Little's law gives the mean number of connections in use, {@code L = rate x latency} (the
 *       base concurrency); a buffer fraction adds headroom; the pool size is {@code ceil(rate x
 *       latency x (1 + buffer))}.
 *   <li>The queueing model ({@link ErlangC}): checkouts arrive at random (Poisson) and hold a
 *       connection for an exponentially distributed time, so the pool is an M/M/c queue. Erlang C
 *       gives the probability that a checkout has to wait and the mean wait for a size, and the
 *       smallest size whose wait probability meets a target ({@link
 *       SizingRequest.Builder#targetWaitProbability(double)}).
 * </ul>
 *
 * <p>A server-side connection limit shared by several application instances ({@link ConnectionCap})
 * gives a per-instance maximum; a recommendation above it is reported with a warning, never
 * silently cut down.
 *
 * <p>Every type here is immutable and thread-safe. Every invalid argument is rejected with an
 * {@link IllegalArgumentException} that names the argument, its value and what is allowed.
 */
package io.sockpool.sizing;
