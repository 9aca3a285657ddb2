package io.sockpool.bench.load;

import java.time.Duration;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/**
 * One round of one point, as measured by {@link LoadRunner}.
 *
 * @param measured the measured window
 * @param ops PINGs that started and finished inside the window
 * @param errors failed PINGs that started inside the window
 * @param firstError the first failure's class and message, if any
 * @param latencies every counted PING's latency in nanoseconds
 * @param cpu CPU time of the whole JVM (user + system, all threads) during the window, if the JVM
 *     reports it
 * @param timeWaitBefore TIME_WAIT sockets on the Redis port before the round, if countable
 * @param timeWaitAfter TIME_WAIT sockets on the Redis port right after the round, if countable
 * @param jvm JIT compilation and garbage collection in the load JVM during the window
 */
record Sample(
    Duration measured,
    long ops,
    long errors,
    Optional<String> firstError,
    Histogram latencies,
    Optional<Duration> cpu,
    Optional<Long> timeWaitBefore,
    Optional<Long> timeWaitAfter,
    JvmActivity jvm) {

  /** Returns successful PINGs per second over the window. */
  double opsPerSecond() {
    return ops / (measured.toNanos() / 1e9);
  }

  /** Returns jVM CPU microseconds per counted PING, if CPU time is known and there were PINGs. */
  Optional<Double> cpuMicrosPerOp() {
    return ops == 0 ? Optional.empty() : cpu.map(c -> c.toNanos() / 1000.0 / ops);
  }
}
