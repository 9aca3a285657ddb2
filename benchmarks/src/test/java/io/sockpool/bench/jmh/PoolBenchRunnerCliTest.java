package io.sockpool.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.bench.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The JMH runner's command line: help, bad input, and one tiny in-process JMH run. */
class PoolBenchRunnerCliTest {

  @Test
  @Timeout(10)
  void helpListsItsOptionsAndSaysTheRestGoesToJmh() {
    CliRun run = CliRun.run(PoolBenchRunner::new, "--help");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().startsWith("Usage: PoolBenchRunner "), run.out());
    assertTrue(run.out().contains("--threads"), run.out());
    assertTrue(run.out().contains("--csv"), run.out());
    assertTrue(run.out().contains("goes to JMH"), run.out());
  }

  @Test
  @Timeout(10)
  void aThreadCountBelowOneIsRefusedInOneLine() {
    CliRun.run(PoolBenchRunner::new, "--threads", "2,0")
        .assertRefusedWith(
            "PoolBenchRunner: --threads values must be >= 1, but were [2, 0]"
                + " (see PoolBenchRunner --help)");
  }

  @Test
  @Timeout(10)
  void aBadJmhOptionIsRefusedInOneLine() {
    CliRun run = CliRun.run(PoolBenchRunner::new, "-f", "many");
    assertEquals(2, run.code(), run.out() + run.err());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(run.err().startsWith("PoolBenchRunner: JMH options [-f, many]: "), run.err());
  }

  @Test
  @Timeout(120)
  void oneShortInProcessRunPrintsTheTable() {
    CliRun run =
        CliRun.run(
            PoolBenchRunner::new,
            "--threads",
            "1",
            "-f",
            "0",
            "-wi",
            "0",
            "-i",
            "1",
            "-r",
            "200ms",
            "CheckoutReturnBench.sockpool");
    assertEquals(0, run.code(), run.out() + run.err());
    assertTrue(run.out().contains("CheckoutReturnBench    sockpool"), run.out());
  }
}
