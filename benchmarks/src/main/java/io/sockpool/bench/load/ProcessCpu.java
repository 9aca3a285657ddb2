package io.sockpool.bench.load;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Optional;

/** The CPU time this JVM has used so far, all threads, user plus system. */
final class ProcessCpu {
  private ProcessCpu() {}

  /** Returns cPU nanoseconds, or empty where the JVM does not report them. */
  static Optional<Long> nanos() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      long n = sun.getProcessCpuTime();
      return n < 0 ? Optional.empty() : Optional.of(n);
    }
    return Optional.empty();
  }
}
