package io.sockpool.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockpool.CheckoutException;
import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.ProcessResources;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The auto-configuration's conditions, bindings and failures, in plain application contexts. */
@Timeout(60)
class SockpoolAutoConfigurationTest {
  private static FakePeer peer;

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  SockpoolAutoConfiguration.class,
                  SockpoolMetricsAutoConfiguration.class,
                  SockpoolActuatorAutoConfiguration.class));

  @BeforeAll
  static void startPeer() throws Exception {
    peer = new FakePeer();
  }

  @AfterAll
  static void stopPeer() {
    peer.close();
  }

  @Test
  void bindsEveryKindOfPropertyIntoTheDefaultPool() {
    runner
        .withPropertyValues(
            "sockpool.pool-name=bound",
            "sockpool.max-total=32",
            "sockpool.max-per-endpoint=16",
            "sockpool.checkout-timeout=300ms",
            "sockpool.server-idle-timeout=5m",
            "sockpool.idle-timeout=4m",
            "sockpool.max-waiters-per-endpoint=100",
            "sockpool.leak-detection-threshold=10s",
            "sockpool.socket.keep-alive-idle=30s",
            "sockpool.socket.keep-alive-count=3",
            "sockpool.circuit-breaker.failure-rate-threshold=25",
            "sockpool.circuit-breaker.wait-duration-in-open-state=7s")
        .run(
            ctx -> {
              PoolConfig c = ctx.getBean(SocketPool.class).config();
              assertThat(c.poolName()).isEqualTo("bound");
              assertThat(c.maxTotal()).isEqualTo(32);
              assertThat(c.maxPerEndpoint()).isEqualTo(16);
              assertThat(c.checkoutTimeout()).isEqualTo(Duration.ofMillis(300));
              assertThat(c.serverIdleTimeout()).contains(Duration.ofMinutes(5));
              assertThat(c.idleTimeout()).isEqualTo(Duration.ofMinutes(4));
              assertThat(c.maxWaitersPerEndpoint()).isEqualTo(100);
              assertThat(c.leakDetectionThreshold()).contains(Duration.ofSeconds(10));
              assertThat(c.socketOptions().keepAliveIdle()).isEqualTo(Duration.ofSeconds(30));
              assertThat(c.socketOptions().keepAliveCount()).isEqualTo(3);
              assertThat(c.circuitBreakerConfig().getFailureRateThreshold()).isEqualTo(25f);
              assertThat(c.circuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1))
                  .isEqualTo(7000L);
              // unset values keep the library's defaults
              assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
            });
  }

  @Test
  void namedPoolsAreCreatedAtStartupWithTheirOwnSettings() {
    runner
        .withPropertyValues(
            "sockpool.pools.cache.max-total=4",
            "sockpool.pools.cache.max-per-endpoint=2",
            "sockpool.pools.rpc.checkout-timeout=1s")
        .run(
            ctx -> {
              SocketPools pools = ctx.getBean(SocketPools.class);
              assertThat(pools.created()).containsKeys("cache", "rpc");
              assertThat(pools.pool("cache").config().maxTotal()).isEqualTo(4);
              assertThat(pools.pool("cache").config().poolName()).isEqualTo("cache");
              assertThat(pools.pool("rpc").config().checkoutTimeout())
                  .isEqualTo(Duration.ofSeconds(1));
              assertThat(ctx.getBean(SocketPool.class)).isSameAs(pools.defaultPool());
            });
  }

  @Test
  void anApplicationsOwnPoolReplacesTheDefaultOneWhichIsThenNeverOpened() {
    runner
        .withUserConfiguration(OwnPool.class)
        .run(
            ctx -> {
              assertThat(ctx).hasSingleBean(SocketPool.class);
              assertThat(ctx.getBean(SocketPool.class).config().poolName()).isEqualTo("own");
              assertThat(ctx.getBean(SocketPools.class).created()).doesNotContainKey("default");
            });
  }

  @Test
  void theHealthIndicatorIsLeftOutWhenDisabledOrWithoutTheActuator() {
    runner.run(ctx -> assertThat(ctx).hasSingleBean(SockpoolHealthIndicator.class));
    runner
        .withPropertyValues("management.health.sockpool.enabled=false")
        .run(
            ctx -> {
              assertThat(ctx).doesNotHaveBean(SockpoolHealthIndicator.class);
              assertThat(ctx).hasSingleBean(SocketPool.class);
            });
    runner
        .withClassLoader(
            new FilteredClassLoader(org.springframework.boot.actuate.health.HealthIndicator.class))
        .run(
            ctx -> {
              assertThat(ctx).doesNotHaveBean(SockpoolHealthIndicator.class);
              assertThat(ctx).hasSingleBean(SocketPool.class);
            });
  }

  @Test
  void theEndpointDoesNotDependOnBoot3sHealthApi() {
    // as on Spring Boot 4, where org.springframework.boot.actuate.health is gone
    runner
        .withPropertyValues("management.endpoints.web.exposure.include=sockpool")
        .withClassLoader(
            new FilteredClassLoader(org.springframework.boot.actuate.health.HealthIndicator.class))
        .run(
            ctx -> {
              assertThat(ctx).hasSingleBean(SockpoolEndpoint.class);
              assertThat(ctx).doesNotHaveBean(SockpoolHealthIndicator.class);
            });
    runner
        .withPropertyValues("management.endpoints.web.exposure.include=sockpool")
        .run(ctx -> assertThat(ctx).hasSingleBean(SockpoolEndpoint.class));
  }

  @Test
  void customizersRunAfterTheProperties() {
    runner
        .withPropertyValues("sockpool.max-total=10")
        .withBean(
            SocketPoolCustomizer.class,
            () -> (name, builder) -> builder.maxPerEndpoint(name.equals("default") ? 10 : 1))
        .run(
            ctx ->
                assertThat(ctx.getBean(SocketPool.class).config().maxPerEndpoint()).isEqualTo(10));
  }

  @Test
  void aRejectedValueFailsStartupNamingThePropertiesAsWritten() {
    runner
        .withPropertyValues("sockpool.max-total=10", "sockpool.max-per-endpoint=100")
        .run(
            ctx -> {
              assertThat(ctx).hasFailed();
              FailureAnalysis a = new SockpoolFailureAnalyzer().analyze(ctx.getStartupFailure());
              assertThat(a.getDescription())
                  .contains("sockpool.max-per-endpoint must be <= sockpool.max-total (10)")
                  .contains("but was 100")
                  .doesNotContain("maxPerEndpoint");
              assertThat(a.getAction()).contains("sockpool.max-per-endpoint");
            });
    runner
        .withPropertyValues("sockpool.pools.cache.socket.keep-alive-count=500")
        .run(
            ctx -> {
              FailureAnalysis a = new SockpoolFailureAnalyzer().analyze(ctx.getStartupFailure());
              assertThat(a.getDescription())
                  .contains("sockpool.pools.cache.socket.keep-alive-count must be in 1..127")
                  .contains("500");
            });
    runner
        .withPropertyValues("sockpool.endpoints=localhost")
        .run(
            ctx ->
                assertThat(
                        new SockpoolFailureAnalyzer()
                            .analyze(ctx.getStartupFailure())
                            .getDescription())
                    .contains("sockpool.endpoints")
                    .contains("host:port"));
  }

  @Test
  void healthIsDownOnlyWhenEveryConfiguredEndpointIsUnavailable() {
    String dead = "127.0.0.1:" + FakePeer.closedPort();
    runner
        .withPropertyValues(
            "sockpool.endpoints=" + peer.hostAndPort() + "," + dead,
            "sockpool.checkout-timeout=500ms")
        .run(
            ctx -> {
              SocketPool pool = ctx.getBean(SocketPool.class);
              assertCheckoutFails(pool, Endpoint.parse(dead));
              try (PooledConnection c = pool.checkout(Endpoint.parse(peer.hostAndPort()))) {
                assertThat(c).isNotNull();
              }
              SockpoolHealthIndicator health = ctx.getBean(SockpoolHealthIndicator.class);
              var h = health.health();
              assertThat(h.getStatus()).isEqualTo(Status.UP);
              @SuppressWarnings("unchecked")
              Map<String, Object> endpoints =
                  (Map<String, Object>)
                      ((Map<String, Object>)
                              ((Map<String, Object>) h.getDetails().get("pools")).get("default"))
                          .get("endpoints");
              assertThat(endpoints.get(dead).toString())
                  .contains("available=false")
                  .contains("lastFailure");
              assertThat(endpoints.get(peer.hostAndPort()).toString()).contains("available=true");
            });
    runner
        .withPropertyValues("sockpool.endpoints=" + dead, "sockpool.checkout-timeout=500ms")
        .run(
            ctx -> {
              assertCheckoutFails(ctx.getBean(SocketPool.class), Endpoint.parse(dead));
              var h = ctx.getBean(SockpoolHealthIndicator.class).health();
              assertThat(h.getStatus()).isEqualTo(Status.DOWN);
              assertThat(h.getDetails()).containsEntry("unavailableEndpoints", 1);
            });
  }

  @Test
  void closingTheContextClosesEveryPoolAndLeavesNoPoolThread() throws Exception {
    runner
        .withPropertyValues(
            "sockpool.pool-name=closing-default",
            "sockpool.endpoints=" + peer.hostAndPort(),
            "sockpool.min-idle-per-endpoint=1",
            "sockpool.pools.closing-named.max-total=2",
            "sockpool.pools.closing-named.max-per-endpoint=2")
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              assertThat(ProcessResources.threadsNamed("closing-")).isNotEmpty();
              assertThat(ctx.getBean(SocketPool.class).stats().total().open()).isEqualTo(1);
            });
    assertThat(
            ProcessResources.awaitAtMost(
                () -> ProcessResources.threadsNamed("closing-").size(), 0, Duration.ofSeconds(10)))
        .as("threads left: %s", ProcessResources.threadsNamed("closing-"))
        .isZero();
  }

  private static void assertCheckoutFails(SocketPool pool, Endpoint endpoint) {
    try (PooledConnection c = pool.checkout(endpoint)) {
      throw new AssertionError("checkout of a closed port succeeded: " + c);
    } catch (CheckoutException expected) {
      // the failure the health indicator reports
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnPool {
    @Bean
    SocketPool ownPool() {
      return SocketPool.create(PoolConfig.builder().poolName("own").build());
    }
  }
}
