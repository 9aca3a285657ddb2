package io.sockpool.redis.demo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class JsonTest {

  @Test
  void writesMembersInOrderOnOneLineKeepingNullsAndNesting() {
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("idle", 2L);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ops", 12L);
    m.put("rate", 0.25);
    m.put("warning", null);
    m.put("ok", true);
    m.put("text", "a \"quoted\" 'word'\n<tab>\t");
    m.put("destroyed", inner);
    assertEquals(
        "{\"ops\":12,\"rate\":0.25,\"warning\":null,\"ok\":true,"
            + "\"text\":\"a \\\"quoted\\\" 'word'\\n<tab>\\t\",\"destroyed\":{\"idle\":2}}",
        Json.write(m));
  }

  @Test
  void nanAndInfinityAreRefusedNamingTheValue() {
    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of("x", bad)));
      assertTrue(e.getMessage().contains(String.valueOf(bad)), e.getMessage());
    }
  }
}
