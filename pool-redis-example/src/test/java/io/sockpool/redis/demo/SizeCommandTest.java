package io.sockpool.redis.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.Strictness;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(10)
class SizeCommandTest {

  /** Strict JSON: no NaN, no trailing commas, nothing after the object; numbers as doubles. */
  private static final Gson STRICT = new GsonBuilder().setStrictness(Strictness.STRICT).create();

  /** What one run printed and returned. */
  record Result(int exitCode, String out, String err) {}

  static Result size(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = SizeCommand.run(args, o, e);
    }
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> json(String... args) {
    Result r = size(args);
    assertEquals(0, r.exitCode(), r.err());
    assertEquals("", r.err());
    assertTrue(r.out().endsWith("\n"), r.out());
    assertEquals(1, r.out().lines().count(), "one JSON object on one line: " + r.out());
    return STRICT.fromJson(r.out().strip(), Map.class);
  }

  @Test
  void textbookExamplePrintsTheRecommendationAndItsParts() {
    Result r = size("--rate", "1000", "--latency", "10ms", "--buffer", "20%");

    assertEquals(0, r.exitCode());
    assertEquals("", r.err());
    assertEquals(
        String.join(
            "\n",
            "Recommended pool size: 12 connections per instance (rule of thumb)",
            "  base concurrency  10 = 1000/s x 10ms (Little's law: L = rate x latency)",
            "  buffer            2 = 20% of the base concurrency",
            "  total             12 = 10 + 2, rounded up to 12",
            ""),
        r.out());
  }

  @Test
  void jsonHasConnectionsBaseConcurrencyAndBuffer() {
    Map<String, Object> o =
        json("--rate", "1000", "--latency", "10ms", "--buffer", "20%", "--json");

    assertEquals(12.0, o.get("connections"));
    assertEquals(10.0, o.get("baseConcurrency"));
    assertEquals(2.0, o.get("buffer"));
    assertEquals(0.2, o.get("bufferFraction"));
    assertEquals(1000.0, o.get("ratePerSecond"));
    assertEquals(10.0, o.get("latencyMillis"));
    assertEquals("rule-of-thumb", o.get("model"));
    assertFalse(o.containsKey("waitProbability"));
    assertFalse(o.containsKey("perInstanceMax"));
  }

  @Test
  void targetWaitProbabilitySwitchesToTheQueueingModel() {
    Map<String, Object> o =
        json(
            "--rate",
            "1000",
            "--latency",
            "10ms",
            "--buffer",
            "20%",
            "--target-wait-probability",
            "0.01",
            "--json");

    // Erlang C at 1200/s x 10 ms = 12 Erlangs: C(21) = 0.0129 > 1 %, C(22) = 0.006635
    assertEquals("erlang-c", o.get("model"));
    assertEquals(22.0, o.get("connections"));
    assertEquals(12.0, o.get("ruleOfThumbConnections"));
    assertEquals(0.01, o.get("targetWaitProbability"));
    assertEquals(0.006635299, (Double) o.get("waitProbability"), 1e-9);
    // W = C x 10 ms / (22 - 12)
    assertEquals(0.006635299 * 10 / 10, (Double) o.get("meanWaitMillis"), 1e-9);
    assertTrue((Double) o.get("nominalWaitProbability") < (Double) o.get("waitProbability"));
  }

  @Test
  void queueingModelTextShowsWaitProbabilityAndMeanWait() {
    Result r = size("--rate", "1000", "--latency", "5ms", "--target-wait-probability", "1%");

    assertEquals(0, r.exitCode(), r.err());
    assertTrue(
        r.out()
            .startsWith(
                "Recommended pool size: 12 connections per instance (queueing"
                    + " model, M/M/c Erlang C: the smallest size where at most 1% of checkouts wait at"
                    + " 1000/s)\n"),
        r.out());
    assertTrue(
        r.out().contains("  wait probability  0.5885% of checkouts wait at 1000/s (target 1%)"),
        r.out());
    assertTrue(r.out().contains("  mean wait         0.00420337 ms at 1000/s"), r.out());
  }

