package io.sockpool.testkit;

import static io.sockpool.testkit.Net.connect;
import static io.sockpool.testkit.Net.http;
import static io.sockpool.testkit.Net.readToEof;
import static io.sockpool.testkit.Net.roundTripMillis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.Toxic;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import eu.rekawek.toxiproxy.model.toxic.Latency;
import eu.rekawek.toxiproxy.model.toxic.Slicer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every endpoint of the API, through toxiproxy-java where it has a call and raw HTTP otherwise. */
class ProxyApiTest {
  @RegisterExtension static final ToxiproxyExtension TOXIPROXY = new ToxiproxyExtension();

  private static FakePeer echo;
  private static FakePeer otherEcho;

  @BeforeAll
  static void startEcho() throws IOException {
    echo = FakePeer.echo();
    otherEcho = FakePeer.echo();
  }

  @AfterAll
  static void stopEcho() {
    echo.close();
    otherEcho.close();
  }

  private static String url(String path) {
    return TOXIPROXY.url() + path;
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void versionAnswersTheToxiproxyVersionAsJson() throws IOException {
    assertEquals(
        "{\"version\": \"2.12.0\"}",
        new ToxiproxyClient(TOXIPROXY.host(), Net.port(TOXIPROXY.url())).version());
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void createdProxyListensOnARealPortAndIsListedAndFetchable(ToxiproxyClient client)
      throws IOException {
    Proxy p = client.createProxy("a", "127.0.0.1:0", echo.hostAndPort());
    assertNotEquals(0, Net.port(p.getListen()));
    assertTrue(p.getListen().startsWith("127.0.0.1:"));
    assertTrue(p.isEnabled());
    client.createProxy("b", "localhost:0", echo.hostAndPort());
    List<Proxy> all = client.getProxies();
    assertEquals(List.of("a", "b"), all.stream().map(Proxy::getName).sorted().toList());
    assertEquals(p.getListen(), client.getProxy("a").getListen());
    assertTrue(
        client.getProxy("b").getListen().startsWith("127.0.0.1:"),
        "localhost resolves to 127.0.0.1");
    try (Socket s = connect(p.getListen())) {
      roundTripMillis(s);
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void proxyAndToxicJsonHaveToxiproxysFieldsOrderAndTypes(ToxiproxyClient client)
      throws IOException {
    Proxy p = client.createProxy("j", "127.0.0.1:0", echo.hostAndPort());
    p.toxics().latency("lat", ToxicDirection.UPSTREAM, 5);
    Net.Http r = http("GET", url("/proxies/j"), null);
    assertEquals(200, r.status());
    assertEquals("application/json", r.contentType());
    assertEquals(
        "{\"name\":\"j\",\"listen\":\""
            + p.getListen()
            + "\",\"upstream\":\""
            + echo.hostAndPort()
            + "\",\"enabled\":true,\"Logger\":{},\"toxics\":[{\"attributes\":{\"latency\":5,\"jitter\":0},"
            + "\"name\":\"lat\",\"type\":\"latency\",\"stream\":\"upstream\",\"toxicity\":1}]}",
        r.body());
    Net.Http t = http("POST", url("/proxies/j/toxics/lat"), "{\"toxicity\":0.1}");
    assertTrue(t.body().endsWith("\"toxicity\":0.1}"), t.body());
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void proxiesAreListedInAlphabeticalOrder(ToxiproxyClient client) throws IOException {
    for (String n : new String[] {"zeta", "alpha", "mid"}) {
      client.createProxy(n, "127.0.0.1:0", echo.hostAndPort());
    }
    String body = http("GET", url("/proxies"), null).body();
    assertTrue(
        body.indexOf("\"alpha\":") < body.indexOf("\"mid\":")
            && body.indexOf("\"mid\":") < body.indexOf("\"zeta\":"),
        body);
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void missingProxyAnswers404AndGetProxyOrNullGivesNull(ToxiproxyClient client) throws IOException {
    IOException e = assertThrows(IOException.class, () -> client.getProxy("nope"));
    assertEquals("[404] proxy not found", e.getMessage());
    assertNull(client.getProxyOrNull("nope"));
    Net.Http r = http("DELETE", url("/proxies/nope"), null);
    assertEquals(404, r.status());
    assertEquals("{\"error\":\"proxy not found\",\"status\":404}\n", r.body());
    assertEquals("text/plain; charset=utf-8", r.contentType());
    assertEquals(404, http("GET", url("/proxies/nope/toxics"), null).status());
    assertEquals(404, http("POST", url("/proxies/nope/toxics"), "{\"type\":\"latency\"}").status());
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void duplicateProxyOrToxicNameAnswers409(ToxiproxyClient client) throws IOException {
    Proxy p = client.createProxy("dup", "127.0.0.1:0", echo.hostAndPort());
    IOException e =
        assertThrows(
            IOException.class, () -> client.createProxy("dup", "127.0.0.1:0", echo.hostAndPort()));
    assertEquals("[409] proxy already exists", e.getMessage());
    p.toxics().latency("t", ToxicDirection.DOWNSTREAM, 1);
    IOException e2 =
        assertThrows(
            IOException.class,
            () -> p.toxics().bandwidth("t", ToxicDirection.UPSTREAM, 1),
            "names are unique across directions");
    assertEquals("[409] toxic already exists", e2.getMessage());
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void badRequestsAnswer400WithToxiproxysMessages(ToxiproxyClient client) throws IOException {
    client.createProxy("p", "127.0.0.1:0", echo.hostAndPort());
    assertError(http("POST", url("/proxies"), "{not json"), 400, "bad request body: ");
    assertError(http("POST", url("/proxies"), null), 400, "bad request body: EOF");
    assertError(
        http("POST", url("/proxies"), "{\"upstream\":\"x:1\"}"),
        400,
        "missing required field: name");
    assertError(
        http("POST", url("/proxies"), "{\"name\":\"n\"}"), 400, "missing required field: upstream");
    assertError(
        http("POST", url("/proxies"), "{\"name\":5,\"upstream\":\"x:1\"}"),
        400,
        "bad request body: json: cannot unmarshal number into Go struct field Proxy.name of type string");
    assertError(http("POST", url("/proxies/p"), null), 400, "bad request body: EOF");
    String toxics = url("/proxies/p/toxics");
    assertError(
        http("POST", toxics, "{\"type\":\"latency\",\"stream\":\"sideways\"}"),
        400,
        "stream was invalid, can be either upstream or downstream");
    assertError(
        http("POST", toxics, "{\"type\":\"latency\",\"stream\":\"\"}"),
        400,
        "stream was invalid, can be either upstream or downstream");
    assertError(http("POST", toxics, "{\"type\":\"teleport\"}"), 400, "invalid toxic type");
    assertError(http("POST", toxics, "{\"stream\":\"upstream\"}"), 400, "invalid toxic type");
    assertError(
        http("POST", toxics, "{\"type\":\"latency\",\"attributes\":{\"latency\":\"slow\"}}"),
        400,
        "bad request body: json: cannot unmarshal string into Go struct field LatencyToxic.latency");
    assertError(
        http("POST", toxics, "{\"type\":\"latency\",\"attributes\":{\"latency\":1.5}}"),
        400,
        "bad request body: json: cannot unmarshal number 1.5");
    assertError(
        http("POST", toxics, "{\"type\":\"slicer\",\"attributes\":{\"average_size\":0}}"),
        400,
        "bad request body: slicer average_size must be \\u003e= 1, but was 0"); // Go escapes >
    assertError(
        http("POST", toxics, "{\"type\":\"latency\",\"toxicity\":\"all\"}"),
        400,
        "bad request body: json: cannot unmarshal string");
    assertEquals("[]", http("GET", toxics, null).body(), "nothing was added by a bad request");
    assertEquals(1, client.getProxies().size(), "the server keeps running");
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void unknownPathWrongMethodAndBrowsersGetGoAnswers() throws IOException {
    Net.Http r = http("GET", url("/nothing/here"), null);
    assertEquals(404, r.status());
    assertEquals("404 page not found\n", r.body());
    assertEquals(404, http("GET", url("/proxies/"), null).status());
    assertEquals(405, http("PUT", url("/proxies"), "{}").status());
    assertEquals(405, http("GET", url("/reset"), null).status());
    Net.Http b = http("GET", url("/version"), null, "Mozilla/5.0 (X11)");
    assertEquals(403, b.status());
    assertEquals("User agent not allowed\n", b.body());
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void listenAddressInUseAnswers500AndTheProxyIsNotCreated(ToxiproxyClient client)
      throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      IOException e =
          assertThrows(
              IOException.class,
              () ->
                  client.createProxy(
                      "busy", "127.0.0.1:" + taken.getLocalPort(), echo.hostAndPort()));
      assertTrue(
          e.getMessage()
              .startsWith(
                  "[500] listen tcp 127.0.0.1:"
                      + taken.getLocalPort()
                      + ": bind: address already in use"),
          e.getMessage());
    }
    assertNull(client.getProxyOrNull("busy"));
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void disableClosesConnectionsAndRefusesNewOnesEnableListensOnTheSamePort(ToxiproxyClient client)
      throws IOException {
    Proxy p = client.createProxy("toggle", "127.0.0.1:0", echo.hostAndPort());
    String listen = p.getListen();
    try (Socket s = connect(listen)) {
      roundTripMillis(s);
      p.disable();
      assertFalse(p.isEnabled());
      assertEquals(0, readToEof(s.getInputStream()).length, "live connection closed");
    }
    assertThrows(ConnectException.class, () -> connect(listen).close());
    p.enable();
    assertEquals(listen, p.getListen());
    try (Socket s = connect(listen)) {
      roundTripMillis(s);
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void changingUpstreamDropsConnectionsAndDialsTheNewOne(ToxiproxyClient client)
      throws IOException {
    Proxy p = client.createProxy("move", "127.0.0.1:0", echo.hostAndPort());
    int before = otherEcho.accepted();
    try (Socket s = connect(p.getListen())) {
      roundTripMillis(s);
      p.setUpstream(otherEcho.hostAndPort());
      assertEquals(
          0, readToEof(s.getInputStream()).length, "restarted proxy closed the connection");
    }
    assertEquals(otherEcho.hostAndPort(), client.getProxy("move").getUpstream());
    try (Socket s = connect(p.getListen())) {
      roundTripMillis(s);
    }
    assertEquals(before + 1, otherEcho.accepted());
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void changingListenMovesTheProxy(ToxiproxyClient client) throws IOException {
    Proxy p = client.createProxy("hop", "127.0.0.1:0", echo.hostAndPort());
    String old = p.getListen();
    p.setListen("127.0.0.1:0");
    assertNotEquals(old, p.getListen());
    assertThrows(ConnectException.class, () -> connect(old).close());
    try (Socket s = connect(p.getListen())) {
      roundTripMillis(s);
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void disabledProxyKeepsListenAsGivenAndAcceptsToxics() throws IOException {
    Net.Http r =
        http(
            "POST",
            url("/proxies"),
            "{\"name\":\"off\",\"listen\":\"127.0.0.1:0\",\"upstream\":\""
                + echo.hostAndPort()
                + "\",\"enabled\":false}");
    assertEquals(201, r.status());
    assertTrue(
        r.body().contains("\"listen\":\"127.0.0.1:0\"") && r.body().contains("\"enabled\":false"));
    assertEquals(200, http("POST", url("/proxies/off/toxics"), "{\"type\":\"timeout\"}").status());
    Net.Http on = http("PATCH", url("/proxies/off"), "{\"enabled\":true}");
    assertEquals(200, on.status());
    assertTrue(
        on.body().contains("\"enabled\":true") && !on.body().contains("127.0.0.1:0\""), on.body());
    assertTrue(on.body().contains("\"name\":\"timeout_downstream\""), "toxics survive enabling");
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void unreachableUpstreamClosesTheClientConnection(ToxiproxyClient client) throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Proxy p = client.createProxy("dead", "127.0.0.1:0", "127.0.0.1:" + closedPort);
    try (Socket s = connect(p.getListen())) {
      assertEquals(0, readToEof(s.getInputStream()).length);
    }
    try (Socket s = connect(p.getListen())) {
      assertEquals(0, readToEof(s.getInputStream()).length, "the proxy keeps listening");
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void deleteClosesConnectionsAndTheListener(ToxiproxyClient client) throws IOException {
    Proxy p = client.createProxy("gone", "127.0.0.1:0", echo.hostAndPort());
    try (Socket s = connect(p.getListen())) {
      roundTripMillis(s);
      p.delete();
      assertEquals(0, readToEof(s.getInputStream()).length);
    }
    assertThrows(ConnectException.class, () -> connect(p.getListen()).close());
    assertNull(client.getProxyOrNull("gone"));
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void toxicsAreListedUpstreamFirstAndCanBeFetchedUpdatedAndRemoved(ToxiproxyClient client)
      throws IOException {
    Proxy p = client.createProxy("tox", "127.0.0.1:0", echo.hostAndPort());
    p.toxics().latency("d1", ToxicDirection.DOWNSTREAM, 10);
    p.toxics().bandwidth("u1", ToxicDirection.UPSTREAM, 100);
    p.toxics().slicer("d2", ToxicDirection.DOWNSTREAM, 10, 5);
    p.toxics().slowClose("u2", ToxicDirection.UPSTREAM, 7);
    p.toxics().timeout("d3", ToxicDirection.DOWNSTREAM, 9);
    p.toxics().resetPeer("u3", ToxicDirection.UPSTREAM, 3);
    p.toxics().limitData("d4", ToxicDirection.DOWNSTREAM, 99);
    List<String> names = p.toxics().getAll().stream().map(Toxic::getName).toList();
    assertEquals(List.of("u1", "u2", "u3", "d1", "d2", "d3", "d4"), names);
    Slicer slicer = p.toxics().get("d2", Slicer.class);
    assertEquals(10, slicer.getAverageSize());
    assertEquals(5, slicer.getDelay());
    slicer.setSizeVariation(3);
    Slicer again = p.toxics().get("d2", Slicer.class);
    assertEquals(3, again.getSizeVariation());
    assertEquals(10, again.getAverageSize(), "other attributes are kept on update");
    Latency lat = p.toxics().get("d1", Latency.class);
    lat.setToxicity(0.5f);
    assertEquals(0.5f, p.toxics().get("d1").getToxicity());
    assertEquals(ToxicDirection.DOWNSTREAM, lat.getStream());
    lat.remove();
    assertThrows(IOException.class, () -> p.toxics().get("d1"));
    assertEquals(404, http("DELETE", url("/proxies/tox/toxics/d1"), null).status());
    assertError(
        http("POST", url("/proxies/tox/toxics/d1"), "{\"toxicity\":1}"), 404, "toxic not found");
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void resetEnablesEveryProxyAndRemovesAllToxics(ToxiproxyClient client) throws IOException {
    Proxy a = client.createProxy("r1", "127.0.0.1:0", echo.hostAndPort());
    Proxy b = client.createProxy("r2", "127.0.0.1:0", echo.hostAndPort());
    // 10 s against a bound of 5 s: a busy machine's late wake-ups fit between the two
    a.toxics().latency("lat", ToxicDirection.DOWNSTREAM, 10_000);
    b.disable();
    client.reset();
    assertTrue(a.isEnabled() && b.isEnabled(), "client refreshed its proxies after the reset");
    assertTrue(a.toxics().getAll().isEmpty());
    try (Socket s = connect(a.getListen())) {
      assertTrue(roundTripMillis(s) < 5000);
    }
    try (Socket s = connect(b.getListen())) {
      roundTripMillis(s);
    }
    assertEquals(204, http("POST", url("/reset"), "ignored body").status());
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void populateCreatesKeepsAndReplacesProxies(ToxiproxyClient client) throws IOException {
    Proxy kept = client.createProxy("keep", "127.0.0.1:0", echo.hostAndPort());
    kept.toxics().latency("stays", ToxicDirection.DOWNSTREAM, 1);
    String body =
        "[{\"name\":\"keep\",\"listen\":\""
            + kept.getListen()
            + "\",\"upstream\":\""
            + echo.hostAndPort()
            + "\"},{\"name\":\"new\",\"listen\":\"127.0.0.1:0\",\"upstream\":\""
            + echo.hostAndPort()
            + "\",\"enabled\":false}]";
    Net.Http r = http("POST", url("/populate"), body);
    assertEquals(201, r.status(), r.body());
    assertTrue(r.body().startsWith("{\"proxies\":[{\"name\":\"keep\""), r.body());
    assertEquals(1, client.getProxy("keep").toxics().getAll().size(), "unchanged proxy kept as is");
    assertFalse(client.getProxy("new").isEnabled());
    String replace =
        "[{\"name\":\"keep\",\"listen\":\"127.0.0.1:0\",\"upstream\":\""
            + otherEcho.hostAndPort()
            + "\"}]";
    assertEquals(201, http("POST", url("/populate"), replace).status());
    assertEquals(
        0, client.getProxy("keep").toxics().getAll().size(), "a changed proxy is replaced");
    assertEquals("{\"proxies\":null}", http("POST", url("/populate"), "[]").body());
    Net.Http bad =
        http("POST", url("/populate"), "[{\"name\":\"x\",\"upstream\":\"a:1\"},{\"name\":\"y\"}]");
    assertEquals(400, bad.status());
    assertEquals("application/json", bad.contentType());
    assertEquals(
        "{\"error\":\"missing required field: upstream at proxy 2\",\"status\":400,"
            + "\"proxies\":null}",
        bad.body());
    assertNull(client.getProxyOrNull("x"), "nothing created when validation fails");
  }

  private static void assertError(Net.Http r, int status, String messageStart) {
    assertEquals(status, r.status(), r.body());
    assertTrue(r.body().startsWith("{\"error\":\"" + messageStart), r.body());
    assertTrue(r.body().endsWith(",\"status\":" + status + "}\n"), r.body());
  }
}
