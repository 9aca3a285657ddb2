package io.sockpool.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.bench.CliRun;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The JFR overhead runner's command line and its table of medians and per-round ratios. */
@Timeout(10)
class JfrOverheadRunnerTest {

  @Test
  void theTableGivesMediansSpreadAndTheMedianOfThePerRoundRatios() {
    Map<String, double[]> scores = new LinkedHashMap<>();
    scores.put("off", new double[] {100, 200, 110});
    scores.put("recording", new double[] {100, 200, 110});
    // per-round ratios 1.10, 1.05, 1.20: median 1.10, range 1.05 - 1.20
    scores.put("events", new double[] {110, 210, 132});
    String table = JfrOverheadRunner.table(scores, 1);
    assertTrue(table.contains("1 thread(s), 3 rounds"), table);
    assertTrue(
        table
            .lines()
            .anyMatch(l -> l.matches("off\\s+110\\.0\\s+91%\\s+1\\.000\\s+1\\.000 - 1\\.000")),
        table);
    assertTrue(
        table
            .lines()
            .anyMatch(l -> l.matches("events\\s+132\\.0\\s+76%\\s+1\\.100\\s+1\\.050 - 1\\.200")),
        table);
  }

  @Test
  void helpNamesTheModesOptionsAndJmhPassThrough() {
    CliRun run = CliRun.run(JfrOverheadRunner::new, "--help");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().startsWith("Usage: JfrOverheadRunner "), run.out());
    assertTrue(run.out().contains("--rounds"), run.out());
    assertTrue(run.out().contains("goes to JMH"), run.out());
  }

  @Test
  void zeroRoundsAreRefusedInOneLine() {
    CliRun run = CliRun.run(JfrOverheadRunner::new, "--rounds", "0");
    assertEquals(2, run.code(), run.out() + run.err());
    assertEquals(1, run.err().lines().count(), run.err());
  }
}