  @Test
  void capWithinTheLimitIsReportedWithoutWarning() {
    Map<String, Object> o =
        json(
            "--rate",
            "1000",
            "--latency",
            "10ms",
            "--buffer",
            "20%",
            "--server-max-connections",
            "10000",
            "--instances",
            "40",
            "--json");

    assertEquals(10000.0, o.get("serverMaxConnections"));
    assertEquals(40.0, o.get("instances"));
    assertEquals(250.0, o.get("perInstanceMax"));
    assertEquals(Boolean.FALSE, o.get("exceedsCap"));
    assertTrue(o.containsKey("warning"));
    assertNull(o.get("warning"));
  }

  @Test
  void capExceededWarnsInJsonAndText() {
    String[] args = {
      "--rate",
      "30000",
      "--latency",
      "10ms",
      "--buffer",
      "20%",
      "--server-max-connections",
      "10000",
      "--instances",
      "40"
    };
    Map<String, Object> o = json(append(args, "--json"));
    Result text = size(args);

    assertEquals(360.0, o.get("connections"));
    assertEquals(Boolean.TRUE, o.get("exceedsCap"));
    assertTrue(
        ((String) o.get("warning"))
            .startsWith(
                "the recommended 360 connections per"
                    + " instance exceed the per-instance maximum of 250"),
        (String) o.get("warning"));
    assertEquals(0, text.exitCode());
    assertTrue(
        text.out()
            .contains(
                "cap               250 per instance = floor(10000 server"
                    + " connections / 40 instances): EXCEEDED\nWARNING: the recommended 360"),
        text.out());
  }

