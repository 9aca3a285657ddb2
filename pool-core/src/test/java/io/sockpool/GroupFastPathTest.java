package io.sockpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.ProcessResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The group checkout's fast path (a member's hot connection on its kept engine handle) against real
 * loopback peers: it never serves a member the full checkout would skip, follows an endpoint the
 * pool forgot and created again, and a group's lease ends once however often it is closed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GroupFastPathTest {
  private final List<FakePeer> peers = new ArrayList<>();
  private final List<Endpoint> eps = new ArrayList<>();

  @BeforeEach
  void startPeers() throws Exception {
    for (int i = 0; i < 3; i++) {
      peers.add(new FakePeer());
      eps.add(TestSupport.endpoint(peers.get(i)));
    }
  }

  @AfterEach
  void stopPeers() throws Exception {
    for (FakePeer p : peers) {
      p.close();
    }
  }

  /** Checks out and closes through the group {@code n} times; returns the members that served. */
  private static Set<Endpoint> serve(SocketPool pool, EndpointGroup g, int n) throws Exception {
    Set<Endpoint> served = new HashSet<>();
    for (int i = 0; i < n; i++) {
      try (PooledConnection c = pool.checkout(g)) {
        TestSupport.ping(c);
        served.add(c.endpoint());
      }
    }
    return served;
  }

  @Test
  void aGroupLeaseClosedAgainOrInvalidatedAfterItsCloseEndsOnce() throws Exception {
    try (SocketPool pool = SocketPool.create(PoolConfig.builder().poolName("once").build())) {
      closedOnce(pool, EndpointGroup.of("three", eps));
    }
  }

  private static void closedOnce(SocketPool pool, EndpointGroup g) throws Exception {
    serve(pool, g, 30); // the members' connections are hot: the next checkout takes the fast path
    PooledConnection c = pool.checkout(g);
    TestSupport.ping(c);
    c.close();
    c.close();
    c.invalidate();
    GroupStats s = pool.stats(g);
    assertEquals(31, s.calls(), s.toString());
    for (GroupMemberStats m : s.members()) {
      assertEquals(0, m.inFlight(), "every call ended once: " + s);
      assertEquals(0, m.failures(), s.toString());
    }
    assertEquals(
        0, pool.stats().total().destroyed(DestroyReason.BROKEN), "the invalidate came too late");
  }

  @Test
  void aMemberWhoseBreakerIsOpenGetsNoCallThoughItsConnectionIsHot() throws Exception {
    try (SocketPool pool = SocketPool.create(PoolConfig.builder().poolName("breaker").build())) {
      skipsTheOpenMember(pool, EndpointGroup.of("three", eps));
    }
  }

  private void skipsTheOpenMember(SocketPool pool, EndpointGroup g) throws Exception {
    Endpoint open = eps.get(0);
    CircuitBreaker b = pool.circuitBreakers().circuitBreaker(open.toString());
    serve(pool, g, 30);
    try (PooledConnection c = pool.checkout(open)) {
      TestSupport.ping(c); // returned straight away: hot, the fast path would take it
    }
    b.transitionToForcedOpenState();
    long before = calls(pool, g, open);
    Set<Endpoint> served = serve(pool, g, 300);
    assertFalse(served.contains(open), "the open member is skipped: " + served);
    assertEquals(before, calls(pool, g, open), "no call on the open member: " + pool.stats(g));
    assertEquals(
        1, pool.stats().byEndpoint().get(open).idle(), "its hot connection is still there");
  }

  private static long calls(SocketPool pool, EndpointGroup g, Endpoint member) {
    return pool.stats(g).members().stream()
        .filter(m -> m.endpoint().equals(member))
        .findFirst()
        .orElseThrow()
        .calls();
  }

  @Test
  void aMemberThePoolForgotIsServedThroughItsNewState() throws Exception {
    try (SocketPool pool =
        SocketPool.create(
            PoolConfig.builder()
                .poolName("forgotten")
                .evictionInterval(Duration.ofMillis(50))
                .idleTimeout(Duration.ofMillis(200))
                .build())) {
      servedAfterForgetting(pool, EndpointGroup.of("three", eps));
    }
  }

  private static void servedAfterForgetting(SocketPool pool, EndpointGroup g) throws Exception {
    AtomicInteger added = new AtomicInteger();
    AtomicInteger removed = new AtomicInteger();
    pool.addListener(
        new PoolListener() {
          @Override
          public void endpointAdded(Endpoint endpoint) {
            added.incrementAndGet();
          }

          @Override
          public void endpointRemoved(Endpoint endpoint) {
            removed.incrementAndGet();
          }
        });
    serve(pool, g, 60); // the members that served keep their handles
    int states = added.get();
    assertTrue(
        ProcessResources.awaitTrue(() -> removed.get() == states, Duration.ofSeconds(20)),
        "every member forgotten while idle: " + pool.stats());
    assertTrue(pool.stats().byEndpoint().isEmpty(), pool.stats().byEndpoint().toString());
    Set<Endpoint> served = serve(pool, g, 200);
    assertTrue(added.get() >= states + served.size(), "a new state per member that served");
    // a checkout served on a forgotten state would be lost: its counters went to the totals
    assertEquals(260, pool.stats().total().checkouts(), pool.stats().toString());
    GroupStats s = pool.stats(g);
    assertEquals(260, s.calls(), s.toString());
    assertTrue(s.members().stream().allMatch(m -> m.inFlight() == 0), s.toString());
  }
}
