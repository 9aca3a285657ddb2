package io.sockpool.bench.preconnect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.bench.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The preconnect step harness's command line: bad input, and one short real run. */
class PreconnectStepCliTest {

  @Test
  @Timeout(10)
  void aStepShorterThanTheMeasuredSecondIsRefusedInOneLine() {
    CliRun.run(PreconnectCommand::new, "--after", "500ms")
        .assertRefusedWith(
            "PreconnectStep: --before and --after must be >= 1s (a second is measured in each),"
                + " but were PT4S and PT0.5S (see PreconnectStep --help)");
  }

  @Test
  @Timeout(10)
  void aHeadroomBelowOneIsRefusedInOneLine() {
    CliRun.run(PreconnectCommand::new, "--headroom", "0.5")
        .assertRefusedWith(
            "PreconnectStep: --headroom must be between 1 and 100 (a factor on the measured rate),"
                + " but was 0.5 (see PreconnectStep --help)");
  }

  @Test
  @Timeout(10)
  void aNegativePeerCoreOtherThanMinusOneIsRefusedInOneLine() {
    CliRun.run(PreconnectCommand::new, "--peer-core", "-2")
        .assertRefusedWith(
            "PreconnectStep: --peer-core must be a CPU number >= 0 (or -1: the peer in this JVM),"
                + " but was -2 (see PreconnectStep --help)");
  }

  @Test
  @Timeout(120)
  void aShortRunPrintsARunWithAndWithoutPreconnectAndTheTable() {
    CliRun run =
        CliRun.run(
            PreconnectCommand::new,
            "--low",
            "100",
            "--high",
            "500",
            "--before",
            "1s",
            "--after",
            "1s",
            "--rounds",
            "1",
            "--headroom",
            "2.5",
            "--peer-core",
            "0",
            "--inline-ready");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("round 1 preconnect false"), run.out());
    assertTrue(run.out().contains("round 1 preconnect true"), run.out());
    assertTrue(run.out().contains("| on (headroom 2.5) |"), run.out());
    assertTrue(
        run.out()
            .contains(
                "peer: a JVM of its own, pinned to CPU 0; ready connections served in the driver's"
                    + " thread (asyncInlineWhenReady)"),
        run.out());
    assertTrue(run.out().contains(" by preconnect), model "), run.out());
    assertTrue(
        run.out().contains("| driver late p99 steady (ms) | step | last second |"), run.out());
    assertEquals(
        2,
        run.out()
            .lines()
            .filter(l -> l.matches(".*driver lateness [0-9.]+ / [0-9.]+ / [0-9.]+ ms, the call.*"))
            .count(),
        run.out());
  }
}