  @Test
  void instancesDefaultToOne() {
    Map<String, Object> o =
        json("--rate", "1000", "--latency", "10ms", "--server-max-connections", "8", "--json");

    assertEquals(1.0, o.get("instances"));
    assertEquals(8.0, o.get("perInstanceMax"));
    assertEquals(Boolean.TRUE, o.get("exceedsCap"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"10ms", "10000us", "10000\u00b5s", "0.01s", "1e1ms", "10.0ms"})
  void latencyUnitsGiveTheSameAnswer(String latency) {
    assertEquals(
        12.0,
        json("--rate", "1000", "--latency", latency, "--buffer", "0.2", "--json")
            .get("connections"));
  }

  @Test
  void bufferAsFractionOrPercentAndOptionsWithEqualsSign() {
    assertEquals(
        json("--rate=1000", "--latency=10ms", "--buffer=20%", "--json"),
        json("--rate", "1000", "--latency", "10ms", "--buffer", "0.2", "--json"));
    assertEquals(
        20.0,
        json("--rate", "1000", "--latency", "10ms", "--buffer", "100%", "--json")
            .get("connections"));
  }

  @Test
  void leadingCommandNameIsSkipped() {
    assertEquals(
        size("--rate", "1000", "--latency", "10ms"),
        size("size", "--rate", "1000", "--latency", "10ms"));
  }

  @Test
  void helpPrintsUsageAndSucceeds() {
    for (String flag : new String[] {"--help", "-h"}) {
      Result r = size("--rate", "1000", flag);
      assertEquals(0, r.exitCode());
      assertEquals("", r.err());
      assertTrue(r.out().startsWith("Usage: size --rate"), r.out());
      assertTrue(r.out().contains("--target-wait-probability"), r.out());
      assertTrue(r.out().contains("us, ms or s"), r.out());
    }
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''| Missing required options: '--rate=<n>', '--latency=<time>'",
        "--rate 1000| Missing required option: '--latency=<time>'",
        "--latency 10ms| Missing required option: '--rate=<n>'",
        "--rate 0 --latency 10ms| --rate '0': ratePerSecond must be a finite number > 0",
        "--rate -5 --latency 10ms| --rate '-5': ratePerSecond must be a finite number > 0 (requests per second), but was -5.0",
        "--rate NaN --latency 10ms| Invalid value for option '--rate': must be a decimal number such as 1000 or 2.5, but was 'NaN'",
        "--rate Infinity --latency 10ms| Invalid value for option '--rate': must be a decimal number",
        "--rate 1e400 --latency 10ms| --rate '1e400': ratePerSecond must be a finite number > 0 (requests per second), but was Infinity",
        "--rate 0x10 --latency 10ms| Invalid value for option '--rate': must be a decimal number",
        "--rate 1000 --latency 10| Invalid value for option '--latency': must be a duration (a number > 0 followed by us, ms or s",
        "--rate 1000 --latency 10min| Invalid value for option '--latency': must be a duration",
        "--rate 1000 --latency 0ms| Invalid value for option '--latency': must be at least 1 ns",
        "--rate 1000 --latency -10ms| Invalid value for option '--latency': must be at least 1 ns",
        "--rate 1000 --latency 0.0001us| Invalid value for option '--latency': must be at least 1 ns",
        "--rate 1000 --latency 1e12s| Invalid value for option '--latency': must be at most 292 years",
        "--rate 1000 --latency 10ms --buffer 20| Invalid value for option '--buffer': '20' is ambiguous: write a percentage (20%) or a fraction from 0 to 1 (0.2 = 20%)",
        "--rate 1000 --latency 10ms --buffer -5%| --buffer '-5%': bufferFraction must be a fraction from 0.0 to 1.0",
        "--rate 1000 --latency 10ms --buffer -0.1| --buffer '-0.1': bufferFraction must be a fraction from 0.0 to 1.0",
        "--rate 1000 --latency 10ms --buffer 150%| --buffer '150%': bufferFraction must be a fraction from 0.0 to 1.0 (0.2 means 20 % headroom), but was 1.5",
        "--rate 1000 --latency 10ms --buffer lots| Invalid value for option '--buffer': must be a percentage such as 20% or a fraction such as 0.2, but was 'lots'",
        "--rate 1000 --latency 10ms --target-wait-probability 0| --target-wait-probability '0': targetWaitProbability must be > 0 and < 1",
        "--rate 1000 --latency 10ms --target-wait-probability 100%| --target-wait-probability '100%': targetWaitProbability must be > 0 and < 1",
        "--rate 1000 --latency 10ms --target-wait-probability 5| Invalid value for option '--target-wait-probability': '5' is ambiguous",
        "--rate 1000 --latency 10ms --server-max-connections 0| --server-max-connections 0 --instances 1: serverMaxConnections must be >= 1, but was 0",
        "--rate 1000 --latency 10ms --server-max-connections 10 --instances 0| instances must be >= 1, but was 0",
        "--rate 1000 --latency 10ms --server-max-connections 10 --instances 40| instances must be <= serverMaxConnections (10)",
        "--rate 1000 --latency 10ms --server-max-connections -1| Invalid value for option '--server-max-connections': must be a whole number from 0 to 2147483647, but was '-1'",
        "--rate 1000 --latency 10ms --server-max-connections 3000000000| Invalid value for option '--server-max-connections': must be a whole number",
        "--rate 1000 --latency 10ms --instances 4| --instances needs --server-max-connections",
        "--rate 1e9 --latency 20s| ratePerSecond x latency x (1 + bufferFraction) must be below 10000000 connections, but was 20000000000",
        "--rate 1 --rate 2 --latency 1s| option '--rate' (<n>) should be specified only once",
        "--rate 1 --latency 1s --json --json| option '--json' should be specified only once",
        "--rate --latency 1s| Expected parameter for option '--rate' but found '--latency'",
        "--rate 1 --latency| Missing required parameter for option '--latency' (<time>)",
        "--rate 1 --latency 1s --bogus 3| Unknown options: '--bogus', '3'; the options are --rate,",
        "--rate 1 --latency 1s extra| Unmatched argument at index 4: 'extra'; the options are --rate,",
      })
  void badArgumentsExitWithTwoAndOneLineSayingWhatIsAllowed(String line, String expected) {
    String[] args = line.isEmpty() ? new String[0] : line.split(" ");
    Result r = size(args);

    assertEquals(2, r.exitCode(), r.out() + r.err());
    assertEquals("", r.out());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().startsWith("size: "), r.err());
    assertTrue(r.err().contains(expected), r.err());
    assertTrue(r.err().strip().endsWith("(see size --help)"), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  private static String[] append(String[] args, String extra) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 1);
    all[args.length] = extra;
    return all;
  }
}
