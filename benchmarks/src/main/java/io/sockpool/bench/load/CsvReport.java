package io.sockpool.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Writes the results as CSV, one row per client and thread count; empty cells where a value is
 * unknown.
 */
final class CsvReport {
  static final String HEADER =
      "client,threads,pool_size,duration_s,rounds,ops,errors,ops_per_s,ops_per_s_min,ops_per_s_max,p50_us,p99_us,p999_us,"
          + "max_us,cpu_us_per_op,ratio_to_dedicated,ratio_to_jedispool,time_wait_before,time_wait_after,first_error";

  private CsvReport() {}

  static void write(List<PointResult> results, Path file) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(HEADER);
    for (PointResult r : results) {
      lines.add(
          String.join(
              ",",
              r.client(),
              Integer.toString(r.threads()),
              Integer.toString(r.poolSize()),
              String.format(Locale.ROOT, "%.3f", r.measuredPerRound().toNanos() / 1e9),
              Integer.toString(r.rounds()),
              Long.toString(r.ops()),
              Long.toString(r.errors()),
              String.format(Locale.ROOT, "%.1f", r.opsPerSecond()),
              String.format(Locale.ROOT, "%.1f", r.opsPerSecondMin()),
              String.format(Locale.ROOT, "%.1f", r.opsPerSecondMax()),
              String.format(Locale.ROOT, "%.1f", r.p50Micros()),
              String.format(Locale.ROOT, "%.1f", r.p99Micros()),
              String.format(Locale.ROOT, "%.1f", r.p999Micros()),
              String.format(Locale.ROOT, "%.1f", r.maxMicros()),
              r.cpuMicrosPerOp().map(c -> String.format(Locale.ROOT, "%.3f", c)).orElse(""),
              ratio(Ratios.toDedicated(r, results)),
              ratio(Ratios.toJedisPool(r, results)),
              r.timeWaitBefore().map(String::valueOf).orElse(""),
              r.timeWaitAfter().map(String::valueOf).orElse(""),
              quote(r.firstError().orElse(""))));
    }
    Files.write(file, lines, StandardCharsets.UTF_8);
  }

  private static String ratio(Optional<Double> ratio) {
    return ratio.map(v -> String.format(Locale.ROOT, "%.3f", v)).orElse("");
  }

  private static String quote(String text) {
    if (text.isEmpty()) {
      return "";
    }
    return '"' + text.replace("\"", "\"\"").replace('\n', ' ').replace('\r', ' ') + '"';
  }
}
