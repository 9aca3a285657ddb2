package io.sockpool.bench.load;

import io.sockpool.Endpoint;
import io.sockpool.redis.demo.cli.Cli;
import io.sockpool.redis.demo.cli.Quantities;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The load harness' command line: its options, checked into {@link LoadOptions}. */
@Command(
    name = "LoadHarness",
    description =
        "The Redis PING load harness: every client at every point, a table, a CSV, a PNG.",
    footer = "Durations: " + Quantities.DURATION_SYNTAX + ".%n")
final class LoadCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Option(
      names = "--duration",
      paramLabel = "D",
      defaultValue = "10s",
      description = "measured time per client and thread count (default ${DEFAULT-VALUE})")
  private Duration duration;

  @Option(
      names = "--warmup",
      paramLabel = "D",
      defaultValue = "2s",
      description = "unmeasured time before each measurement (default ${DEFAULT-VALUE})")
  private Duration warmup;

  @Option(
      names = "--threads",
      paramLabel = "POINTS",
      defaultValue = "1/1,8/8,64/64,64/16",
      description =
          "comma-separated points, THREADS/POOL (pool size) or THREADS (pool size --pool-size);"
              + " default ${DEFAULT-VALUE}")
  private String threads;

  @Option(
      names = "--clients",
      paramLabel = "NAMES",
      split = ",",
      converter = ClientName.class,
      completionCandidates = ClientNames.class,
      description = "comma-separated, from: ${COMPLETION-CANDIDATES}; default all")
  private List<ClientKind> clients;

  @Option(
      names = "--rounds",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "measure every point this many times, interleaved; the table shows the median; default 1")
  private int rounds;

  @Option(
      names = "--pool-size",
      paramLabel = "N",
      defaultValue = "16",
      description = "pool size of points given as a plain thread count; default ${DEFAULT-VALUE}")
  private int poolSize;

  @Option(
      names = "--timeout",
      paramLabel = "D",
      defaultValue = "2s",
      description = "connect/checkout/command timeout of every client; default ${DEFAULT-VALUE}")
  private Duration timeout;

  @Option(
      names = "--redis",
      paramLabel = "host:port",
      converter = Quantities.Address.class,
      description = "use this Redis instead of starting the embedded redis-server")
  private Endpoint redis;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = "load-results",
      description = "directory for results.csv and throughput.png; default ${DEFAULT-VALUE}")
  private Path out;

  @Option(
      names = "--pin",
      description =
          "pin the load JVM to core 0 and the embedded redis-server to core 1 (taskset), where the"
              + " machine has 2 cores or more; prints what was pinned")
  private boolean pin;

  @Option(
      names = "--profile",
      paramLabel = "OPTIONS",
      description =
          "run async-profiler (on the class path: benchmarks/scripts/profile_point.sh) during every"
              + " measured window with these options (cpu, itimer, wall, cpu,interval=500us) and"
              + " write --out/profile-CLIENT-THREADSxPOOL-rROUND.collapsed (+ .meta); default off")
  private String profile;

  @Option(
      names = "--fairness-window",
      paramLabel = "D",
      converter = ZeroOrDuration.class,
      description =
          "PoolConfig.fairnessWindow of the sockpool clients (0 allowed); default the pool's")
  private Duration fairnessWindow;

  @Option(
      names = "--tls",
      description =
          "run over TLS: the embedded redis-server with a TLS port only and a CA generated for the"
              + " run; every client but dedicated and lettuce, over TLS")
  private boolean tls;

  @Option(
      names = "--jit-warmup",
      paramLabel = "D",
      defaultValue = "2s",
      converter = ZeroOrDuration.class,
      description =
          "before round 1, every client runs unmeasured at every point for this long, so no"
              + " measured window holds the JIT compilation of code the clients share; 0 for none;"
              + " default ${DEFAULT-VALUE}")
  private Duration jitWarmup;

  @Option(
      names = "--dedicated-busy",
      paramLabel = "D",
      defaultValue = "1us",
      converter = ZeroOrDuration.class,
      description =
          "the dedicated-busy client: a dedicated channel that spins this long before each PING,"
              + " as a pool's checkout and return take CPU there (a control for the distance"
              + " between the pooled and the dedicated client); 0..1ms; default ${DEFAULT-VALUE}")
  private Duration dedicatedBusy;

  private final PrintStream log;

  /**
   * @param log where progress and the table go
   */
  LoadCommand(PrintStream log) {
    this.log = log;
  }

  /**
   * @return the options, checked
   * @throws picocli.CommandLine.ParameterException if a value is not allowed
   */
  LoadOptions options() {
    return Cli.checked(
        spec,
        () -> {
          List<LoadPoint> points = new ArrayList<>();
          for (String part : threads.split(",", -1)) {
            points.add(LoadPoint.parse(part, poolSize));
          }
          return new LoadOptions(
              duration,
              warmup,
              points,
              clients != null
                  ? clients
                  : Arrays.stream(ClientKind.values())
                      .filter(k -> !tls || k.supportsTls())
                      .toList(),
              rounds,
              poolSize,
              timeout,
              Optional.ofNullable(redis),
              out,
              pin,
              Optional.ofNullable(profile).map(String::strip),
              Optional.ofNullable(fairnessWindow),
              tls,
              jitWarmup,
              dedicatedBusy);
        });
  }

  /**
   * Runs the harness; picocli calls it after parsing.
   *
   * @return 0 done, 1 the run failed
   * @throws InterruptedException if interrupted while waiting for load threads
   */
  @Override
  public Integer call() throws InterruptedException {
    LoadOptions options = options();
    try {
      LoadHarness.run(options, log);
      return 0;
    } catch (IOException e) {
      spec.commandLine().getErr().println("load harness failed: " + e);
      return 1;
    }
  }

  /** A client's command-line name ({@link ClientKind#byName}). */
  static final class ClientName implements ITypeConverter<ClientKind> {
    @Override
    public ClientKind convert(String value) {
      try {
        return ClientKind.byName(value);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /** The clients' command-line names, for the help. */
  static final class ClientNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Arrays.stream(ClientKind.values()).map(ClientKind::cliName).iterator();
    }
  }

  /** A duration, or zero written as {@code 0}, {@code 0ms} and the like. */
  static final class ZeroOrDuration implements ITypeConverter<Duration> {
    private static final Pattern ZERO = Pattern.compile("0+(us|ms|s|m)?");

    @Override
    public Duration convert(String value) {
      return ZERO.matcher(value).matches() ? Duration.ZERO : Quantities.duration(value);
    }
  }
}
