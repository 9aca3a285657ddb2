package io.sockpool.bench.preconnect;

import io.sockpool.bench.preconnect.PreconnectStep.Run;
import java.util.List;
import java.util.Locale;

/** The step measurement's output: a line per run, the Markdown tables and the CSV file. */
final class StepTables {
  private StepTables() {}

  /** Every run as a CSV line, after a header line. */
  static String csv(List<Run> runs, double headroom) {
    StringBuilder csv =
        new StringBuilder(
            "round,preconnect,headroom,p99_steady_ms,p99_step_ms,p99_high_ms,p99_phase_ms,"
                + "opened,opened_before_step,on_demand,by_preconnect,model_at_step,model_max,"
                + "model_at_end,failed,late_steady_ms,late_step_ms,late_last_ms,own_steady_ms,"
                + "own_step_ms,own_last_ms\n");
    for (Run x : runs) {
      csv.append(
          String.format(
              Locale.ROOT,
              "%d,%b,%s,%.3f,%.3f,%.3f,%.3f,%d,%d,%d,%d,%d,%d,%d,%d,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f%n",
              x.round(),
              x.preconnect(),
              x.preconnect() ? plain(headroom) : "",
              x.p99SteadyMs(),
              x.p99StepMs(),
              x.p99HighMs(),
              x.p99PhaseMs(),
              x.opened(),
              x.openedBeforeStep(),
              x.onDemand(),
              x.byPreconnect(),
              x.modelAtStep(),
              x.modelMax(),
              x.modelAtEnd(),
              x.failed(),
              x.late().steadyMs(),
              x.late().stepMs(),
              x.late().lastMs(),
              x.own().steadyMs(),
              x.own().stepMs(),
              x.own().lastMs()));
    }
    return csv.toString();
  }

  static String row(Run r) {
    return String.format(
        Locale.ROOT,
        "round %d preconnect %-5b p99 wait: steady %.2f ms, first second of the step %.2f ms,"
            + " whole high phase %.2f ms, its last second %.2f ms; connections opened %d (%d"
            + " before the step; %d on demand, %d by preconnect), model %d at the step, %d at"
            + " most, %d at the end, failed %d; p99 steady / step / last second: driver lateness"
            + " %s ms, the call to the connection in hand %s ms",
        r.round(),
        r.preconnect(),
        r.p99SteadyMs(),
        r.p99StepMs(),
        r.p99PhaseMs(),
        r.p99HighMs(),
        r.opened(),
        r.openedBeforeStep(),
        r.onDemand(),
        r.byPreconnect(),
        r.modelAtStep(),
        r.modelMax(),
        r.modelAtEnd(),
        r.failed(),
        r.late().show(),
        r.own().show());
  }

  static String table(List<Run> runs, double headroom) {
    StringBuilder t =
        new StringBuilder(
            "| preconnect | p99 steady (ms) | p99 step (ms) | step / steady | p99 high phase (ms)"
                + " | phase / steady | p99 last second (ms) | step / last second | opened | on demand"
                + " | by preconnect | model: at step / most | by preconnect / model | opened / model"
                + " | failed |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (boolean pre : new boolean[] {false, true}) {
      List<Run> mine = runs.stream().filter(r -> r.preconnect() == pre).toList();
      t.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s | %s | %s |%n",
              pre ? "on (headroom " + plain(headroom) + ")" : "off",
              spread(mine, Run::p99SteadyMs),
              spread(mine, Run::p99StepMs),
              spread(mine, r -> r.p99StepMs() / Math.max(0.001, r.p99SteadyMs())),
              spread(mine, Run::p99PhaseMs),
              spread(mine, r -> r.p99PhaseMs() / Math.max(0.001, r.p99SteadyMs())),
              spread(mine, Run::p99HighMs),
              spread(mine, r -> r.p99StepMs() / Math.max(0.001, r.p99HighMs())),
              spread(mine, r -> r.opened()),
              spread(mine, r -> r.onDemand()),
              spread(mine, r -> r.byPreconnect()),
              pre ? spread(mine, r -> r.modelAtStep()) : "-",
              pre ? spread(mine, r -> r.modelMax()) : "-",
              pre ? spread(mine, Run::preconnectOverModel) : "-",
              pre ? spread(mine, Run::openedOverModel) : "-",
              spread(mine, r -> r.failed())));
    }
    return t.toString();
  }

  /**
   * Where the p99 went, medians [min-max] per window: the driver's lateness (arrival to the call:
   * the machine's, not the pool's) and the call to the connection in hand (the pool's checkout and
   * the hop to its completion executor).
   */
  static String splitTable(List<Run> runs) {
    StringBuilder t =
        new StringBuilder(
            "| preconnect | driver late p99 steady (ms) | step | last second | call to in hand p99"
                + " steady (ms) | step | last second |\n|---|---|---|---|---|---|---|\n");
    for (boolean pre : new boolean[] {false, true}) {
      List<Run> mine = runs.stream().filter(r -> r.preconnect() == pre).toList();
      t.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s | %s |%n",
              pre ? "on" : "off",
              spread(mine, r -> r.late().steadyMs()),
              spread(mine, r -> r.late().stepMs()),
              spread(mine, r -> r.late().lastMs()),
              spread(mine, r -> r.own().steadyMs()),
              spread(mine, r -> r.own().stepMs()),
              spread(mine, r -> r.own().lastMs())));
    }
    return t.toString();
  }

  /** The number without trailing zeros: 1, 2.5, 10. */
  static String plain(double value) {
    return new java.math.BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
  }

  /** Median, with min-max in brackets. */
  private static String spread(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
    double[] v = runs.stream().mapToDouble(f).sorted().toArray();
    if (v.length == 0) {
      return "-";
    }
    double median =
        v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    return String.format(Locale.ROOT, "%.2f [%.2f-%.2f]", median, v[0], v[v.length - 1]);
  }
}
