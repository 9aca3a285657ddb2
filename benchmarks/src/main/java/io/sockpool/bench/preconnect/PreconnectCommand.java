package io.sockpool.bench.preconnect;

import io.sockpool.redis.demo.cli.Cli;
import io.sockpool.redis.demo.cli.Quantities;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The command line of {@link PreconnectStep}. */
@Command(
    name = "PreconnectStep",
    description =
        "A step in open-loop checkouts/s against a peer with a slow connect, with and without"
            + " predictive preconnect; prints one line per run and a Markdown table.",
    footer = "Durations: " + Quantities.DURATION_SYNTAX + ".%n")
final class PreconnectCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Option(
      names = "--low",
      defaultValue = "1000",
      description = "checkouts/s before the step (default ${DEFAULT-VALUE})")
  private int low;

  @Option(
      names = "--high",
      defaultValue = "10000",
      description = "checkouts/s after the step (default ${DEFAULT-VALUE})")
  private int high;

  @Option(
      names = "--connect",
      defaultValue = "20ms",
      description = "connect latency: the peer's first reply (default ${DEFAULT-VALUE})")
  private Duration connect;

  @Option(
      names = "--service",
      defaultValue = "1ms",
      description = "the peer's reply time after that (default ${DEFAULT-VALUE})")
  private Duration service;

  @Option(
      names = "--before",
      defaultValue = "4s",
      description = "time at the low rate (default ${DEFAULT-VALUE})")
  private Duration before;

  @Option(
      names = "--after",
      defaultValue = "3s",
      description = "time at the high rate (default ${DEFAULT-VALUE})")
  private Duration after;

  @Option(
      names = "--rounds",
      defaultValue = "3",
      description = "rounds, each one run without and one with preconnect (default 3)")
  private int rounds;

  @Option(
      names = "--target",
      defaultValue = "0.01",
      converter = Quantities.Fraction.class,
      description = "preconnect's wait probability target, 0 < P < 1 (default 0.01)")
  private double target;

  @Option(
      names = "--max-per-endpoint",
      defaultValue = "64",
      description = "the pool's limit (default ${DEFAULT-VALUE})")
  private int maxPerEndpoint;

  @Option(
      names = "--max-connecting",
      defaultValue = "4",
      description = "maxConnectingPerEndpoint (default ${DEFAULT-VALUE})")
  private int maxConnecting;

  @Option(
      names = "--headroom",
      defaultValue = "1",
      description =
          "preconnect's rate headroom: size for the measured rate times this, 1 to 100"
              + " (default ${DEFAULT-VALUE}: the measured rate)")
  private double headroom;

  @Option(
      names = "--peer-core",
      defaultValue = "-1",
      description =
          "run the peer in a JVM of its own pinned to this CPU (taskset -c); pin this JVM to"
              + " other cores (default: the peer runs in this JVM)")
  private int peerCore;

  @Option(
      names = "--inline-ready",
      description =
          "asyncInlineWhenReady: a checkout that finds a ready connection completes in the"
              + " driver's thread instead of on the pool's completion executor (default: off)")
  private boolean inlineReady;

  @Option(names = "--out", description = "directory for preconnect-step.csv (default: none)")
  private Path out;

  private final PrintStream stdout;

  PreconnectCommand(PrintStream stdout) {
    this.stdout = stdout;
  }

  @Override
  public Integer call() throws Exception {
    PreconnectStep.Plan plan =
        Cli.checked(
            spec,
            () -> {
              if (low <= 0 || high <= 0 || rounds <= 0 || maxPerEndpoint <= 0) {
                throw new IllegalArgumentException(
                    "--low, --high, --rounds and --max-per-endpoint must be > 0, but were "
                        + low
                        + ", "
                        + high
                        + ", "
                        + rounds
                        + ", "
                        + maxPerEndpoint);
              }
              if (!(headroom >= 1 && headroom <= 100)) {
                throw new IllegalArgumentException(
                    "--headroom must be between 1 and 100 (a factor on the measured rate), but was "
                        + headroom);
              }
              if (before.compareTo(Duration.ofSeconds(1)) < 0
                  || after.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException(
                    "--before and --after must be >= 1s (a second is measured in each), but were "
                        + before
                        + " and "
                        + after);
              }
              if (peerCore < -1) {
                throw new IllegalArgumentException(
                    "--peer-core must be a CPU number >= 0 (or -1: the peer in this JVM), but was "
                        + peerCore);
              }
              return new PreconnectStep.Plan(
                  low,
                  high,
                  connect,
                  service,
                  before,
                  after,
                  rounds,
                  target,
                  maxPerEndpoint,
                  maxConnecting,
                  headroom,
                  peerCore,
                  inlineReady,
                  out);
            });
    PreconnectStep.report(plan, stdout);
    return 0;
  }
}
