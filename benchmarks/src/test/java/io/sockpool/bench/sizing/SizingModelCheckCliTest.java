package io.sockpool.bench.sizing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.bench.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The sizing model check's command line: help, bad input, and one short real run. */
class SizingModelCheckCliTest {

  @Test
  @Timeout(10)
  void helpListsEveryOptionAndTheDurationSyntax() {
    CliRun run = CliRun.run(SizingCheckCommand::new, "--help");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().startsWith("Usage: SizingModelCheck "), run.out());
    for (String expected :
        new String[] {
          "--rate",
          "--service",
          "--duration",
          "--warmup",
          "--threshold",
          "--sizes",
          "--seed",
          "Durations: a number > 0 followed by us, ms or s"
        }) {
      assertTrue(run.out().contains(expected), expected + " missing from " + run.out());
    }
  }

  @Test
  @Timeout(10)
  void aWarmupInPlainSecondsIsRefusedAsInTheLoadHarness() {
    CliRun.run(SizingCheckCommand::new, "--warmup", "1")
        .assertRefusedWith(
            "SizingModelCheck: Invalid value for option '--warmup': must be a duration (a number"
                + " > 0 followed by us, ms or s, or m for minutes, e.g. 10ms, 250us, 1.5s, 2m),"
                + " but was '1' (see SizingModelCheck --help)");
  }

  @Test
  @Timeout(10)
  void aTargetOutOfRangeIsRefusedInOneLine() {
    CliRun.run(SizingCheckCommand::new, "--target", "0")
        .assertRefusedWith(
            "SizingModelCheck: --target must be > 0 and < 1, but was 0.0"
                + " (see SizingModelCheck --help)");
  }

  @Test
  @Timeout(60)
  void aShortRunPrintsARowPerSize() {
    CliRun run =
        CliRun.run(
            SizingCheckCommand::new,
            "--rate",
            "500",
            "--service",
            "2ms",
            "--duration",
            "300ms",
            "--warmup",
            "100ms",
            "--sizes",
            "2,8",
            "--distributions",
            "exponential",
            "--threads",
            "16");
    assertEquals(0, run.code(), run.out() + run.err());
    assertTrue(run.out().contains("| exponential | 2 | "), run.out());
    assertTrue(run.out().contains("| exponential | 8 | "), run.out());
    assertTrue(run.out().contains("300 ms measured per row after 100 ms warm-up"), run.out());
  }
}
