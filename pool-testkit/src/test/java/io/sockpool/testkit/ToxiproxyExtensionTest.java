package io.sockpool.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import eu.rekawek.toxiproxy.ToxiproxyClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.RegisterExtension;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ToxiproxyExtensionTest {
  @RegisterExtension static final ToxiproxyExtension TOXIPROXY = new ToxiproxyExtension();

  @Test
  @Order(1)
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void injectsAClientForTheServerInUse(ToxiproxyClient client) throws IOException {
    client.createProxy("same-name", TOXIPROXY.listenAddress(), "127.0.0.1:1");
    assertEquals(1, TOXIPROXY.client().getProxies().size());
    if (System.getenv(ToxiproxyExtension.URL_VARIABLE) == null) {
      assertFalse(TOXIPROXY.usesExternalServer());
      assertEquals("127.0.0.1:0", TOXIPROXY.listenAddress());
    }
  }

  @Test
  @Order(2)
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void deletesEveryProxyAfterEachTest(ToxiproxyClient client) throws IOException {
    assertTrue(client.getProxies().isEmpty(), "the previous test's proxy is gone");
    client.createProxy("same-name", TOXIPROXY.listenAddress(), "127.0.0.1:1");
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void usesTheServerNamedByToxiproxyUrlAndLeavesItRunning() throws IOException {
    assumeTrue(
        System.getenv(ToxiproxyExtension.URL_VARIABLE) == null, "runs with the embedded server");
    try (ToxiproxyServer external = ToxiproxyServer.start()) {
      ToxiproxyExtension ext =
          new ToxiproxyExtension(
              name -> name.equals("TOXIPROXY_URL") ? external.url() + "/" : null);
      ext.beforeAll(null);
      assertTrue(ext.usesExternalServer());
      assertEquals(external.url(), ext.url());
      ext.client().createProxy("remote", ext.listenAddress(), "127.0.0.1:1");
      ToxiproxyClient direct = new ToxiproxyClient(external.host(), external.port());
      assertEquals("remote", direct.getProxy("remote").getName());
      ext.afterEach(null);
      assertTrue(direct.getProxies().isEmpty());
      ext.afterAll(null);
      assertEquals(
          "{\"version\": \"2.12.0\"}", direct.version(), "an external server is not stopped");
      assertThrows(IllegalStateException.class, ext::client);
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void badOrUnreachableToxiproxyUrlFailsWithAClearMessage() throws IOException {
    ExtensionConfigurationException bad =
        assertThrows(
            ExtensionConfigurationException.class,
            () -> new ToxiproxyExtension(n -> "localhost:8474").beforeAll(null));
    assertEquals(
        "TOXIPROXY_URL must look like http://HOST:PORT (e.g. http://127.0.0.1:8474), "
            + "but was 'localhost:8474'",
        bad.getMessage());
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + closed;
    ExtensionConfigurationException down =
        assertThrows(
            ExtensionConfigurationException.class,
            () -> new ToxiproxyExtension(n -> url).beforeAll(null));
    assertTrue(
        down.getMessage().startsWith("TOXIPROXY_URL=" + url + " names no reachable Toxiproxy: "),
        down.getMessage());
  }
}
