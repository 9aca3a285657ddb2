package io.sockpool.redis.demo;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * The demo jar's entry point ({@code java -jar redis-ping-demo.jar COMMAND ...}): {@code ping} runs
 * a PING load against Redis through the pool ({@link PingCommand}), {@code size} runs the pool
 * sizing calculator ({@link SizeCommand}). Exits with the command's code: 0 done, 1 the run saw
 * errors, 2 bad arguments or an unreachable server.
 */
public final class Main {
  static final String USAGE =
      "usage: java -jar redis-ping-demo.jar ping|size [options]   (--help after a command"
          + " lists its options)";

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
    if (args.length == 0) {
      err.println("error: no command given");
      err.println(USAGE);
      return 2;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "ping":
        return PingCommand.run(rest, out, err);
      case "size":
        return SizeCommand.run(rest, out, err);
      case "--help":
      case "-h":
      case "help":
        out.println(USAGE);
        return 0;
      default:
        err.println("error: unknown command '" + args[0] + "': expected ping or size");
        err.println(USAGE);
        return 2;
    }
  }
}
