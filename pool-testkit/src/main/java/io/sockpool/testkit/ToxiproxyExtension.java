package io.sockpool.testkit;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving a test class a Toxiproxy: by default an embedded {@link ToxiproxyServer}
 * (127.0.0.1, ephemeral port) started before the class and closed after it; when the environment
 * variable {@value #URL_VARIABLE} is set (e.g. {@code http://127.0.0.1:8474}), that server is used
 * instead, so the same tests run against the real Go Toxiproxy.
 *
 * <p>Test methods, constructors and {@code @BeforeAll}/{@code @BeforeEach} methods may declare a
 * {@link ToxiproxyClient} parameter; each injection gets a new client (so the client's {@code
 * reset()} only refreshes the proxies of that test). <b>After each test every proxy on the server
 * is deleted</b>, so use a Toxiproxy dedicated to tests.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ToxiproxyExtension TOXIPROXY = new ToxiproxyExtension();
 *
 * @Test
 * void slowPeer(ToxiproxyClient client) throws IOException {
 *     Proxy p = client.createProxy("redis", TOXIPROXY.listenAddress(), redisHostAndPort);
 * }
 * }</pre>
 *
 * Register it in a static field (or with {@code @ExtendWith(ToxiproxyExtension.class)}).
 */
public final class ToxiproxyExtension
    implements BeforeAllCallback, AfterAllCallback, AfterEachCallback, ParameterResolver {
  /** The environment variable naming an external Toxiproxy, e.g. {@code http://127.0.0.1:8474}. */
  public static final String URL_VARIABLE = "TOXIPROXY_URL";

  private final Function<String, String> environment;
  private volatile Endpoint endpoint;
  private ToxiproxyServer server;

  private record Endpoint(String host, int port, boolean external) {}

  /** An extension reading {@value #URL_VARIABLE} from the process environment. */
  public ToxiproxyExtension() {
    this(System::getenv);
  }

  ToxiproxyExtension(Function<String, String> environment) {
    this.environment = Objects.requireNonNull(environment, "environment");
  }

  @Override
  public synchronized void beforeAll(ExtensionContext context) throws IOException {
    if (endpoint != null) {
      return;
    }
    String url = environment.apply(URL_VARIABLE);
    if (url == null || url.isBlank()) {
      server = ToxiproxyServer.start();
      endpoint = new Endpoint(server.host(), server.port(), false);
      return;
    }
    Endpoint e = parseUrl(url.trim());
    try {
      new ToxiproxyClient(e.host(), e.port()).version();
    } catch (IOException ex) {
      throw new ExtensionConfigurationException(
          URL_VARIABLE + "=" + url + " names no reachable Toxiproxy: " + ex.getMessage(), ex);
    }
    endpoint = e;
  }

  static Endpoint parseUrl(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw badUrl(url);
    }
    if (!"http".equalsIgnoreCase(uri.getScheme())
        || uri.getHost() == null
        || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))) {
      throw badUrl(url);
    }
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new Endpoint(
        host, uri.getPort() < 0 ? ToxiproxyServer.DEFAULT_PORT : uri.getPort(), true);
  }

  private static ExtensionConfigurationException badUrl(String url) {
    return new ExtensionConfigurationException(
        URL_VARIABLE
            + " must look like http://HOST:PORT "
            + "(e.g. http://127.0.0.1:8474), but was '"
            + url
            + "'");
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    if (endpoint == null) {
      return;
    }
    for (Proxy p : client().getProxies()) {
      p.delete();
    }
  }

  @Override
  public synchronized void afterAll(ExtensionContext context) {
    if (server != null) {
      server.close();
      server = null;
    }
    endpoint = null;
  }

  @Override
  public boolean supportsParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == ToxiproxyClient.class;
  }

  @Override
  public Object resolveParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    if (endpoint == null) {
      throw new ParameterResolutionException(
          "the Toxiproxy is not running: register "
              + "ToxiproxyExtension in a static field or with @ExtendWith on the class");
    }
    return client();
  }

  private Endpoint current() {
    Endpoint e = endpoint;
    if (e == null) {
      throw new IllegalStateException(
          "the Toxiproxy is only available between beforeAll and afterAll "
              + "of the test class (register the extension in a static field)");
    }
    return e;
  }

  /**
   * Opens a client.
   *
   * @return a new client for the Toxiproxy in use
   * @throws IllegalStateException outside the test class's lifetime
   */
  public ToxiproxyClient client() {
    Endpoint e = current();
    return new ToxiproxyClient(e.host(), e.port());
  }

  /** Returns the host proxies listen on and tests connect to (the API's host). */
  public String host() {
    return current().host();
  }

  /**
   * Returns the {@code listen} value for a new proxy: the API host with port 0 (a free port); read
   * the real one from {@code Proxy.getListen()}.
   */
  public String listenAddress() {
    String h = current().host();
    return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":0";
  }

  /** Returns the API URL in use, e.g. {@code http://127.0.0.1:8474}. */
  public String url() {
    Endpoint e = current();
    return "http://"
        + (e.host().indexOf(':') >= 0 ? "[" + e.host() + "]" : e.host())
        + ":"
        + e.port();
  }

  /**
   * Returns true when {@value #URL_VARIABLE} named the server in use, false for the embedded one.
   */
  public boolean usesExternalServer() {
    return current().external();
  }
}
