package io.sockpool.redis.demo;

import io.sockpool.redis.demo.cli.Cli;
import io.sockpool.redis.demo.cli.Json;
import io.sockpool.redis.demo.cli.Quantities;
import io.sockpool.sizing.ConnectionCap;
import io.sockpool.sizing.PoolSizing;
import io.sockpool.sizing.QueueEstimate;
import io.sockpool.sizing.SizingRecommendation;
import io.sockpool.sizing.SizingRequest;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The demo jar's {@code size} command: recommends a pool size from a request rate, a latency and a
 * buffer ({@link PoolSizing}), optionally with the queueing model and a server-side cap.
 *
 * <pre>
 * java -jar redis-ping-demo.jar size --rate 1000 --latency 10ms --buffer 20%
 * java -jar redis-ping-demo.jar size --rate 1000 --latency 10ms --buffer 20% \
 *     --target-wait-probability 0.01 --server-max-connections 10000 --instances 40 --json
 * </pre>
 */
@Command(
    name = "size",
    customSynopsis = "size --rate <per second> --latency <time> [--buffer <percent>] [options]",
    description = {
      "Recommends a connection pool size. Rule of thumb (Little's law):",
      "  connections = ceil(rate x latency x (1 + buffer))"
    },
    footer = "Exit codes: 0 printed, 2 bad arguments.%n")
public final class SizeCommand implements Callable<Integer> {
  /** Exit code: the recommendation (or the help) was printed. */
  public static final int OK = 0;

  /** Exit code: bad arguments; one line on the error stream says what is allowed. */
  public static final int BAD_ARGUMENTS = Cli.BAD_ARGUMENTS;

  private static final String RATE = "--rate";
  private static final String BUFFER = "--buffer";
  private static final String TARGET = "--target-wait-probability";
  private static final String SERVER_MAX = "--server-max-connections";
  private static final String INSTANCES = "--instances";

  @Spec private CommandSpec spec;

  @Option(
      names = RATE,
      required = true,
      paramLabel = "<n>",
      converter = Quantities.Decimal.class,
      description = "requests per second, a number > 0 (e.g. 1000)")
  private BigDecimal rate;

  @Option(
      names = "--latency",
      required = true,
      paramLabel = "<time>",
      description =
          "time a connection is held per request, > 0, with a unit: us, ms or s, or m for minutes"
              + " (e.g. 10ms, 250us, 1.5s)")
  private Duration latency;

  @Option(
      names = BUFFER,
      paramLabel = "<percent|fraction>",
      converter = Quantities.Fraction.class,
      description = "headroom on the load, >= 0: 20%% or 0.2 (default 0)")
  private Double buffer;

  @Option(
      names = TARGET,
      paramLabel = "<p>",
      converter = Quantities.Fraction.class,
      description =
          "use the queueing model (M/M/c, Erlang C): the smallest size where at most this share of"
              + " checkouts wait, at the buffered rate; 0 < p < 1: 0.01 or 1%%")
  private Double target;

  @Option(
      names = SERVER_MAX,
      paramLabel = "<n>",
      converter = Quantities.Count.class,
      description =
          "the server's connection limit (e.g. Redis maxclients); warns when the size exceeds"
              + " floor(n / instances)")
  private Integer serverMax;

  @Option(
      names = INSTANCES,
      paramLabel = "<n>",
      converter = Quantities.Count.class,
      description = "application instances sharing that limit (default 1)")
  private Integer instances;

  @Option(names = "--json", description = "print one JSON object instead of text")
  private boolean json;

  private final PrintStream out;

  /**
   * @param out where the recommendation or the JSON goes
   */
  public SizeCommand(PrintStream out) {
    this.out = out;
  }

