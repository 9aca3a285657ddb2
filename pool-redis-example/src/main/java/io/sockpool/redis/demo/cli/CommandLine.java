package io.sockpool.redis.demo.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Splits a command's arguments into options, the same way for every command: an option takes its
 * value as the next argument or after {@code =} ({@code --rate 1000}, {@code --rate=1000}), a flag
 * takes none ({@code --json}), and each may be given once. What the values mean is the command's to
 * check ({@link Quantities}).
 */
final class CommandLine {
  private CommandLine() {}

  /**
   * @param args the arguments after the command's name
   * @param withValue the options that take a value
   * @param flags the options that take none
   * @param example option -> an example of it with a value, for messages
   * @return option -> value in the order given (flags map to the empty string)
   * @throws UsageException if an argument is unknown, repeated, or missing its value, or a flag has
   *     one; the message names it and lists the options
   */
  static Map<String, String> parse(
      String[] args, List<String> withValue, List<String> flags, UnaryOperator<String> example)
      throws UsageException {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      if (flags.contains(name)) {
        if (value != null) {
          throw new UsageException(name + " takes no value, but got '" + value + "'");
        }
        if (values.putIfAbsent(name, "") != null) {
          throw new UsageException(name + " was given twice; give each option once");
        }
        continue;
      }
      if (!withValue.contains(name)) {
        throw new UsageException(
            (arg.startsWith("-") ? "unknown option '" : "unexpected argument '")
                + arg
                + "'; the options are "
                + String.join(", ", withValue)
                + ", "
                + String.join(", ", flags)
                + ", --help");
      }
      if (value == null) {
        if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
          throw new UsageException(name + " needs a value, e.g. " + example.apply(name));
        }
        value = args[++i];
      }
      String previous = values.putIfAbsent(name, value);
      if (previous != null) {
        throw new UsageException(
            name
                + " was given twice ('"
                + previous
                + "' and '"
                + value
                + "'); give each option once");
      }
    }
    return values;
  }

  /**
   * @param args the arguments after the command's name
   * @return whether they ask for the command's help ({@code --help} or {@code -h} anywhere)
   */
  static boolean wantsHelp(String[] args) {
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        return true;
      }
    }
    return false;
  }
}
