package io.sockpool.micrometer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.testkit.FakePeer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The meters as a Prometheus server scrapes them (text exposition format). */
@Timeout(30)
class PrometheusScrapeTest {

  @Test
  void scrapeShowsThePoolInPrometheusNamesAndTags() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (FakePeer server = FakePeer.echo();
        SocketPool pool =
            SocketPool.create(PoolConfig.builder().poolName("orders").maxPerEndpoint(4).build());
        SocketPoolMetrics metrics = new SocketPoolMetrics(pool)) {
      metrics.bindTo(registry);
      Endpoint e = Endpoint.of("127.0.0.1", server.port());
      pool.warmUp(e, 2);
      PooledConnection held = pool.checkout(e);
      for (int i = 0; i < 3; i++) {
        try (PooledConnection c = pool.checkout(e)) {
          c.write(ByteBuffer.wrap(new byte[] {42}), Duration.ofSeconds(2));
          c.readFully(ByteBuffer.allocate(1), Duration.ofSeconds(2));
          c.exchangeComplete();
        }
      }
      String tags = "endpoint=\"" + e + "\",pool=\"orders\"";
      String busy = registry.scrape();
      contains(busy, "# TYPE sockpool_connections_active gauge");
      contains(busy, "sockpool_connections_active{" + tags + "} 1");
      contains(busy, "sockpool_connections_idle{" + tags + "} 1");
      contains(busy, "# TYPE sockpool_connections_acquire_seconds summary");
      contains(busy, "sockpool_connections_acquire_seconds_count{" + tags + "} 4");
      contains(busy, "sockpool_connections_usage_seconds_count{" + tags + "} 3");

      held.invalidate();
      String scrape = registry.scrape();
      Files.writeString(Path.of("target", "prometheus-scrape.txt"), scrape, StandardCharsets.UTF_8);
      contains(scrape, "sockpool_connections_active{" + tags + "} 0");
      contains(scrape, "sockpool_connections_idle{" + tags + "} 1");
      contains(scrape, "sockpool_connections_max{" + tags + "} 4");
      contains(scrape, "# TYPE sockpool_connections_destroyed_total counter");
      contains(scrape, "sockpool_connections_destroyed_total{" + tags + ",reason=\"broken\"} 1");
      contains(scrape, "sockpool_connections_opened_total{" + tags + "} 2");
      contains(scrape, "sockpool_sizing_arrival_rate{" + tags + "} ");
      contains(
          scrape,
          "resilience4j_circuitbreaker_state{name=\""
              + e
              + "\",pool=\"orders\",state=\"closed\"} 1");
      assertTrue(
          Pattern.compile(
                  "(?m)^sockpool_sizing_hold_seconds\\{" + Pattern.quote(tags) + "\\} [0-9.E-]+$")
              .matcher(scrape)
              .find(),
          "mean hold in seconds:\n" + scrape);
    } finally {
      registry.close();
    }
  }

  private static void contains(String scrape, String line) {
    assertTrue(scrape.contains(line), "missing '" + line + "' in:\n" + scrape);
  }
}
