package io.sockpool.bench.jmh;

import io.sockpool.redis.demo.cli.Cli;
import io.sockpool.redis.demo.cli.Quantities;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * Measures what sockpool's JFR events cost the checkout hot path: {@link JfrOverheadBench} in each
 * JFR mode ({@code off}, {@code recording}, {@code events}), one JMH fork per mode, the modes
 * interleaved in rounds so that all see the same machine load (each round starting with the next
 * mode). Prints per mode the median ns per checkout + return and its spread over the rounds, and
 * the ratio to {@code off} (the median of the per-round ratios, with their range).
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.sockpool.bench.jmh.JfrOverheadRunner [--rounds 5]
 * [--threads 1] [--csv file] [any JMH option, e.g. -wi 3 -i 5]}.
 */
@Command(
    name = "JfrOverheadRunner",
    description =
        "Measures the checkout hot path with sockpool's JFR events off, disabled, enabled.",
    footer = "Every other argument goes to JMH (e.g. -wi 3 -w 1 -i 5 -r 1).%n")
public final class JfrOverheadRunner implements Callable<Integer> {
  static final List<String> MODES = List.of("off", "recording", "events");

  @Spec private CommandSpec spec;

  @Option(
      names = "--rounds",
      defaultValue = "5",
      converter = Quantities.Count.class,
      description = "rounds, each running every mode once (default ${DEFAULT-VALUE})")
  private int rounds;

  @Option(
      names = "--threads",
      defaultValue = "1",
      converter = Quantities.Count.class,
      description = "benchmark threads (default ${DEFAULT-VALUE})")
  private int threads;

  @Option(names = "--csv", paramLabel = "FILE", description = "also write every round as CSV")
  private Path csv;

  @Unmatched private List<String> jmhArgs = new ArrayList<>();

  private final PrintStream out;

  /**
   * @param out where the table goes (JMH prints its progress to the standard output)
   */
  JfrOverheadRunner(PrintStream out) {
    this.out = out;
  }

  /**
   * Entry point; exits 0 when done, 2 on bad arguments (ours or JMH's).
   *
   * @param args see the class comment
   */
  public static void main(String[] args) {
    System.exit(Cli.execute(new JfrOverheadRunner(System.out), args, System.out, System.err));
  }

  /**
   * Runs the rounds and prints the table; picocli calls it after parsing.
   *
   * @return 0
   * @throws RunnerException if JMH fails
   * @throws IOException if the CSV cannot be written
   */
  @Override
  public Integer call() throws RunnerException, IOException {
    if (rounds < 1 || threads < 1) {
      throw new ParameterException(
          spec.commandLine(),
          "--rounds and --threads must be >= 1, but were " + rounds + " and " + threads);
    }
    CommandLineOptions jmh;
    try {
      jmh = new CommandLineOptions(jmhArgs.toArray(new String[0]));
    } catch (CommandLineOptionException e) {
      throw new ParameterException(
          spec.commandLine(), "JMH options " + jmhArgs + ": " + e.getMessage(), e);
    }
    Map<String, double[]> scores = new LinkedHashMap<>();
    for (String mode : MODES) {
      scores.put(mode, new double[rounds]);
    }
    StringBuilder rows = new StringBuilder("round,mode,threads,ns_per_op\n");
    for (int round = 0; round < rounds; round++) {
      for (int k = 0; k < MODES.size(); k++) {
        // each round starts with the next mode: no mode always runs first or last in a round
        String mode = MODES.get((k + round) % MODES.size());
        Options options =
            new OptionsBuilder()
                .parent(jmh)
                .include(JfrOverheadBench.class.getName() + ".checkoutReturn")
                .param("jfr", mode)
                .param("endpoints", "1")
                .param("poolSize", "10")
                .threads(threads)
                .forks(1)
                .build();
        RunResult r = new Runner(options).runSingle();
        double score = r.getPrimaryResult().getScore();
        scores.get(mode)[round] = score;
        rows.append(String.format(Locale.ROOT, "%d,%s,%d,%.2f%n", round + 1, mode, threads, score));
      }
    }
    out.println();
    out.print(table(scores, threads));
    if (csv != null) {
      Files.writeString(csv, rows.toString(), StandardCharsets.UTF_8);
      out.println("wrote " + csv);
    }
    return 0;
  }

  /** The table: per mode the median and spread of ns/op, and the ratio to {@code off}. */
  static String table(Map<String, double[]> scores, int threads) {
    double[] off = scores.get("off");
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "JFR overhead, checkout + return, %d thread(s), %d rounds%n",
            threads,
            off.length));
    sb.append(
        String.format(
            Locale.ROOT,
            "%-10s %12s %8s %14s %18s%n",
            "jfr",
            "median ns",
            "spread",
            "ratio to off",
            "ratio range"));
    for (Map.Entry<String, double[]> e : scores.entrySet()) {
      double[] s = e.getValue();
      double[] ratios = new double[s.length];
      for (int i = 0; i < s.length; i++) {
        ratios[i] = s[i] / off[i];
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "%-10s %12.1f %7.0f%% %14.3f %8.3f - %.3f%n",
              e.getKey(),
              median(s),
              100 * spread(s),
              median(ratios),
              min(ratios),
              max(ratios)));
    }
    return sb.toString();
  }

  static double median(double[] values) {
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  /** (max - min) / median. */
  static double spread(double[] values) {
    return (max(values) - min(values)) / median(values);
  }

  private static double min(double[] values) {
    return java.util.Arrays.stream(values).min().orElse(Double.NaN);
  }

  private static double max(double[] values) {
    return java.util.Arrays.stream(values).max().orElse(Double.NaN);
  }
}
