package io.sockpool.bench.sizing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.Endpoint;
import io.sockpool.testkit.FakePeer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A short run of the model check: it drives the real pool and leaks nothing. */
@Timeout(60)
class SizingModelCheckSmokeTest {

  @Test
  void anUndersizedPoolWaitsMoreThanALargeOneAndNothingLeaks() throws Exception {
    // 500/s x 2 ms = 1 Erlang: Erlang C predicts 1/3 of checkouts wait on 2 connections and
    // practically none on 20. The bound below is far looser than that.
    SizingModelCheck.Plan plan =
        new SizingModelCheck.Plan(
            500,
            Duration.ofMillis(2),
            Duration.ofMillis(600),
            Duration.ofMillis(200),
            Duration.ofNanos(200_000),
            0.01,
            List.of(2, 20),
            List.of(SizingModelCheck.Service.EXPONENTIAL),
            32,
            7);
    try (FakePeer server = new FakePeer(ServiceTime::new)) {
      Endpoint endpoint = Endpoint.of("127.0.0.1", server.port());
      SizingModelCheck.Row small =
          SizingModelCheck.run(plan, endpoint, SizingModelCheck.Service.EXPONENTIAL, 2);
      SizingModelCheck.Row large =
          SizingModelCheck.run(plan, endpoint, SizingModelCheck.Service.EXPONENTIAL, 20);

      assertEquals(0, small.failures());
      assertEquals(0, large.failures());
      assertTrue(small.measured() > 100, "checkouts measured: " + small.measured());
      // the prediction uses the measured hold time, which a busy machine stretches (2 ms held for
      // 6 ms: an offered load of 2.99 on 2 connections); then the model predicts an unbounded
      // queue, which is "more waiting" too
      assertTrue(
          !small.predicted().stable() || small.predicted().waitProbability() > 0.15,
          small.predicted().toString());
      assertTrue(
          small.measuredShare() > large.measuredShare() + 0.05,
          "small " + small.measuredShare() + " large " + large.measuredShare());
      assertTrue(
          SizingModelCheck.format(small).startsWith("| exponential | 2 | "),
          SizingModelCheck.format(small));
      assertTrue(
          server.awaitOpenAtMost(0, Duration.ofSeconds(5)),
          server.open() + " connections left open after the pools closed");
    }
  }
}
