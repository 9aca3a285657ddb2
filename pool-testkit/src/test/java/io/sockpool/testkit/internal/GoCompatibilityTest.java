package io.sockpool.testkit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pieces that must match Go exactly: number printing, address text, toxic arithmetic. */
class GoCompatibilityTest {

  @Test
  @Timeout(value = 5, unit = TimeUnit.SECONDS)
  void toxicityPrintsLikeGoFloat32() {
    assertEquals("1", GoJson.formatFloat32(1f));
    assertEquals("0", GoJson.formatFloat32(0f));
    assertEquals("0.5", GoJson.formatFloat32(0.5f));
    assertEquals("0.1", GoJson.formatFloat32(0.1f));
    assertEquals("0.33", GoJson.formatFloat32(0.33f));
    assertEquals("1e-07", GoJson.formatFloat32(1e-7f));
    assertEquals("1.5e+21", GoJson.formatFloat32(1.5e21f));
    assertEquals("123456", GoJson.formatFloat32(123456f));
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.SECONDS)
  void addressesParseAndPrintAsGoNet() throws Exception {
    assertEquals("127.0.0.1:0", Addresses.resolve("localhost:0").text());
    assertEquals(":8080", Addresses.resolve(":8080").text());
    assertEquals("[::]:4000", Addresses.resolve(":0").boundText(4000));
    assertEquals("[::1]:80", Addresses.resolve("[::1]:80").text());
    assertEquals("::", Addresses.compressIpv6(new byte[16]));
    assertEquals(
        "fe80::1:0:0:2",
        Addresses.compressIpv6(InetAddress.getByName("fe80:0:0:0:1:0:0:2").getAddress()));
    ApiException e = assertThrows(ApiException.class, () -> Addresses.resolve("bad"));
    assertEquals(500, e.status());
    assertEquals("address bad: missing port in address", e.getMessage());
    assertEquals(
        "address a:b:1: too many colons in address",
        assertThrows(ApiException.class, () -> Addresses.resolve("a:b:1")).getMessage());
    assertTrue(
        assertThrows(ApiException.class, () -> Addresses.resolve("x:99999"))
            .getMessage()
            .contains("invalid port"));
  }

  private static ToxicDef def(ToxicType type, long... attrs) {
    return new ToxicDef("t", type, "downstream", false, 1f, attrs);
  }

  private static List<Segment> run(Stage s, int bytes, long at) {
    List<Segment> in = new ArrayList<>(List.of(Segment.data(ByteBuffer.allocate(bytes), at, at)));
    List<Segment> out = new ArrayList<>();
    s.process(in, out, new java.util.Random(1));
    return out;
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.SECONDS)
  void slicerCutsLikeGo() {
    List<Segment> out = run(Stage.create(def(ToxicType.SLICER, 10, 0, 20_000)), 100, 0);
    assertEquals(16, out.size());
    int total = 0;
    for (int i = 0; i < out.size(); i++) {
      int len = out.get(i).length();
      assertTrue(len == 6 || len == 7, "piece of " + len);
      assertEquals(i * 20_000_000L, out.get(i).due, "20 ms apart");
      total += len;
    }
    assertEquals(100, total);
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.SECONDS)
  void bandwidthOf50KbPerSecondTakesTwoSecondsFor100000Bytes() {
    Stage bw = Stage.create(def(ToxicType.BANDWIDTH, 50));
    List<Segment> out = new ArrayList<>();
    long t = 0;
    for (int i = 0; i < 4; i++) {
      out = run(bw, 25_000, t);
    }
    assertEquals(2_000_000_000L, out.get(out.size() - 1).due);
    assertEquals(5000, out.get(0).length(), "cut into rate*100-byte pieces");
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.SECONDS)
  void limitDataTruncatesTheCrossingChunkAndEndsAtTheLimit() {
    Stage limit = Stage.create(def(ToxicType.LIMIT_DATA, 10));
    assertEquals(6, run(limit, 6, 0).get(0).length());
    assertTrue(!limit.takeEndRequest());
    assertEquals(4, run(limit, 16, 5).get(0).length());
    assertTrue(limit.takeEndRequest());
    assertEquals(5, limit.endAt());
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.SECONDS)
  void bodiesGoRejectsAreBadRequests() throws Exception {
    assertEquals(2, GoJson.parse("{\"a\": null, \"b\": [true, 3]}").getAsJsonObject().size());
    // Go's encoding/json takes only lower-case literals, no \' escape and no raw control
    // characters inside strings; each is a 400, not a value.
    for (String body :
        List.of(
            "{\"enabled\": TRUE}",
            "{\"name\": NULL}",
            "{\"name\": \"a\\'b\"}",
            "{\"name\": \"a\tb\"}")) {
      ApiException e = assertThrows(ApiException.class, () -> GoJson.parse(body), body);
      assertEquals(400, e.status(), body);
    }
  }
}
