package io.sockpool.redis.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.Endpoint;
import io.sockpool.EndpointStats;
import io.sockpool.sizing.LiveSizing;
import io.sockpool.sizing.TrafficSample;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The sizing part of the {@code ping} report: the summary and the warning name the same size. */
@Timeout(10)
class PingReportTest {
  private static final Endpoint REDIS = Endpoint.of("127.0.0.1", 6379);
  private static final Pattern SUMMARY_SIZE =
      Pattern.compile("-> (?:recommended pool size|needs) (\\d+)");
  private static final Pattern WARNING_SIZE =
      Pattern.compile("needs (\\d+) connections for at most");

  /** 37,133 checkouts/s held 199 us each for 3 s: a load of 7.39 connections. */
  private static LiveSizing measured(int poolSize) {
    long checkouts = 111_399;
    return LiveSizing.of(
        REDIS,
        new TrafficSample(
            Duration.ofSeconds(3), checkouts, 0, checkouts, Duration.ofNanos(checkouts * 199_000)),
        poolSize,
        poolSize,
        LiveSizing.DEFAULT_TARGET_WAIT_PROBABILITY);
  }

  private static String report(LiveSizing sizing, int poolSize) {
    PingLoad.Result result =
        new PingLoad.Result(
            111_399,
            0,
            Map.of(),
            null,
            3_000_000_000L,
            new Histogram(3),
            EndpointStats.empty(REDIS),
            sizing);
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    new PingReport(result, poolSize, java.util.OptionalInt.empty(), null)
        .printText(new PrintStream(text, true, StandardCharsets.UTF_8));
    return text.toString(StandardCharsets.UTF_8);
  }

  private static int sizeIn(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    assertTrue(m.find(), () -> "no " + pattern + " in:\n" + text);
    return Integer.parseInt(m.group(1));
  }

  @Test
  void whenTheCapBindsTheSummaryNamesTheSizeTheWarningAsksFor() {
    LiveSizing sizing = measured(8);
    assertTrue(sizing.capBinds(), sizing::toString);

    String text = report(sizing, 8);

    int warned = sizeIn(WARNING_SIZE, text);
    assertEquals(sizing.neededConnections().getAsInt(), warned, text);
    assertEquals(warned, sizeIn(SUMMARY_SIZE, text), text);
    assertTrue(text.contains("above the cap of 8 (used: 8)"), text);
    assertFalse(text.contains("recommended pool size 8"), text);
  }

  @Test
  void whenTheCapDoesNotBindTheSummaryRecommendsAndNothingWarns() {
    LiveSizing sizing = measured(32);
    assertFalse(sizing.capBinds(), sizing::toString);

    String text = report(sizing, 32);

    assertEquals(sizing.recommendedConnections().getAsInt(), sizeIn(SUMMARY_SIZE, text), text);
    assertTrue(text.contains("recommended pool size"), text);
    assertFalse(text.contains("sizing warning"), text);
  }

  @Test
  void withNothingMeasuredTheReportSaysThereIsNoRecommendation() {
    LiveSizing sizing = LiveSizing.of(REDIS, TrafficSample.EMPTY, 8, 8, 0.01);

    String text = report(sizing, 8);

    assertTrue(
        text.contains("no recommendation: no successful request to measure (used: 8)"), text);
  }
}
