package io.sockpool.bench.load;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * What the load JVM did besides the clients' work: JIT compilation time and garbage collections, as
 * counted by its management beans. A snapshot, or the difference of two (a measured window's). With
 * the load JVM pinned to one core, a compilation or a collection in a window stalls the load
 * threads: these numbers say whether a window's tail latencies had such a cause.
 *
 * @param compileMillis time the JIT compilers spent, in milliseconds (-1 if the JVM does not say)
 * @param gcCount collections (young and old)
 * @param gcMillis time of those collections, in milliseconds
 */
record JvmActivity(long compileMillis, long gcCount, long gcMillis) {

  /**
   * @return the counts of this JVM so far
   */
  static JvmActivity now() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    long compile =
        jit != null && jit.isCompilationTimeMonitoringSupported()
            ? jit.getTotalCompilationTime()
            : -1;
    long count = 0;
    long millis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, gc.getCollectionCount());
      millis += Math.max(0, gc.getCollectionTime());
    }
    return new JvmActivity(compile, count, millis);
  }

  /**
   * @param earlier a snapshot taken before this one
   * @return what happened between the two
   */
  JvmActivity since(JvmActivity earlier) {
    return new JvmActivity(
        compileMillis < 0 || earlier.compileMillis < 0 ? -1 : compileMillis - earlier.compileMillis,
        gcCount - earlier.gcCount,
        gcMillis - earlier.gcMillis);
  }

  /**
   * @return e.g. {@code jit=12ms, gc=1/3ms}
   */
  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "jit=%sms, gc=%d/%dms",
        compileMillis < 0 ? "?" : Long.toString(compileMillis),
        gcCount,
        gcMillis);
  }
}
