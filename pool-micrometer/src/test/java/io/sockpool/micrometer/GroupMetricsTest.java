package io.sockpool.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sockpool.AddressResolver;
import io.sockpool.Endpoint;
import io.sockpool.EndpointGroup;
import io.sockpool.OutlierDetection;
import io.sockpool.PoolConfig;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.ProcessResources;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** sockpool.group.* meters follow a group's calls and ejections, tagged with the group. */
@Timeout(30)
class GroupMetricsTest {

  @Test
  void groupMetersCountCallsAndEjections() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (FakePeer peer = new FakePeer();
        SocketPool pool = SocketPool.create(PoolConfig.builder().poolName("gm").build());
        GroupMetrics metrics = new GroupMetrics(pool)) {
      metrics.bindTo(registry);
      Endpoint up = Endpoint.of(peer.host(), peer.port());
      Endpoint down = Endpoint.of("127.0.0.1", FakePeer.closedPort());
      EndpointGroup g =
          EndpointGroup.builder("cache")
              .member(up)
              .member(down)
              .outlierDetection(OutlierDetection.DEFAULTS.withConsecutiveFailures(1))
              .build();
      for (int i = 0; i < 10; i++) {
        try (PooledConnection c = pool.checkout(g)) {
          assertEquals(up, c.endpoint());
        }
      }
      assertEquals(
          10.0,
          registry
              .get(GroupMetrics.CALLS)
              .tags("pool", "gm", "group", "cache")
              .functionCounter()
              .count());
      assertEquals(
          1.0,
          registry.get(GroupMetrics.EJECTIONS).tag("group", "cache").functionCounter().count());
      assertEquals(1.0, registry.get(GroupMetrics.EJECTED).tag("group", "cache").gauge().value());
      assertEquals(
          10.0,
          registry
              .get(GroupMetrics.MEMBER_CALLS)
              .tags("group", "cache", "endpoint", up.toString())
              .functionCounter()
              .count());
      metrics.close();
      assertNull(registry.find(GroupMetrics.CALLS).functionCounter());
      assertEquals(List.of(), registry.getMeters());
    }
  }

  @Test
  void aResolvedGroupCountsItsFailedReResolutions() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AtomicBoolean failing = new AtomicBoolean();
    AddressResolver resolver =
        (host, timeout) -> {
          if (failing.get()) {
            throw new UnknownHostException(host + ": Name or service not known");
          }
          return List.of(InetAddress.getByName("127.0.0.1"));
        };
    try (FakePeer peer = new FakePeer();
        SocketPool pool =
            SocketPool.create(
                PoolConfig.builder()
                    .poolName("gm-resolve")
                    .addressResolver(resolver)
                    .reresolveInterval(Duration.ofMillis(100))
                    .evictionInterval(Duration.ofMillis(20))
                    .build());
        GroupMetrics metrics = new GroupMetrics(pool)) {
      EndpointGroup g = EndpointGroup.resolving("resolved", "cache.test", peer.port());
      pool.checkout(g).close();
      metrics.bindTo(registry);
      failing.set(true);
      assertTrue(
          ProcessResources.awaitTrue(
              () ->
                  registry
                          .get(GroupMetrics.RESOLVE_FAILURES)
                          .tags("pool", "gm-resolve", "group", "resolved")
                          .functionCounter()
                          .count()
                      >= 1,
              Duration.ofSeconds(20)),
          "a failed re-resolution counted");
    }
  }
}