  /**
   * Runs the command. Never calls {@link System#exit}.
   *
   * @param args the arguments after {@code size} (a leading {@code size} is skipped)
   * @param out where the recommendation, the JSON or the help goes
   * @param err where the one-line message about bad arguments goes
   * @return {@link #OK} or {@link #BAD_ARGUMENTS}
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    String[] rest =
        args.length > 0 && args[0].equals("size") ? Arrays.copyOfRange(args, 1, args.length) : args;
    return Cli.execute(new SizeCommand(out), rest, out, err);
  }

  /**
   * Prints the recommendation; picocli calls it after parsing.
   *
   * @return {@link #OK}
   * @throws ParameterException if the values do not make a sizing request
   */
  @Override
  public Integer call() {
    if (instances != null && serverMax == null) {
      throw new ParameterException(
          spec.commandLine(),
          INSTANCES
              + " needs "
              + SERVER_MAX
              + " (the server's connection limit that the instances share), e.g. "
              + SERVER_MAX
              + " 10000 "
              + INSTANCES
              + " 40");
    }
    SizingRequest.Builder b = SizingRequest.builder();
    checked(RATE, () -> b.ratePerSecond(rate.doubleValue()));
    // the duration converter only returns durations the builder accepts (>= 1 ns)
    b.latency(latency);
    if (buffer != null) {
      checked(BUFFER, () -> b.bufferFraction(buffer));
    }
    if (target != null) {
      checked(TARGET, () -> b.targetWaitProbability(target));
    }
    if (serverMax != null) {
      int n = instances == null ? 1 : instances;
      Cli.checked(
          spec,
          () -> {
            try {
              return b.cap(serverMax, n);
            } catch (IllegalArgumentException e) {
              throw new IllegalArgumentException(
                  SERVER_MAX + " " + serverMax + " " + INSTANCES + " " + n + ": " + e.getMessage(),
                  e);
            }
          });
    }
    SizingRecommendation r = Cli.checked(spec, () -> PoolSizing.recommend(b.build()));
    out.println(json ? json(r) : text(r));
    out.flush();
    return OK;
  }

  /** Runs a builder step; its rejection names the option and the text given. */
  private void checked(String option, Supplier<?> step) {
    Cli.checked(
        spec,
        () -> {
          try {
            return step.get();
          } catch (IllegalArgumentException e) {
            String given = spec.findOption(option).originalStringValues().get(0);
            throw new IllegalArgumentException(option + " '" + given + "': " + e.getMessage(), e);
          }
        });
  }

  static String json(SizingRecommendation r) {
    SizingRequest q = r.request();
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("ratePerSecond", q.ratePerSecond());
    o.put("latencyMillis", q.latency().toNanos() / 1e6);
    o.put("bufferFraction", q.bufferFraction());
    o.put("model", r.model() == SizingRecommendation.Model.ERLANG_C ? "erlang-c" : "rule-of-thumb");
    o.put("connections", r.connections());
    o.put("baseConcurrency", r.baseConcurrency());
    o.put("buffer", r.buffer());
    o.put("designLoad", r.designLoad());
    o.put("ruleOfThumbConnections", r.ruleOfThumbConnections());
    if (r.queueEstimate().isPresent()) {
      QueueEstimate at = r.queueEstimate().get();
      QueueEstimate nominal = r.queueEstimateAtNominalRate().orElseThrow();
      o.put("targetWaitProbability", q.targetWaitProbability().getAsDouble());
      o.put("waitProbability", at.waitProbability());
      o.put("meanWaitMillis", at.meanWaitMillis());
      o.put("utilization", at.utilization());
      o.put("nominalWaitProbability", nominal.waitProbability());
      o.put("nominalMeanWaitMillis", nominal.meanWaitMillis());
    }
    if (r.cap().isPresent()) {
      ConnectionCap cap = r.cap().get();
      o.put("serverMaxConnections", cap.serverMaxConnections());
      o.put("instances", cap.instances());
      o.put("perInstanceMax", cap.perInstanceMax());
      o.put("exceedsCap", r.exceedsCap());
      o.put("warning", r.warning().orElse(null));
    }
    return Json.write(o);
  }

