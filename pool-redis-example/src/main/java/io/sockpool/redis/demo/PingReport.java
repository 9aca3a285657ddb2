package io.sockpool.redis.demo;

import io.sockpool.DestroyReason;
import io.sockpool.EndpointStats;
import io.sockpool.redis.demo.cli.Json;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** The final report of a {@code ping} run, as text and as one JSON object. */
final class PingReport {
  private final PingLoad.Result result;
  private final int poolSize;
  private final Optional<DemoSizing> sizing;
  private final Duration meanHold;
  private final ClientKiller killer;

  PingReport(PingLoad.Result result, int poolSize, OptionalInt maxClients, ClientKiller killer) {
    this.result = result;
    this.poolSize = poolSize;
    this.killer = killer;
    // the time a PING holds a connection: its latency minus the wait for the connection
    long meanLatencyNanos = Math.round(result.latencyNanos.getMean());
    long holdNanos = Math.max(0, meanLatencyNanos - result.pool.waitMean().toNanos());
    this.meanHold = Duration.ofNanos(holdNanos);
    this.sizing = DemoSizing.recommend(result.opsPerSecond(), meanHold, maxClients);
  }

  void printText(PrintStream out) {
    EndpointStats s = result.pool;
    out.println("result:");
    out.printf(
        Locale.ROOT,
        "  ops             %,d in %.1f s = %,.0f ops/s%n",
        result.ops,
        result.elapsedNanos / 1e9,
        result.opsPerSecond());
    out.printf(
        "  errors          %d%s%n",
        result.errors,
        result.errors == 0 ? "" : " " + result.errorsByType + "; first: " + result.firstError);
    out.printf(
        "  latency         p50 %,d us  p99 %,d us  p999 %,d us  max %,d us (checkout included)%n",
        micros(50), micros(99), micros(99.9), PingLoad.micros(result.latencyNanos.getMaxValue()));
    StringBuilder reasons = new StringBuilder();
    for (DestroyReason r : DestroyReason.values()) {
      reasons
          .append(reasons.length() == 0 ? "" : ", ")
          .append(r.name().toLowerCase(Locale.ROOT))
          .append(' ')
          .append(s.destroyed(r));
    }
    out.printf(
        "  pool            size %d, created %d, destroyed %d (%s)%n",
        poolSize, s.created(), s.destroyedTotal(), reasons);
    out.printf(
        "  checkout wait   mean %,d us  p99 %,d us  max %,d us; timeouts %d, rejected %d%n",
        s.waitMean().toNanos() / 1000,
        s.waitP99().toNanos() / 1000,
        s.waitMax().toNanos() / 1000,
        s.timeouts(),
        s.rejected());
    if (killer != null) {
      out.printf(
          "  client kills    %d rounds closed %d connections; callers that saw an error: %d%s%n",
          killer.rounds(),
          killer.killed(),
          result.errors,
          killer.failure() == null ? "" : " (killing stopped: " + killer.failure() + ")");
    }
    if (sizing.isPresent()) {
      DemoSizing z = sizing.get();
      out.printf(
          Locale.ROOT,
          "  sizing          %,.0f ops/s x %,d us mean hold = %.2f busy connections;"
              + " +%.0f %% headroom -> recommended pool size %d (used: %d)%n",
          result.opsPerSecond(),
          meanHold.toNanos() / 1000,
          z.baseConcurrency,
          DemoSizing.BUFFER * 100,
          z.connections,
          poolSize);
      z.warning.ifPresent(w -> out.println("  sizing warning  " + w));
    } else {
      out.printf(
          "  sizing          no recommendation: no successful request to measure (used: %d)%n",
          poolSize);
    }
  }

  String json() {
    EndpointStats s = result.pool;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ops", result.ops);
    m.put("errors", result.errors);
    m.put("durationMillis", result.elapsedNanos / 1_000_000);
    m.put("opsPerSecond", Math.round(result.opsPerSecond()));
    m.put("p50Micros", micros(50));
    m.put("p99Micros", micros(99));
    m.put("p999Micros", micros(99.9));
    m.put("maxMicros", PingLoad.micros(result.latencyNanos.getMaxValue()));
    m.put("poolSize", poolSize);
    m.put("recommendedPoolSize", sizing.map(z -> (Object) z.connections).orElse(null));
    m.put(
        "baseConcurrency",
        sizing.map(z -> (Object) (Math.round(z.baseConcurrency * 100) / 100.0)).orElse(null));
    m.put("meanHoldMicros", meanHold.toNanos() / 1000);
    m.put("created", s.created());
    m.put("destroyed", s.destroyedTotal());
    Map<String, Object> reasons = new LinkedHashMap<>();
    for (DestroyReason r : DestroyReason.values()) {
      reasons.put(r.name().toLowerCase(Locale.ROOT), s.destroyed(r));
    }
    m.put("destroyedByReason", reasons);
    m.put("checkoutWaitMeanMicros", s.waitMean().toNanos() / 1000);
    m.put("checkoutWaitP99Micros", s.waitP99().toNanos() / 1000);
    m.put("checkoutWaitMaxMicros", s.waitMax().toNanos() / 1000);
    m.put("checkoutTimeouts", s.timeouts());
    if (killer != null) {
      m.put("killRounds", killer.rounds());
      m.put("killedConnections", killer.killed());
    }
    Map<String, Object> errors = new LinkedHashMap<>(result.errorsByType);
    m.put("errorsByType", errors);
    return Json.write(m);
  }

  private long micros(double percentile) {
    return PingLoad.micros(result.latencyNanos.getValueAtPercentile(percentile));
  }
}
