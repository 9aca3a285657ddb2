package io.sockpool.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sockpool.Endpoint;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.spring.boot.app.TestApplication;
import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.ProcessResources;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A real Spring Boot web application with the actuator, over real HTTP: health, metrics and the
 * sockpool endpoint; then a second application started and closed by hand for shutdown and a bad
 * property.
 */
@SpringBootTest(
    classes = TestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "sockpool.pool-name=web-pool",
      "sockpool.min-idle-per-endpoint=1",
      "sockpool.checkout-timeout=1s",
      "management.endpoints.web.exposure.include=health,metrics,sockpool",
      "management.endpoint.health.show-details=always"
    })
@Timeout(120)
class SockpoolApplicationTest {
  private static final FakePeer PEER = startPeer();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @LocalServerPort int port;
  @Autowired SocketPool pool;

  private static FakePeer startPeer() {
    try {
      return new FakePeer();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @DynamicPropertySource
  static void endpoints(DynamicPropertyRegistry registry) {
    registry.add("sockpool.endpoints", PEER::hostAndPort);
  }

  @AfterAll
  static void stopPeer() {
    PEER.close();
  }

  @Test
  void theBoundPoolIsWarmedUpAndChecksOut() throws Exception {
    assertThat(pool.config().poolName()).isEqualTo("web-pool");
    assertThat(pool.config().checkoutTimeout()).isEqualTo(Duration.ofSeconds(1));
    Endpoint peer = Endpoint.parse(PEER.hostAndPort());
    assertThat(pool.stats(peer).open()).isGreaterThanOrEqualTo(1); // the warm-up
    try (PooledConnection c = pool.checkout(peer)) {
      assertThat(c).isNotNull();
    }
  }

  @Test
  void healthShowsTheEndpointWithItsBreakerAndConnections() throws Exception {
    JsonNode health = get("/actuator/health/sockpool");
    assertThat(health.path("status").asText()).isEqualTo("UP");
    JsonNode endpoint =
        health
            .path("details")
            .path("pools")
            .path("default")
            .path("endpoints")
            .path(PEER.hostAndPort());
    assertThat(endpoint.path("configured").asBoolean()).isTrue();
    assertThat(endpoint.path("available").asBoolean()).isTrue();
    assertThat(endpoint.path("breaker").asText()).isIn("CLOSED", "NONE");
    assertThat(endpoint.path("open").asInt()).isGreaterThanOrEqualTo(1);
    assertThat(get("/actuator/health").path("components").has("sockpool")).isTrue();
  }

  @Test
  void metricsOfThePoolAreInTheActuator() throws Exception {
    List<String> names = new ArrayList<>();
    get("/actuator/metrics").path("names").forEach(n -> names.add(n.asText()));
    assertThat(names).contains("sockpool.connections.active", "sockpool.connections.idle");
    JsonNode idle = get("/actuator/metrics/sockpool.connections.idle?tag=pool:web-pool");
    assertThat(idle.path("measurements").get(0).path("value").asDouble()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void theSockpoolEndpointListsPoolsEndpointsAndAddresses() throws Exception {
    JsonNode view = get("/actuator/sockpool");
    JsonNode p = view.path("default");
    assertThat(p.path("name").asText()).isEqualTo("web-pool");
    assertThat(p.path("config").asText()).contains("checkoutTimeout");
    JsonNode e = p.path("endpoints").path(PEER.hostAndPort());
    assertThat(e.path("addresses").toString()).contains(String.valueOf(PEER.port()));
    assertThat(e.has("sizing")).isTrue();
  }

  @Test
  void closingTheApplicationClosesThePoolsAndLeavesNoPoolThread() throws Exception {
    ConfigurableApplicationContext app =
        application()
            .run(
                "--sockpool.pool-name=shutdown-default",
                "--sockpool.endpoints=" + PEER.hostAndPort(),
                "--sockpool.min-idle-per-endpoint=2",
                "--sockpool.pools.shutdown-named.max-total=4",
                "--sockpool.pools.shutdown-named.max-per-endpoint=4");
    SocketPool own = app.getBean(SocketPool.class);
    assertThat(own.stats().total().open()).isEqualTo(2);
    assertThat(ProcessResources.threadsNamed("shutdown-")).isNotEmpty();
    app.close();
    assertThat(
            ProcessResources.awaitAtMost(
                () -> ProcessResources.threadsNamed("shutdown-").size(), 0, Duration.ofSeconds(10)))
        .as("threads left: %s", ProcessResources.threadsNamed("shutdown-"))
        .isZero();
    assertThat(own.stats().total().open()).isZero();
  }

  @Test
  @ExtendWith(OutputCaptureExtension.class)
  void aBadPropertyFailsStartupWithTheReportNamingIt(CapturedOutput output) {
    try (ConfigurableApplicationContext app =
        application().run("--sockpool.max-total=0", "--sockpool.pool-name=bad-startup")) {
      throw new AssertionError("started with sockpool.max-total=0: " + app);
    } catch (BeanCreationException expected) {
      Throwable t = expected;
      while (t != null && !(t instanceof InvalidPoolPropertyException)) {
        t = t.getCause();
      }
      assertThat(t).as("cause of %s", expected).isInstanceOf(InvalidPoolPropertyException.class);
      assertThat(((InvalidPoolPropertyException) t).property()).isEqualTo("sockpool.max-total");
    }
    assertThat(output.toString())
        .contains("APPLICATION FAILED TO START")
        .contains("sockpool.max-total must be >= 1, but was 0");
    assertThat(ProcessResources.threadsNamed("bad-startup")).isEmpty();
  }

  private static SpringApplication application() {
    SpringApplication app = new SpringApplication(TestApplication.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    return app;
  }

  /**
   * What one actuator request may take: nothing the pool does is timed here, only an embedded
   * Tomcat's first requests (servlet and Jackson initialisation, JIT in a cold JVM). In a full
   * verify beside four CPU-bound loops and other builds (load average 25) a first {@code
   * /actuator/metrics} request did not answer within 10 s; the class's own bound stays 120 s.
   */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(40);

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(REQUEST_TIMEOUT)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isIn(200, 503);
    return JSON.readTree(r.body());
  }
}
