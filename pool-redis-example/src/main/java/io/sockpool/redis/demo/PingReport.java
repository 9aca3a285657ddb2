package io.sockpool.redis.demo;

import io.sockpool.DestroyReason;
import io.sockpool.EndpointStats;
import io.sockpool.TlsStats;
import io.sockpool.redis.demo.cli.Json;
import io.sockpool.sizing.LiveSizing;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/** The final report of a {@code ping} run, as text and as one JSON object. */
final class PingReport {
  private final PingLoad.Result result;
  private final int poolSize;
  private final LiveSizing sizing;
  private final ClientKiller killer;
  private TlsStats tlsBefore; // null: a plaintext run
  private TlsStats tlsAfter;

  /**
   * @param maxClients the server's client limit, if known: the pool size was already kept under it,
   *     so the live sizing's cap (the pool size) is the tighter one
   */
  PingReport(PingLoad.Result result, int poolSize, OptionalInt maxClients, ClientKiller killer) {
    this.result = result;
    this.poolSize = poolSize;
    this.killer = killer;
    this.sizing = result.sizing;
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
    out.print(sizingLines(sizing, poolSize));
  }

  /**
   * The sizing summary and, when the pool's cap binds, the warning. The summary names the same size
   * as the warning: when Erlang C needs more connections than the cap allows, the summary says so
   * instead of recommending the capped size as if it met the target.
   */
  static String sizingLines(LiveSizing z, int poolSize) {
    if (z.neededConnections().isEmpty()) {
      return String.format(
          Locale.ROOT,
          "  sizing          no recommendation: %s (used: %d)%n",
          z.warning().orElse("no successful request to measure"),
          poolSize);
    }
    int needed = z.neededConnections().getAsInt();
    String target =
        String.format(Locale.ROOT, "<= %.0f %% waiting", z.targetWaitProbability() * 100);
    String verdict =
        z.capBinds()
            ? String.format(
                Locale.ROOT,
                "needs %d connections for %s, above the cap of %d (used: %d)",
                needed,
                target,
                z.cap(),
                poolSize)
            : String.format(
                Locale.ROOT,
                "recommended pool size %d (used: %d) for %s",
                z.recommendedConnections().getAsInt(),
                poolSize,
                target);
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            Locale.ROOT,
            "  sizing          live, last %d s: %,.0f checkouts/s x %,d us mean hold = %.2f busy"
                + " connections; %.1f %% waited (Erlang C: %s at %d) -> %s%n",
            z.sample().span().toSeconds(),
            z.ratePerSecond(),
            z.meanHold().orElseThrow().toNanos() / 1000,
            z.atCurrentSize().orElseThrow().offeredLoad(),
            z.measuredWaitProbability().orElse(0) * 100,
            z.predictedWaitProbability().isPresent()
                ? String.format(
                    Locale.ROOT, "%.1f %%", z.predictedWaitProbability().getAsDouble() * 100)
                : "unstable",
            z.currentSize(),
            verdict));
    z.warning()
        .ifPresent(
            w ->
                text.append("  sizing warning  ")
                    .append(w)
                    .append(
                        " (note: this demo is a closed loop, whose callers never need more"
                            + " connections than there are callers; Erlang C assumes random"
                            + " arrivals)")
                    .append(System.lineSeparator()));
    return text.toString();
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
    m.put(
        "recommendedPoolSize",
        sizing.recommendedConnections().isPresent()
            ? (Object) sizing.recommendedConnections().getAsInt()
            : null);
    m.put(
        "neededPoolSize",
        sizing.neededConnections().isPresent()
            ? (Object) sizing.neededConnections().getAsInt()
            : null);
    m.put(
        "baseConcurrency",
        sizing
            .atCurrentSize()
            .map(q -> (Object) (Math.round(q.offeredLoad() * 100) / 100.0))
            .orElse(null));
    m.put("meanHoldMicros", sizing.meanHold().map(h -> (Object) (h.toNanos() / 1000)).orElse(null));
    m.put(
        "measuredWaitShare",
        sizing.measuredWaitProbability().isPresent()
            ? (Object) sizing.measuredWaitProbability().getAsDouble()
            : null);
    m.put(
        "predictedWaitShare",
        sizing.predictedWaitProbability().isPresent()
            ? (Object) sizing.predictedWaitProbability().getAsDouble()
            : null);
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
    m.put("tls", tlsJson());
    return Json.write(m);
  }

  /**
   * Adds the pool's TLS counts to the report: totals at the end, and the handshakes of the measured
   * run (0 in steady state: checkouts served from the pool do none; each kill costs one).
   *
   * @param before the pool's counts when the measured run started
   * @param after the pool's counts when it ended
   */
  void tls(TlsStats before, TlsStats after) {
    this.tlsBefore = before;
    this.tlsAfter = after;
  }

  /** The {@code tls} object of the JSON summary; null for a plaintext run. */
  private Map<String, Object> tlsJson() {
    if (tlsAfter == null) {
      return null;
    }
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("handshakes", tlsAfter.handshakes());
    t.put("resumedHandshakes", tlsAfter.resumedHandshakes());
    t.put("failedHandshakes", tlsAfter.failedHandshakes());
    t.put("handshakesDuringRun", tlsAfter.handshakes() - tlsBefore.handshakes());
    t.put("resumedDuringRun", tlsAfter.resumedHandshakes() - tlsBefore.resumedHandshakes());
    t.put(
        "meanHandshakeMicros",
        tlsAfter.handshakes() == 0
            ? 0
            : tlsAfter.handshakeTime().toNanos() / 1000 / tlsAfter.handshakes());
    return t;
  }

  private long micros(double percentile) {
    return PingLoad.micros(result.latencyNanos.getValueAtPercentile(percentile));
  }
}
