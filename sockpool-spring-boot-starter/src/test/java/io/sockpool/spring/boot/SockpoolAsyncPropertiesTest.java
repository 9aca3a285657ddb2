package io.sockpool.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockpool.Endpoint;
import io.sockpool.PooledConnection;
import io.sockpool.PreconnectPolicy;
import io.sockpool.SocketPool;
import io.sockpool.testkit.FakePeer;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code sockpoolAsyncExecutor} bean and the {@code sockpool.preconnect.*} properties. */
@Timeout(60)
class SockpoolAsyncPropertiesTest {
  private static FakePeer peer;

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(SockpoolAutoConfiguration.class));

  @BeforeAll
  static void startPeer() throws Exception {
    peer = new FakePeer();
  }

  @AfterAll
  static void stopPeer() {
    peer.close();
  }

  /** An executor that counts the tasks it runs (each on a thread of its own). */
  static final class CountingExecutor implements Executor {
    final AtomicInteger ran = new AtomicInteger();

    @Override
    public void execute(Runnable task) {
      Thread t =
          new Thread(
              () -> {
                ran.incrementAndGet();
                task.run();
              },
              "user-async");
      t.setDaemon(true);
      t.start();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class WithAsyncExecutor {
    @Bean(SockpoolAutoConfiguration.ASYNC_EXECUTOR_BEAN)
    CountingExecutor sockpoolAsyncExecutor() {
      return new CountingExecutor();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class WithOtherExecutor {
    @Bean
    CountingExecutor someOtherExecutor() {
      return new CountingExecutor();
    }
  }

  @Test
  void theSockpoolAsyncExecutorBeanRunsEveryPoolsAsyncCheckouts() {
    runner
        .withUserConfiguration(WithAsyncExecutor.class)
        .withPropertyValues("sockpool.pools.second.max-total=16")
        .run(
            ctx -> {
              CountingExecutor executor = ctx.getBean(CountingExecutor.class);
              SocketPools pools = ctx.getBean(SocketPools.class);
              assertThat(pools.config(SocketPools.DEFAULT).orElseThrow().asyncExecutor())
                  .containsSame(executor);
              assertThat(pools.config("second").orElseThrow().asyncExecutor())
                  .containsSame(executor);
              SocketPool pool = ctx.getBean(SocketPool.class);
              Endpoint ep = Endpoint.of("127.0.0.1", peer.port());
              PooledConnection c = pool.checkoutAsync(ep).get(10, TimeUnit.SECONDS);
              c.close();
              assertThat(executor.ran.get())
                  .as("the connect and the completion ran on the bean")
                  .isPositive();
            });
  }

  @Test
  void asyncInlineWhenReadyIsOffUnlessSetAndServesAReadyConnectionWithoutTheExecutor() {
    runner
        .withUserConfiguration(WithAsyncExecutor.class)
        .withPropertyValues("sockpool.pools.inline.async-inline-when-ready=true")
        .run(
            ctx -> {
              SocketPools pools = ctx.getBean(SocketPools.class);
              assertThat(pools.config(SocketPools.DEFAULT).orElseThrow().asyncInlineWhenReady())
                  .isFalse();
              assertThat(pools.config("inline").orElseThrow().asyncInlineWhenReady()).isTrue();
              CountingExecutor executor = ctx.getBean(CountingExecutor.class);
              SocketPool pool = pools.pool("inline");
              Endpoint ep = Endpoint.of("127.0.0.1", peer.port());
              pool.checkout(ep).close(); // one ready idle connection
              int before = executor.ran.get();
              java.util.concurrent.CompletableFuture<PooledConnection> f = pool.checkoutAsync(ep);
              assertThat(f).as("completed in the calling thread").isDone();
              f.get(10, TimeUnit.SECONDS).close();
              assertThat(executor.ran.get()).as("tasks on the executor").isEqualTo(before);
            });
  }

  @Test
  void anExecutorBeanWithAnotherNameIsNotUsed() {
    runner
        .withUserConfiguration(WithOtherExecutor.class)
        .run(ctx -> assertThat(ctx.getBean(SocketPool.class).config().asyncExecutor()).isEmpty());
  }

  @Test
  void preconnectIsOffUnlessEnabled() {
    runner
        .withPropertyValues("sockpool.preconnect.target-wait-probability=0.05")
        .run(ctx -> assertThat(ctx.getBean(SocketPool.class).preconnectPolicy()).isEmpty());
  }

  @Test
  void preconnectPropertiesTurnItOnWithTheirValuesAndTheDefaultsForTheRest() {
    runner
        .withPropertyValues(
            "sockpool.preconnect.enabled=true",
            "sockpool.preconnect.target-wait-probability=0.05",
            "sockpool.preconnect.window=1s",
            "sockpool.preconnect.max-backoff=2s",
            "sockpool.preconnect.rate-headroom=10",
            "sockpool.pools.named.preconnect.enabled=true")
        .run(
            ctx -> {
              PreconnectPolicy p = ctx.getBean(SocketPool.class).preconnectPolicy().orElseThrow();
              PreconnectPolicy d = PreconnectPolicy.forWaitProbability(0.05);
              assertThat(p)
                  .isEqualTo(
                      new PreconnectPolicy(
                          0.05,
                          Duration.ofSeconds(1),
                          d.interval(),
                          d.initialBackoff(),
                          Duration.ofSeconds(2),
                          10));
              assertThat(ctx.getBean(SocketPools.class).pool("named").preconnectPolicy())
                  .contains(PreconnectPolicy.forWaitProbability(0.01));
            });
  }

  @Test
  void aPreconnectValueOutOfRangeFailsStartupNamingTheProperty() {
    runner
        .withPropertyValues("sockpool.preconnect.enabled=true", "sockpool.preconnect.window=50ms")
        .run(
            ctx -> {
              FailureAnalysis a = analysis(ctx.getStartupFailure());
              assertThat(a.getDescription())
                  .contains("sockpool.preconnect.window must be between PT0.2S and PT1M")
                  .contains("PT0.05S");
            });
    runner
        .withPropertyValues(
            "sockpool.pools.x.preconnect.enabled=true",
            "sockpool.pools.x.preconnect.target-wait-probability=1.5")
        .run(
            ctx ->
                assertThat(analysis(ctx.getStartupFailure()).getDescription())
                    .contains("sockpool.pools.x.preconnect.target-wait-probability")
                    .contains("1.5"));
    runner
        .withPropertyValues(
            "sockpool.preconnect.enabled=true", "sockpool.preconnect.rate-headroom=0.5")
        .run(
            ctx ->
                assertThat(analysis(ctx.getStartupFailure()).getDescription())
                    .contains("sockpool.preconnect.rate-headroom must be between 1.0 and 100.0")
                    .contains("0.5"));
  }

  @Test
  void theConfigurationMetadataDescribesThePreconnectProperties() throws Exception {
    String metadata;
    try (var in =
        getClass()
            .getClassLoader()
            .getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("the generated metadata is on the class path").isNotNull();
      metadata = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    for (String p :
        new String[] {
          "enabled",
          "target-wait-probability",
          "window",
          "interval",
          "initial-backoff",
          "max-backoff",
          "rate-headroom"
        }) {
      assertThat(metadata).contains("\"sockpool.preconnect." + p + "\"");
    }
    assertThat(metadata).contains("\"sockpool.async-inline-when-ready\"");
    assertThat(metadata).contains("The most acceptable share of checkouts that wait");
  }

  private static FailureAnalysis analysis(Throwable startupFailure) {
    assertThat(startupFailure).as("startup should have failed").isNotNull();
    FailureAnalysis a = new SockpoolFailureAnalyzer().analyze(startupFailure);
    assertThat(a).as("analysis of %s", startupFailure).isNotNull();
    return a;
  }
}
