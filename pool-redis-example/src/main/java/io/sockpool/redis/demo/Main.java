package io.sockpool.redis.demo;

import io.sockpool.redis.demo.cli.Cli;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The demo jar's entry point ({@code java -jar redis-ping-demo.jar COMMAND ...}): {@code ping} runs
 * a PING load against Redis through the pool ({@link PingCommand}), {@code size} runs the pool
 * sizing calculator ({@link SizeCommand}). Exits with the command's code: 0 done, 1 the run saw
 * errors, 2 bad arguments or an unreachable server.
 */
@Command(
    name = "redis-ping-demo",
    description = "sockpool's Redis demo: a PING load through the pool, and the sizing calculator.",
    footer = "Run a command with --help for its options.%n")
public final class Main implements Callable<Integer> {
  @Spec private CommandSpec spec;

  private Main() {}

  /**
   * Runs a command and exits the JVM with its code.
   *
   * @param args the command name and its arguments
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs a command in-process.
   *
   * @param args the command name and its arguments
   * @param out where results go
   * @param err where errors go
   * @return the exit code: 0 done, 1 the run saw errors, 2 bad arguments or unreachable server
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine demo =
        new CommandLine(new Main())
            .addSubcommand(new PingCommand(out, err))
            .addSubcommand(new SizeCommand(out));
    return Cli.execute(demo, args, out, err);
  }

  /**
   * Without a command: bad arguments.
   *
   * @throws ParameterException always, naming the commands
   */
  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "no command given: expected ping or size");
  }
}