  static String text(SizingRecommendation r) {
    SizingRequest q = r.request();
    StringBuilder s = new StringBuilder();
    String rate = num(q.ratePerSecond()) + "/s";
    String latency = duration(q.latency());
    String buffer = num(q.bufferFraction() * 100) + "%";
    if (r.model() == SizingRecommendation.Model.RULE_OF_THUMB) {
      line(
          s,
          "Recommended pool size: %s per instance (rule of thumb)",
          connections(r.connections()));
      line(
          s,
          "  base concurrency  %s = %s x %s (Little's law: L = rate x latency)",
          num(r.baseConcurrency()),
          rate,
          latency);
      line(s, "  buffer            %s = %s of the base concurrency", num(r.buffer()), buffer);
      line(
          s,
          "  total             %s = %s + %s, rounded up to %d",
          num(r.designLoad()),
          num(r.baseConcurrency()),
          num(r.buffer()),
          r.connections());
    } else {
      QueueEstimate at = r.queueEstimate().orElseThrow();
      QueueEstimate nominal = r.queueEstimateAtNominalRate().orElseThrow();
      String target = percent(q.targetWaitProbability().getAsDouble());
      String designRate = num(at.ratePerSecond()) + "/s";
      line(
          s,
          "Recommended pool size: %s per instance (queueing model, M/M/c Erlang C: the"
              + " smallest size where at most %s of checkouts wait at %s)",
          connections(r.connections()),
          target,
          designRate);
      line(
          s,
          "  base concurrency  %s = %s x %s (Little's law: L = rate x latency)",
          num(r.baseConcurrency()),
          rate,
          latency);
      line(
          s,
          "  buffer            %s = %s headroom: sized for %s, a load of %s",
          num(r.buffer()),
          buffer,
          designRate,
          num(r.designLoad()));
      line(s, "  rule of thumb     %d = ceil(%s)", r.ruleOfThumbConnections(), num(r.designLoad()));
      line(
          s,
          "  wait probability  %s of checkouts wait at %s (target %s); %s at %s",
          percent(at.waitProbability()),
          designRate,
          target,
          percent(nominal.waitProbability()),
          rate);
      line(
          s,
          "  mean wait         %s ms at %s; %s ms at %s",
          num(at.meanWaitMillis()),
          designRate,
          num(nominal.meanWaitMillis()),
          rate);
      line(s, "  utilization       %s at %s", percent(at.utilization()), designRate);
    }
    r.cap()
        .ifPresent(
            cap ->
                line(
                    s,
                    "  cap               %d per instance = floor(%d server"
                        + " connections / %d instances): %s",
                    cap.perInstanceMax(),
                    cap.serverMaxConnections(),
                    cap.instances(),
                    r.exceedsCap() ? "EXCEEDED" : "within"));
    r.warning().ifPresent(w -> line(s, "WARNING: %s", w));
    s.setLength(s.length() - 1);
    return s.toString();
  }

  private static String connections(int n) {
    return n == 1 ? "1 connection" : n + " connections";
  }

  private static void line(StringBuilder s, String format, Object... args) {
    s.append(String.format(Locale.ROOT, format, args)).append('\n');
  }

  /**
   * Returns the number to 6 significant digits, without trailing zeros; E notation only when very
   * small or very large.
   */
  static String num(double value) {
    BigDecimal d = BigDecimal.valueOf(value).round(new MathContext(6)).stripTrailingZeros();
    double abs = Math.abs(value);
    return abs != 0 && (abs < 1e-6 || abs >= 1e12) ? d.toString() : d.toPlainString();
  }

  private static String percent(double fraction) {
    return BigDecimal.valueOf(fraction * 100)
            .round(new MathContext(4))
            .stripTrailingZeros()
            .toPlainString()
        + "%";
  }

  /** Returns the duration in the largest of s, ms, us that keeps it exact, else in ns. */
  static String duration(Duration d) {
    long nanos = d.toNanos();
    if (nanos % 1_000_000_000L == 0) {
      return nanos / 1_000_000_000L + "s";
    }
    if (nanos % 1_000_000 == 0) {
      return nanos / 1_000_000 + "ms";
    }
    if (nanos % 1_000 == 0) {
      return nanos / 1_000 + "us";
    }
    return BigDecimal.valueOf(nanos, 6).stripTrailingZeros().toPlainString() + "ms";
  }
}
