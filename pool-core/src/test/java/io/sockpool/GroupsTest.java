package io.sockpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.ProcessResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Group checkouts against real loopback peers: spreading, skipping, waiting, membership, errors.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GroupsTest {
  private final List<AutoCloseable> closeMe = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeMe) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T keep(T c) {
    closeMe.add(0, c);
    return c;
  }

  private SocketPool pool(PoolConfig.Builder b) {
    return keep(SocketPool.create(b.build()));
  }

  private List<Endpoint> peers(int n) throws Exception {
    List<Endpoint> eps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      eps.add(TestSupport.endpoint(keep(new FakePeer())));
    }
    return eps;
  }

  @Test
  void checkoutsSpreadOverTheMembersAndNameTheMember() throws Exception {
    SocketPool pool = pool(PoolConfig.builder().poolName("spread"));
    List<Endpoint> eps = peers(3);
    EndpointGroup g = EndpointGroup.of("three", eps);
    Map<Endpoint, Integer> served = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      Endpoint e =
          pool.execute(
              g,
              c -> {
                TestSupport.ping(c);
                return c.endpoint();
              });
      served.merge(e, 1, Integer::sum);
    }
    assertEquals(eps.size(), served.size(), "every member served: " + served);
    PooledConnection c = pool.checkout(g);
    assertTrue(eps.contains(c.endpoint()));
    pool.release(c); // a group's connection goes back through the pool's own check
    GroupStats s = pool.stats(g);
    assertEquals(301, s.calls());
    assertEquals(0, s.failedCalls());
    assertEquals(List.of("three"), pool.groupStats().stream().map(GroupStats::name).toList());
    long sum = 0;
    for (GroupMemberStats m : s.members()) {
      assertEquals(
          served.getOrDefault(m.endpoint(), 0) + (m.endpoint().equals(c.endpoint()) ? 1 : 0),
          m.calls());
      sum += m.calls();
    }
    assertEquals(301, sum);
  }

  @Test
  void aMemberWithoutRoomIsSkippedAndTheCallerWaitsOnlyWhenAllAreFull() throws Exception {
    SocketPool pool = pool(PoolConfig.builder().poolName("room").maxPerEndpoint(1));
    EndpointGroup g = EndpointGroup.of("two", peers(2));
    PooledConnection first = pool.checkout(g);
    long t0 = System.nanoTime();
    PooledConnection second = pool.checkout(g, Duration.ofSeconds(5));
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2), "did not wait");
    assertNotEquals(first.endpoint(), second.endpoint(), "the member with room was taken");
    CompletableFuture<PooledConnection> third =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return pool.checkout(g, Duration.ofSeconds(20));
              } catch (CheckoutException e) {
                throw new IllegalStateException(e);
              }
            });
    assertTrue(
        ProcessResources.awaitTrue(
            () ->
                pool.stats(first.endpoint()).waiting() + pool.stats(second.endpoint()).waiting()
                    == 1,
            Duration.ofSeconds(10)),
        "the third caller queues on one member");
    PooledConnection held = pool.stats(first.endpoint()).waiting() == 1 ? first : second;
    Endpoint queuedOn = held.endpoint();
    held.close();
    PooledConnection got = third.get(10, TimeUnit.SECONDS);
    assertEquals(queuedOn, got.endpoint());
    got.close();
    (held == first ? second : first).close();
  }

  @Test
  void everyMemberEjectedOrOpenFailsAtOnceNamingEachState() throws Exception {
    SocketPool pool =
        pool(
            PoolConfig.builder()
                .poolName("unavailable")
                .circuitBreakerConfig(
                    CircuitBreakerConfig.custom()
                        .slidingWindowSize(2)
                        .minimumNumberOfCalls(1)
                        .waitDurationInOpenState(Duration.ofSeconds(30))
                        .build()));
    int[] ports = FakePeer.closedPorts(2); // two closedPort() calls once gave the same port
    Endpoint a = Endpoint.of("127.0.0.1", ports[0]);
    Endpoint b = Endpoint.of("127.0.0.1", ports[1]);
    EndpointGroup g =
        EndpointGroup.builder("down")
            .member(a)
            .member(b)
            .outlierDetection(OutlierDetection.DEFAULTS.withConsecutiveFailures(1))
            .build();
    CheckoutException firstCall = assertThrows(CheckoutException.class, () -> pool.checkout(g));
    assertTrue(firstCall.getSuppressed().length == 1, "both members were tried: " + firstCall);
    long t0 = System.nanoTime();
    GroupUnavailableException e =
        assertThrows(GroupUnavailableException.class, () -> pool.checkout(g));
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1), "at once");
    assertEquals("down", e.group());
    String msg = e.getMessage();
    assertTrue(msg.contains("ejected for"), msg);
    assertTrue(msg.contains("circuit breaker OPEN"), msg);
    assertEquals(1, pool.stats(g).ejected());
    assertEquals(2, pool.stats(g).failedCalls());
  }

  @Test
  void updateGroupDrainsTheMembersThatLeft() throws Exception {
    SocketPool pool = pool(PoolConfig.builder().poolName("update"));
    List<Endpoint> eps = peers(2);
    EndpointGroup two = EndpointGroup.of("svc", eps);
    for (int i = 0; i < 50; i++) {
      pool.execute(
          two,
          c -> {
            TestSupport.ping(c);
            return null;
          });
    }
    assertTrue(pool.stats(eps.get(1)).idle() > 0);
    EndpointGroup one = EndpointGroup.of("svc", List.of(eps.get(0)));
    assertEquals(List.of(eps.get(1)), pool.updateGroup(one));
    assertEquals(
        0, pool.stats(eps.get(1)).idle(), "idle connections of the member that left closed");
    for (int i = 0; i < 20; i++) {
      assertEquals(eps.get(0), pool.execute(one, Connection::endpoint));
    }
    // the old membership under the same name is now an error: the name stands for the new one
    IllegalArgumentException old =
        assertThrows(IllegalArgumentException.class, () -> pool.checkout(two));
    assertTrue(old.getMessage().contains("is already used in this pool"), old.getMessage());
  }

  @Test
  void aMemberSharedByTwoGroupsMustHaveOneWeight() throws Exception {
    SocketPool pool = pool(PoolConfig.builder().poolName("shared"));
    List<Endpoint> eps = peers(2);
    pool.checkout(EndpointGroup.of("a", eps)).close();
    pool.checkout(EndpointGroup.of("b", eps)).close(); // same member, same weight: fine
    EndpointGroup heavier = EndpointGroup.builder("c").member(eps.get(0), 2).build();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> pool.checkout(heavier));
    assertTrue(e.getMessage().contains("has weight 2 in group 'c' but 1 in group"), e.getMessage());
  }

  @Test
  void aGroupOfOneIsItsMembersPlainCheckout() throws Exception {
    SocketPool pool = pool(PoolConfig.builder().poolName("one"));
    Endpoint e = peers(1).get(0);
    EndpointGroup g = EndpointGroup.of("solo", List.of(e));
    try (PooledConnection c = pool.checkout(g)) {
      assertEquals(e, c.endpoint());
      TestSupport.ping(c);
    }
    assertEquals(1, pool.stats(e).checkouts());
  }

  @Test
  void aMembersLoadIsItsEndpointsWholeLoadInThePoolThroughTheGroupOrNot() throws Exception {
    SocketPool pool = pool(PoolConfig.builder().poolName("load"));
    List<Endpoint> eps = peers(2);
    EndpointGroup g = EndpointGroup.of("two", eps);
    pool.updateGroup(g); // registered before any checkout: a member's calls start at its join
    PooledConnection direct = pool.checkout(eps.get(0)); // a plain checkout, held
    assertEquals(1, member(pool, g, eps.get(0)).inFlight(), pool.stats(g).toString());
    for (int i = 0; i < 20; i++) {
      try (PooledConnection c = pool.checkout(g)) {
        // the held member has a call in flight and no latency yet: it costs the penalty
        assertEquals(eps.get(1), c.endpoint(), "call " + i + ": " + pool.stats(g));
        TestSupport.ping(c);
      }
    }
    direct.close();
    GroupMemberStats held = member(pool, g, eps.get(0));
    assertEquals(0, held.inFlight());
    assertEquals(1, held.calls(), "the plain checkout counts as the member's call");
    assertEquals(20, member(pool, g, eps.get(1)).calls());
    assertEquals(21, pool.stats(g).calls());
  }

  private static GroupMemberStats member(SocketPool pool, EndpointGroup g, Endpoint e) {
    return pool.stats(g).members().stream()
        .filter(m -> m.endpoint().equals(e))
        .findFirst()
        .orElseThrow();
  }
}
