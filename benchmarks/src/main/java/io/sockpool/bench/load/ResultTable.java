package io.sockpool.bench.load;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Formats the results as the text table the harness prints. */
final class ResultTable {
  private ResultTable() {}

  static String format(List<PointResult> results) {
    StringBuilder sb = new StringBuilder();
    String header =
        String.format(
            Locale.ROOT,
            "%-18s %7s %10s %8s %9s %9s %9s %9s %10s %10s %10s %7s  %s%n",
            "client",
            "thr/pool",
            "ops/s",
            "spread",
            "CPU µs/op",
            "p50 µs",
            "p99 µs",
            "p99.9 µs",
            "max µs",
            "/dedicated",
            "/jedispool",
            "errors",
            "TIME_WAIT before->after");
    sb.append(header);
    sb.append("-".repeat(header.length() - 1)).append('\n');
    for (PointResult r : results) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%-18s %7s %10.0f %8s %9s %9.1f %9.1f %9.1f %10.1f %10s %10s %7d  %s%n",
              r.client(),
              r.threads() + "/" + r.poolSize(),
              r.opsPerSecond(),
              spread(r),
              r.cpuMicrosPerOp().map(c -> String.format(Locale.ROOT, "%.2f", c)).orElse("-"),
              r.p50Micros(),
              r.p99Micros(),
              r.p999Micros(),
              r.maxMicros(),
              ratio(Ratios.toDedicated(r, results)),
              ratio(Ratios.toJedisPool(r, results)),
              r.errors(),
              timeWait(r)));
    }
    for (PointResult r : results) {
      r.firstError()
          .ifPresent(
              e ->
                  sb.append(
                      String.format(
                          Locale.ROOT,
                          "%s at %d threads: %d errors, first: %s%n",
                          r.client(),
                          r.threads(),
                          r.errors(),
                          e)));
    }
    return sb.toString();
  }

  /**
   * @return the range of the rounds relative to the median, (max - min) / median, e.g. "8%"; "-"
   *     for one round
   */
  private static String spread(PointResult r) {
    if (r.rounds() < 2 || r.opsPerSecond() == 0) {
      return "-";
    }
    return String.format(
        Locale.ROOT,
        "%.0f%%",
        100 * (r.opsPerSecondMax() - r.opsPerSecondMin()) / r.opsPerSecond());
  }

  private static String ratio(Optional<Double> ratio) {
    return ratio.map(v -> String.format(Locale.ROOT, "%.2f", v)).orElse("-");
  }

  private static String timeWait(PointResult r) {
    if (r.timeWaitBefore().isEmpty() || r.timeWaitAfter().isEmpty()) {
      return "n/a";
    }
    return r.timeWaitBefore().get() + "->" + r.timeWaitAfter().get();
  }
}
