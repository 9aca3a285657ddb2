package io.sockpool.redis.demo.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * What every command line of the project shares (the demo's {@code ping} and {@code size}, the
 * benchmarks' load harness, JMH runner and sizing model check), on picocli: one duration syntax
 * ({@link Quantities#duration}: {@code 250us}, {@code 300ms}, {@code 2s}, {@code 1m}) for every
 * {@link Duration} option, {@code --help} on each command, and bad input answered with exit code
 * {@value #BAD_ARGUMENTS} and one line on the error stream, {@code NAME: WHAT WAS WRONG (see NAME
 * --help)}, never a stack trace.
 */
public final class Cli {
  /** The exit code for bad arguments. */
  public static final int BAD_ARGUMENTS = 2;

  private Cli() {}

  /** {@code -h}/{@code --help}: {@link #execute} and {@link #parse} give it to every command. */
  static final class Help {
    // picocli sets it and prints the usage; the field itself is never read
    @SuppressWarnings("UnusedVariable")
    @Option(
        names = {"-h", "--help"},
        usageHelp = true,
        description = "print this help and exit")
    private boolean help;
  }

  /**
   * Parses {@code args} into {@code command} and runs it.
   *
   * @param command a picocli {@code @Command} object, or a {@link CommandLine} with subcommands
   * @param args the arguments
   * @param out where results and {@code --help} go
   * @param err where the one line about bad arguments goes
   * @return the command's exit code; {@value #BAD_ARGUMENTS} for bad arguments
   */
  public static int execute(Object command, String[] args, PrintStream out, PrintStream err) {
    CommandLine cl = commandLine(command);
    cl.setUsageHelpWidth(100);
    cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cl.setParameterExceptionHandler(
        (ex, ignored) -> {
          CommandLine failed = ex.getCommandLine();
          String name = failed.getCommandName();
          failed.getErr().println(name + ": " + oneLine(ex) + " (see " + name + " --help)");
          return BAD_ARGUMENTS;
        });
    return cl.execute(args);
  }

  /**
   * Parses {@code args} into {@code command} without running it, with the same converters as {@link
   * #execute}.
   *
   * @param command a picocli {@code @Command} object
   * @param args the arguments
   * @param <T> the command's type
   * @return {@code command}, its options set
   * @throws ParameterException if an argument is unknown, repeated, missing or has a bad value
   */
  public static <T> T parse(T command, String... args) {
    commandLine(command).parseArgs(args);
    return command;
  }

  /**
   * Builds a value from parsed options, turning the {@link IllegalArgumentException} of a value
   * that is out of range into the {@link ParameterException} of a bad argument.
   *
   * @param spec the command (picocli injects it into a {@code @Spec} field)
   * @param build builds the value; its exception's message says what was wrong and what is allowed
   * @param <T> the value's type
   * @return the value
   * @throws ParameterException with the message of the build's {@link IllegalArgumentException}
   */
  public static <T> T checked(CommandSpec spec, Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  private static CommandLine commandLine(Object command) {
    CommandLine cl = command instanceof CommandLine c ? c : new CommandLine(command);
    addHelp(cl);
    // after the subcommands are added: registerConverter reaches the subcommands added so far
    cl.registerConverter(Duration.class, Quantities::duration);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    return cl;
  }

  private static void addHelp(CommandLine cl) {
    cl.addMixin("help", new Help());
    cl.getSubcommands().values().forEach(Cli::addHelp);
  }

  /** The message on one line; for an unknown option or command, with what is allowed. */
  private static String oneLine(ParameterException ex) {
    String message = ex.getMessage().replace(System.lineSeparator(), " ").replace('\n', ' ');
    if (!(ex instanceof UnmatchedArgumentException)) {
      return message;
    }
    CommandSpec spec = ex.getCommandLine().getCommandSpec();
    if (!spec.subcommands().isEmpty()) {
      return message + "; the commands are " + String.join(", ", spec.subcommands().keySet());
    }
    List<String> options =
        spec.options().stream()
            .filter(o -> !o.usageHelp())
            .map(OptionSpec::longestName)
            .collect(Collectors.toList());
    return message + "; the options are " + String.join(", ", options) + ", --help";
  }
}
