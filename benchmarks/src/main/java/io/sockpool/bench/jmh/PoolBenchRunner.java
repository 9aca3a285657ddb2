package io.sockpool.bench.jmh;

import io.sockpool.redis.demo.cli.Cli;
import io.sockpool.redis.demo.cli.Quantities;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
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
 * Runs the pool benchmarks once per thread count (JMH's {@code -t} takes one value) and prints one
 * table with the ratios the targets are about: sockpool against the bare commons-pool2 pool, and
 * validation with the idle window against none.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.sockpool.bench.jmh.PoolBenchRunner [--threads 1,4,16]
 * [--csv file] [any JMH option, e.g. a benchmark regex, -f 1 -wi 3 -i 5]}.
 */
@Command(
    name = "PoolBenchRunner",
    description = "Runs the JMH pool benchmarks once per thread count and prints their ratios.",
    footer = "Every other argument goes to JMH (e.g. a benchmark regex, -f 1 -wi 3 -i 5).%n")
public final class PoolBenchRunner implements Callable<Integer> {
  /** Benchmark pairs whose ratio is printed, by method name. */
  record Ratio(String numerator, String denominator) {}

  static final List<Ratio> RATIOS =
      List.of(
          new Ratio("sockpool", "bareCommonsPool2"),
          new Ratio("validateIdleWindow", "noValidation"),
          new Ratio("validateEveryBorrow", "noValidation"));

  @Spec private CommandSpec spec;

  @Option(
      names = "--threads",
      paramLabel = "N,N",
      split = ",",
      defaultValue = "1,4,16",
      converter = Quantities.Count.class,
      description = "thread counts, each >= 1; one JMH run per count (default ${DEFAULT-VALUE})")
  private List<Integer> threads;

  @Option(names = "--csv", paramLabel = "FILE", description = "also write the results as CSV")
  private Path csv;

  @Unmatched private List<String> jmhArgs = new ArrayList<>();

  private final PrintStream out;

  /**
   * @param out where the table goes (JMH prints its progress to the standard output)
   */
  PoolBenchRunner(PrintStream out) {
    this.out = out;
  }

  /**
   * Entry point; exits 0 when done, 2 on bad arguments (ours or JMH's).
   *
   * @param args see the class comment
   */
  public static void main(String[] args) {
    System.exit(Cli.execute(new PoolBenchRunner(System.out), args, System.out, System.err));
  }

  /**
   * Runs JMH once per thread count and prints the table; picocli calls it after parsing.
   *
   * @return 0
   * @throws RunnerException if JMH fails
   * @throws IOException if the CSV cannot be written
   */
  @Override
  public Integer call() throws RunnerException, IOException {
    if (threads.stream().anyMatch(t -> t < 1)) {
      throw new ParameterException(
          spec.commandLine(), "--threads values must be >= 1, but were " + threads);
    }
    CommandLineOptions jmh;
    try {
      jmh = new CommandLineOptions(jmhArgs.toArray(new String[0]));
    } catch (CommandLineOptionException e) {
      throw new ParameterException(
          spec.commandLine(), "JMH options " + jmhArgs + ": " + e.getMessage(), e);
    }
    List<RunResult> results = new ArrayList<>();
    for (int t : threads) {
      Options options = new OptionsBuilder().parent(jmh).threads(t).build();
      results.addAll(new Runner(options).run());
    }
    out.println();
    out.print(table(results));
    if (csv != null) {
      Files.writeString(csv, csv(results), StandardCharsets.UTF_8);
      out.println("wrote " + csv);
    }
    return 0;
  }

  /** Returns the method name of a result's benchmark. */
  static String method(RunResult r) {
    String b = r.getParams().getBenchmark();
    return b.substring(b.lastIndexOf('.') + 1);
  }

  private static String className(RunResult r) {
    String b = r.getParams().getBenchmark();
    String withoutMethod = b.substring(0, b.lastIndexOf('.'));
    return withoutMethod.substring(withoutMethod.lastIndexOf('.') + 1);
  }

  /**
   * @return the parameters as "k=v,k=v", sorted by key
   */
  private static String params(RunResult r) {
    TreeMap<String, String> map = new TreeMap<>();
    for (String key : r.getParams().getParamsKeys()) {
      map.put(key, r.getParams().getParam(key));
    }
    return map.toString().replace("{", "").replace("}", "").replace(" ", "");
  }

  static String table(List<RunResult> results) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%-22s %-20s %-14s %7s %14s %12s%n",
            "benchmark",
            "method",
            "params",
            "threads",
            "score",
            "error"));
    for (RunResult r : results) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%-22s %-20s %-14s %7d %14.1f %12.1f %s%n",
              className(r),
              method(r),
              params(r),
              r.getParams().getThreads(),
              r.getPrimaryResult().getScore(),
              r.getPrimaryResult().getScoreError(),
              r.getPrimaryResult().getScoreUnit()));
    }
    sb.append(System.lineSeparator());
    sb.append(
        String.format(
            Locale.ROOT,
            "%-42s %-14s %7s %10s%n",
            "ratio (time per op)",
            "params",
            "threads",
            "ratio"));
    for (Ratio pair : RATIOS) {
      for (RunResult num : results) {
        if (!method(num).equals(pair.numerator())) {
          continue;
        }
        for (RunResult den : results) {
          if (method(den).equals(pair.denominator())
              && className(den).equals(className(num))
              && params(den).equals(params(num))
              && den.getParams().getThreads() == num.getParams().getThreads()) {
            sb.append(
                String.format(
                    Locale.ROOT,
                    "%-42s %-14s %7d %10.2f%n",
                    pair.numerator() + " / " + pair.denominator(),
                    params(num),
                    num.getParams().getThreads(),
                    num.getPrimaryResult().getScore() / den.getPrimaryResult().getScore()));
          }
        }
      }
    }
    return sb.toString();
  }

  static String csv(List<RunResult> results) {
    StringBuilder sb = new StringBuilder("class,method,params,threads,score,error,unit\n");
    for (RunResult r : results) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%s,%s,\"%s\",%d,%.3f,%.3f,%s%n",
              className(r),
              method(r),
              params(r),
              r.getParams().getThreads(),
              r.getPrimaryResult().getScore(),
              r.getPrimaryResult().getScoreError(),
              r.getPrimaryResult().getScoreUnit()));
    }
    return sb.toString();
  }
}
