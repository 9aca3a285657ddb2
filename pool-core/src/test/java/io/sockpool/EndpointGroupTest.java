package io.sockpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bad groups and bad outlier settings are refused at creation, naming what and what is allowed. */
@Timeout(10)
class EndpointGroupTest {
  private static final Endpoint A = Endpoint.of("127.0.0.1", 7001);
  private static final Endpoint B = Endpoint.of("127.0.0.2", 7001);

  private static String message(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void anEmptyGroupIsRefused() {
    assertEquals(
        "group 'cache' has no member; give at least one endpoint",
        message(() -> EndpointGroup.of("cache", List.of())));
  }

  @Test
  void aDuplicateMemberIsRefused() {
    assertEquals(
        "group 'cache' lists 127.0.0.1:7001 twice; each member must appear once",
        message(() -> EndpointGroup.of("cache", List.of(A, B, A))));
  }

  @Test
  void badNamesWeightsAndSizesAreRefusedWithTheRange() {
    assertTrue(message(() -> EndpointGroup.of("", List.of(A))).contains("but was ''"));
    assertTrue(message(() -> EndpointGroup.of("a b", List.of(A))).contains("1..100 letters"));
    assertEquals(
        "weight of 127.0.0.1:7001 in group 'g' must be in 1..1000, but was 0",
        message(() -> EndpointGroup.builder("g").member(A, 0)));
    assertEquals("members must not be null", message(() -> EndpointGroup.of("g", null)));
    List<Endpoint> many = new ArrayList<>();
    for (int i = 0; i < 65; i++) {
      many.add(Endpoint.of("127.0.0.1", 7000 + i));
    }
    assertTrue(message(() -> EndpointGroup.of("g", many)).contains("at most 64 members"));
  }

  @Test
  void outlierSettingsOutOfRangeAreRefused() {
    assertEquals(
        "consecutiveFailures must be >= 1, but was 0",
        message(() -> OutlierDetection.DEFAULTS.withConsecutiveFailures(0)));
    assertEquals(
        "maxEjectionTime must be >= baseEjectionTime (PT2S), but was PT1S",
        message(
            () ->
                OutlierDetection.DEFAULTS.withEjectionTime(
                    Duration.ofSeconds(2), Duration.ofSeconds(1))));
    assertEquals(
        "maxEjectionPercent must be in 0..100, but was 101",
        message(() -> OutlierDetection.DEFAULTS.withMaxEjectionPercent(101)));
  }

  @Test
  void aGroupKeepsOrderWeightsAndEquality() {
    EndpointGroup g = EndpointGroup.builder("g").member(B, 3).member(A).build();
    assertEquals(List.of(B, A), g.members());
    assertEquals(3, g.weight(B));
    assertEquals(g, EndpointGroup.builder("g").member(B, 3).member(A).build());
    assertEquals("EndpointGroup{g: 127.0.0.2:7001 x3, 127.0.0.1:7001}", g.toString());
  }
}
