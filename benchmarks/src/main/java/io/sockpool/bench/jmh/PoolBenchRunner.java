package io.sockpool.bench.jmh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the pool benchmarks once per thread count (JMH's {@code -t} takes one value) and prints one
 * table with the ratios the targets are about: sockpool against the bare commons-pool2 pool, and
 * validation with the idle window against none.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.sockpool.bench.jmh.PoolBenchRunner [--threads 1,4,16]
 * [--csv file] [any JMH option, e.g. a benchmark regex, -f 1 -wi 3 -i 5]}.
 */
public final class PoolBenchRunner {
  /** Benchmark pairs (numerator, denominator) whose ratio is printed, by method name. */
  static final List<String[]> RATIOS =
      List.of(
          new String[] {"sockpool", "bareCommonsPool2"},
          new String[] {"validateIdleWindow", "noValidation"},
          new String[] {"validateEveryBorrow", "noValidation"});

  private PoolBenchRunner() {}

  /**
   * Entry point; exits 2 on a usage error.
   *
   * @param args see the class comment
   */
  public static void main(String[] args) throws RunnerException, IOException {
    List<Integer> threads = List.of(1, 4, 16);
    Optional<Path> csv = Optional.empty();
    List<String> jmhArgs = new ArrayList<>();
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--threads" -> threads = threadList(value(args, ++i, "--threads"));
          case "--csv" -> csv = Optional.of(Path.of(value(args, ++i, "--csv")));
          default -> jmhArgs.add(args[i]);
        }
      }
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
      return;
    }
    CommandLineOptions jmh;
    try {
      jmh = new CommandLineOptions(jmhArgs.toArray(new String[0]));
    } catch (CommandLineOptionException e) {
      System.err.println("error in JMH options: " + e.getMessage());
      System.exit(2);
      return;
    }
    List<RunResult> results = new ArrayList<>();
    for (int t : threads) {
      Options options = new OptionsBuilder().parent(jmh).threads(t).build();
      Collection<RunResult> run = new Runner(options).run();
      results.addAll(run);
    }
    String table = table(results);
    System.out.println();
    System.out.print(table);
    if (csv.isPresent()) {
      Files.writeString(csv.get(), csv(results), StandardCharsets.UTF_8);
      System.out.println("wrote " + csv.get());
    }
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  static List<Integer> threadList(String text) {
    List<Integer> list = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      int t;
      try {
        t = Integer.parseInt(part.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--threads must be comma-separated integers, but had '" + part + "'");
      }
      if (t < 1) {
        throw new IllegalArgumentException("--threads values must be >= 1, but one was " + t);
      }
      list.add(t);
    }
    return list;
  }

  /**
   * @return the method name of a result's benchmark
   */
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
    for (String[] pair : RATIOS) {
      for (RunResult num : results) {
        if (!method(num).equals(pair[0])) {
          continue;
        }
        for (RunResult den : results) {
          if (method(den).equals(pair[1])
              && className(den).equals(className(num))
              && params(den).equals(params(num))
              && den.getParams().getThreads() == num.getParams().getThreads()) {
            sb.append(
                String.format(
                    Locale.ROOT,
                    "%-42s %-14s %7d %10.2f%n",
                    pair[0] + " / " + pair[1],
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
