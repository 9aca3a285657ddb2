package io.sockpool.bench.sizing;

import io.sockpool.redis.demo.cli.Cli;
import io.sockpool.redis.demo.cli.Quantities;
import io.sockpool.sizing.ErlangC;
import io.sockpool.sizing.QueueEstimate;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The command line of {@link SizingModelCheck}: its options, checked into a plan. */
@Command(
    name = "SizingModelCheck",
    description =
        "Erlang C against the real pool at a Poisson arrival rate; prints a Markdown table.",
    footer = "Durations: " + Quantities.DURATION_SYNTAX + ".%n")
final class SizingCheckCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Option(
      names = "--rate",
      paramLabel = "N",
      defaultValue = "1000",
      converter = Quantities.Decimal.class,
      description = "arrivals per second, > 0 (default ${DEFAULT-VALUE})")
  private BigDecimal rate;

  @Option(
      names = "--service",
      paramLabel = "D",
      defaultValue = "5ms",
      description = "mean service time at the peer (default ${DEFAULT-VALUE})")
  private Duration service;

  @Option(
      names = "--duration",
      paramLabel = "D",
      defaultValue = "7s",
      description = "measured time per row (default ${DEFAULT-VALUE})")
  private Duration duration;

  @Option(
      names = "--warmup",
      paramLabel = "D",
      defaultValue = "1s",
      description = "unmeasured time before each row is measured (default ${DEFAULT-VALUE})")
  private Duration warmup;

  @Option(
      names = "--threshold",
      paramLabel = "D",
      defaultValue = "200us",
      description =
          "a checkout longer than this counts as having waited (default ${DEFAULT-VALUE})")
  private Duration threshold;

  @Option(
      names = "--target",
      paramLabel = "P",
      defaultValue = "0.01",
      converter = Quantities.Fraction.class,
      description = "the wait probability the recommended size is for, 0 < P < 1 (default 0.01)")
  private double target;

  @Option(
      names = "--sizes",
      paramLabel = "N,N",
      split = ",",
      converter = Quantities.Count.class,
      description = "pool sizes to measure; default: around the size Erlang C recommends")
  private List<Integer> sizes;

  @Option(
      names = "--distributions",
      paramLabel = "NAME,NAME",
      split = ",",
      defaultValue = "exponential,fixed",
      description = "service time distributions: exponential, fixed (default ${DEFAULT-VALUE})")
  private List<SizingModelCheck.Service> distributions;

  @Option(
      names = "--threads",
      paramLabel = "N",
      defaultValue = "128",
      converter = Quantities.Count.class,
      description = "worker threads, >= 1 (default ${DEFAULT-VALUE})")
  private int threads;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "42",
      description = "random seed (default ${DEFAULT-VALUE})")
  private long seed;

  private final PrintStream out;

  /**
   * @param out where the rows and the table go
   */
  SizingCheckCommand(PrintStream out) {
    this.out = out;
  }

  /**
   * @return the options as a plan
   * @throws picocli.CommandLine.ParameterException if a value is out of range
   */
  SizingModelCheck.Plan plan() {
    return Cli.checked(spec, this::checkedPlan);
  }

  private SizingModelCheck.Plan checkedPlan() {
    double perSecond = rate.doubleValue();
    if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException("--rate must be a finite number > 0, but was " + rate);
    }
    if (!(target > 0 && target < 1)) {
      throw new IllegalArgumentException("--target must be > 0 and < 1, but was " + target);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("--threads must be >= 1, but was " + threads);
    }
    if (sizes != null && sizes.contains(0)) {
      throw new IllegalArgumentException("--sizes must all be >= 1, but were " + sizes);
    }
    List<Integer> rows = sizes == null ? aroundRecommended(perSecond) : List.copyOf(sizes);
    return new SizingModelCheck.Plan(
        perSecond,
        service,
        duration,
        warmup,
        threshold,
        target,
        rows,
        List.copyOf(distributions),
        threads,
        seed);
  }

  /** The first stable size, the recommended size -4, -2, +0, +2, and 4 times it. */
  private List<Integer> aroundRecommended(double perSecond) {
    QueueEstimate rec = ErlangC.smallestSize(perSecond, service, target);
    int firstStable = (int) Math.floor(rec.offeredLoad()) + 1;
    int c = rec.connections();
    TreeSet<Integer> set = new TreeSet<>();
    for (int size : List.of(firstStable, c - 4, c - 2, c, c + 2, c * 4)) {
      if (size >= firstStable) {
        set.add(size);
      }
    }
    return List.copyOf(set);
  }

  /**
   * Runs the check; picocli calls it after parsing.
   *
   * @return 0
   * @throws IOException if the local peer cannot start
   * @throws InterruptedException if interrupted while a row runs
   */
  @Override
  public Integer call() throws IOException, InterruptedException {
    SizingModelCheck.report(plan(), out);
    return 0;
  }
}
