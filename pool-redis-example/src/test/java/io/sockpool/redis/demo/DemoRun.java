package io.sockpool.redis.demo;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One in-process run of the demo's {@code ping}: the exit code and what it printed.
 *
 * @param code the exit code
 * @param out standard output
 * @param err standard error
 */
record DemoRun(int code, String out, String err) {
  /** Runs {@code ping} with the arguments, in this JVM. */
  static DemoRun ping(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] all = new String[args.length + 1];
    all[0] = "ping";
    System.arraycopy(args, 0, all, 1, args.length);
    int code =
        Main.run(
            all,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new DemoRun(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The last line of standard output: the JSON summary with {@code --json}. */
  JsonObject json() {
    String[] lines = out.strip().split("\n", -1);
    return JsonParser.parseString(lines[lines.length - 1]).getAsJsonObject();
  }
}
