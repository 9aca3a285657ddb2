package io.sockpool.redis.demo.cli;

import io.sockpool.sizing.SizingRequest;
import java.util.List;
import java.util.Map;

/**
 * The parsed arguments of the {@code size} command: a {@link SizingRequest}, the output format, or
 * a request for help. Options are split as {@link CommandLine} does for every command.
 */
public final class SizeArguments {
  static final String RATE = "--rate";
  static final String LATENCY = "--latency";
  static final String BUFFER = "--buffer";
  static final String TARGET = "--target-wait-probability";
  static final String SERVER_MAX = "--server-max-connections";
  static final String INSTANCES = "--instances";
  static final String JSON = "--json";
  private static final List<String> WITH_VALUE =
      List.of(RATE, LATENCY, BUFFER, TARGET, SERVER_MAX, INSTANCES);

  private final SizingRequest request;
  private final boolean json;
  private final boolean help;

  private SizeArguments(SizingRequest request, boolean json, boolean help) {
    this.request = request;
    this.json = json;
    this.help = help;
  }

  /**
   * @param args the arguments after the command's name
   * @return the parsed arguments
   * @throws UsageException if an argument is unknown, repeated, missing its value, or has a value
   *     that is not allowed (the message names the option, the value and what is allowed)
   */
  public static SizeArguments parse(String[] args) throws UsageException {
    if (CommandLine.wantsHelp(args)) {
      return new SizeArguments(null, false, true);
    }
    Map<String, String> values =
        CommandLine.parse(args, WITH_VALUE, List.of(JSON), SizeArguments::example);
    boolean json = values.containsKey(JSON);
    if (!values.containsKey(RATE)) {
      throw new UsageException(
          RATE + " is required: requests per second, a number > 0, e.g. " + example(RATE));
    }
    if (!values.containsKey(LATENCY)) {
      throw new UsageException(
          LATENCY
              + " is required: the time a connection is held per"
              + " request, e.g. "
              + example(LATENCY));
    }
    if (values.containsKey(INSTANCES) && !values.containsKey(SERVER_MAX)) {
      throw new UsageException(
          INSTANCES
              + " needs "
              + SERVER_MAX
              + " (the server's connection"
              + " limit that the instances share), e.g. "
              + example(SERVER_MAX)
              + " "
              + example(INSTANCES));
    }
    SizingRequest.Builder b = SizingRequest.builder();
    try {
      b.ratePerSecond(Quantities.decimal(RATE, values.get(RATE)).doubleValue());
    } catch (IllegalArgumentException e) {
      throw rejected(RATE, values, e);
    }
    // Quantities.duration only returns durations the builder accepts (>= 1 ns)
    b.latency(Quantities.duration(LATENCY, values.get(LATENCY)));
    if (values.containsKey(BUFFER)) {
      double buffer = Quantities.fraction(BUFFER, values.get(BUFFER));
      try {
        b.bufferFraction(buffer);
      } catch (IllegalArgumentException e) {
        throw rejected(BUFFER, values, e);
      }
    }
    if (values.containsKey(TARGET)) {
      double target = Quantities.fraction(TARGET, values.get(TARGET));
      try {
        b.targetWaitProbability(target);
      } catch (IllegalArgumentException e) {
        throw rejected(TARGET, values, e);
      }
    }
    if (values.containsKey(SERVER_MAX)) {
      int serverMax = Quantities.count(SERVER_MAX, values.get(SERVER_MAX));
      int instances =
          values.containsKey(INSTANCES) ? Quantities.count(INSTANCES, values.get(INSTANCES)) : 1;
      try {
        b.cap(serverMax, instances);
      } catch (IllegalArgumentException e) {
        throw new UsageException(
            SERVER_MAX
                + " "
                + serverMax
                + " "
                + INSTANCES
                + " "
                + instances
                + ": "
                + e.getMessage());
      }
    }
    try {
      return new SizeArguments(b.build(), json, false);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static UsageException rejected(
      String option, Map<String, String> values, IllegalArgumentException e) {
    return new UsageException(option + " '" + values.get(option) + "': " + e.getMessage());
  }

  private static String example(String option) {
    return switch (option) {
      case RATE -> "--rate 1000";
      case LATENCY -> "--latency 10ms";
      case BUFFER -> "--buffer 20%";
      case TARGET -> "--target-wait-probability 0.01";
      case SERVER_MAX -> "--server-max-connections 10000";
      default -> "--instances 40";
    };
  }

  /**
   * @return the request; null when {@link #help()}
   */
  public SizingRequest request() {
    return request;
  }

  /**
   * @return whether {@code --json} was given
   */
  public boolean json() {
    return json;
  }

  /**
   * @return whether {@code --help} or {@code -h} was given (other arguments are then ignored)
   */
  public boolean help() {
    return help;
  }
}
