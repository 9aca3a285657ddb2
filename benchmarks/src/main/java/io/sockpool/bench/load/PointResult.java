package io.sockpool.bench.load;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/**
 * What one client achieved at one thread count, over one or more rounds.
 *
 * @param client the client's command-line name
 * @param threads load threads
 * @param poolSize the pool size given to pools (informational for the other clients)
 * @param measuredPerRound the measured window of each round
 * @param rounds how many rounds were measured
 * @param ops PINGs counted over all rounds
 * @param errors failed PINGs over all rounds
 * @param firstError the first failure's class and message, if any
 * @param opsPerSecond the median over the rounds of successful PINGs per second
 * @param opsPerSecondMin the slowest round's PINGs per second
 * @param opsPerSecondMax the fastest round's PINGs per second
 * @param p50Micros median latency over all rounds, in microseconds
 * @param p99Micros 99th percentile in microseconds
 * @param p999Micros 99.9th percentile in microseconds
 * @param maxMicros the slowest PING in microseconds
 * @param cpuMicrosPerOp the median over the rounds of the JVM's CPU microseconds (all threads, user
 *     + system) per PING: the client's own cost, whatever the scheduler does with latency
 * @param timeWaitBefore TIME_WAIT sockets on the Redis port before the first round, if countable
 * @param timeWaitAfter TIME_WAIT sockets on the Redis port right after the first round, if
 *     countable
 */
public record PointResult(
    String client,
    int threads,
    int poolSize,
    Duration measuredPerRound,
    int rounds,
    long ops,
    long errors,
    Optional<String> firstError,
    double opsPerSecond,
    double opsPerSecondMin,
    double opsPerSecondMax,
    double p50Micros,
    double p99Micros,
    double p999Micros,
    double maxMicros,
    Optional<Double> cpuMicrosPerOp,
    Optional<Long> timeWaitBefore,
    Optional<Long> timeWaitAfter) {

  /**
   * Combines the rounds of one point.
   *
   * @param samples at least one round, in the order measured
   * @throws IllegalArgumentException if {@code samples} is empty
   */
  static PointResult of(String client, int threads, int poolSize, List<Sample> samples) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("a point needs at least 1 sample, but had 0");
    }
    Histogram all = new Histogram(3);
    long ops = 0;
    long errors = 0;
    Optional<String> firstError = Optional.empty();
    double[] rates = new double[samples.size()];
    for (int i = 0; i < samples.size(); i++) {
      Sample s = samples.get(i);
      all.add(s.latencies());
      ops += s.ops();
      errors += s.errors();
      if (firstError.isEmpty()) {
        firstError = s.firstError();
      }
      rates[i] = s.opsPerSecond();
    }
    double median = median(rates);
    int n = rates.length;
    Arrays.sort(rates);
    double[] cpu =
        samples.stream()
            .flatMap(s -> s.cpuMicrosPerOp().stream())
            .mapToDouble(Double::doubleValue)
            .toArray();
    Optional<Double> cpuPerOp = cpu.length == n ? Optional.of(median(cpu)) : Optional.empty();
    Sample first = samples.get(0);
    return new PointResult(
        client,
        threads,
        poolSize,
        first.measured(),
        n,
        ops,
        errors,
        firstError,
        median,
        rates[0],
        rates[n - 1],
        micros(all.getValueAtPercentile(50)),
        micros(all.getValueAtPercentile(99)),
        micros(all.getValueAtPercentile(99.9)),
        micros(all.getMaxValue()),
        cpuPerOp,
        first.timeWaitBefore(),
        first.timeWaitAfter());
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  private static double micros(long nanos) {
    return nanos / 1000.0;
  }
}
