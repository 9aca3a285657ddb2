package io.sockpool.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.bench.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The load harness' command line: help, bad input, and one short real run. */
class LoadHarnessCliTest {

  @Test
  @Timeout(10)
  void helpListsEveryOptionTheClientNamesAndTheDurationSyntax() {
    CliRun run = CliRun.run(LoadCommand::new, "--help");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().startsWith("Usage: LoadHarness "), run.out());
    for (String expected :
        new String[] {
          "--duration",
          "--warmup",
          "--threads",
          "--clients",
          "--fairness-window",
          "--profile",
          "dedicated, dedicated-busy, sockpool",
          "connect",
          "Durations: a number > 0 followed by us, ms or s"
        }) {
      assertTrue(run.out().contains(expected), expected + " missing from " + run.out());
    }
  }

  @Test
  @Timeout(10)
  void aWarmupWithoutUnitIsRefusedInOneLine() {
    CliRun.run(LoadCommand::new, "--warmup", "2")
        .assertRefusedWith(
            "LoadHarness: Invalid value for option '--warmup': must be a duration (a number > 0"
                + " followed by us, ms or s, or m for minutes, e.g. 10ms, 250us, 1.5s, 2m), but"
                + " was '2' (see LoadHarness --help)");
  }

  @Test
  @Timeout(10)
  void aValueOutOfRangeIsRefusedInOneLine() {
    CliRun.run(LoadCommand::new, "--rounds", "0")
        .assertRefusedWith(
            "LoadHarness: --rounds must be in 1..100, but was 0 (see LoadHarness --help)");
  }

  @Test
  @Timeout(60)
  void aShortRunOfOneClientWritesTheTableAndTheCsv(@TempDir Path out) {
    CliRun run =
        CliRun.run(
            LoadCommand::new,
            "--duration",
            "300ms",
            "--warmup",
            "100ms",
            "--threads",
            "1/1",
            "--clients",
            "dedicated",
            "--out",
            out.toString());
    assertEquals(0, run.code(), run.out() + run.err());
    assertTrue(run.out().contains("dedicated"), run.out());
    assertTrue(Files.isRegularFile(out.resolve("results.csv")), run.out());
  }
}
