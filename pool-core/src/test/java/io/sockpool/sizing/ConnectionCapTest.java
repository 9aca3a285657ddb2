package io.sockpool.sizing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(10)
class ConnectionCapTest {

  @ParameterizedTest(name = "{0} / {1} -> {2}")
  @CsvSource({"10000, 40, 250", "10000, 3, 3333", "10, 10, 1", "10, 11, 0", "1, 1, 1", "7, 2, 3"})
  void perInstanceMaxIsTheFloorOfTheShare(int server, int instances, int expected) {
    if (expected == 0) {
      assertThrows(IllegalArgumentException.class, () -> ConnectionCap.of(server, instances));
      return;
    }
    assertEquals(expected, ConnectionCap.of(server, instances).perInstanceMax());
  }

  @Test
  void onlySizesAboveThePerInstanceMaxExceedIt() {
    ConnectionCap cap = ConnectionCap.of(10_000, 40);

    assertFalse(cap.isExceededBy(250));
    assertTrue(cap.isExceededBy(251));
  }

  @Test
  void invalidValuesAreRejectedNamingThem() {
    assertEquals(
        "serverMaxConnections must be >= 1, but was 0",
        assertThrows(IllegalArgumentException.class, () -> ConnectionCap.of(0, 1)).getMessage());
    assertEquals(
        "instances must be >= 1, but was -3",
        assertThrows(IllegalArgumentException.class, () -> ConnectionCap.of(100, -3)).getMessage());
    assertEquals(
        "instances must be <= serverMaxConnections (30) so that each instance may hold"
            + " at least one connection, but was 40",
        assertThrows(IllegalArgumentException.class, () -> ConnectionCap.of(30, 40)).getMessage());
  }

  @Test
  void equalCapsAreEqual() {
    assertEquals(ConnectionCap.of(100, 4), ConnectionCap.of(100, 4));
    assertEquals(ConnectionCap.of(100, 4).hashCode(), ConnectionCap.of(100, 4).hashCode());
    assertFalse(ConnectionCap.of(100, 4).equals(ConnectionCap.of(100, 5)));
  }
}
