package io.sockpool.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.sockpool.redis.demo.cli.Cli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * One in-process run of a tool's command line: its exit code and what it printed.
 *
 * @param code the exit code
 * @param out the standard output
 * @param err the error output
 */
public record CliRun(int code, String out, String err) {

  /**
   * @param command makes the picocli command, given the stream its results go to
   * @param args the arguments
   * @return the run
   */
  public static CliRun run(Function<PrintStream, Object> command, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = Cli.execute(command.apply(o), args, o, e);
    }
    return new CliRun(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /**
   * Asserts the run was refused as bad arguments: exit 2, nothing on the standard output, and
   * exactly {@code line} (plus a line break) on the error output, no stack trace.
   *
   * @param line the expected error line
   */
  public void assertRefusedWith(String line) {
    assertEquals(2, code, out + err);
    assertEquals("", out);
    assertEquals(line + System.lineSeparator(), err);
    assertFalse(err.contains("\tat "), err);
  }
}
