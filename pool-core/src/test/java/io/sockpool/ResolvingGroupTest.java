package io.sockpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.testkit.ProcessResources;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Groups whose members are a host name's addresses: a recording resolver answers from a table the
 * test changes (a hand-written fake: the project has no mocking library); the members are real echo
 * servers on 127.0.0.2, 127.0.0.3 and 127.0.0.4, one port. (The re-resolution schedule runs on the
 * pool's own clock, {@link System#nanoTime()}: these tests wait for its effects with bounded
 * polls.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResolvingGroupTest {
  private static final Duration INTERVAL = Duration.ofMillis(200);
  private static final Duration EVICTION = Duration.ofMillis(50);
  private static final String HOST = "replicas.test";

  private final List<AutoCloseable> toClose = new ArrayList<>();

  /** What the resolver answers: a list of addresses, or an exception to throw. */
  private final AtomicReference<Object> answer = new AtomicReference<>();

  private final Recorder resolver = new Recorder();

  /** Answers {@link #answer}, after the gate opens; records each host it was asked for. */
  private final class Recorder implements AddressResolver {
    final AtomicInteger calls = new AtomicInteger();
    final List<String> hosts = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile CountDownLatch gate = new CountDownLatch(0);

    @Override
    public List<InetAddress> resolve(String host, Duration timeout) throws IOException {
      calls.incrementAndGet();
      hosts.add(host);
      try {
        gate.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted");
      }
      Object a = answer.get();
      if (a instanceof IOException e) {
        throw e;
      }
      @SuppressWarnings("unchecked")
      List<InetAddress> list = (List<InetAddress>) a;
      return list;
    }

    @Override
    public String toString() {
      return "Recorder";
    }
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private <T extends AutoCloseable> T closeLater(T c) {
    toClose.add(c);
    return c;
  }

  private SocketPool pool(String name) {
    return closeLater(
        SocketPool.create(
            PoolConfig.builder()
                .poolName(name)
                .maxPerEndpoint(8)
                .addressResolver(resolver)
                .reresolveInterval(INTERVAL)
                .evictionInterval(EVICTION)
                .connectTimeout(Duration.ofSeconds(5))
                .checkoutTimeout(Duration.ofSeconds(10))
                .build()));
  }

  private AddressPeer[] peers(String... ips) throws IOException {
    AddressPeer[] peers = AddressPeer.startAll(ips);
    for (AddressPeer p : peers) {
      closeLater(p);
    }
    return peers;
  }

  private static List<InetAddress> ips(AddressPeer... peers) {
    List<InetAddress> ips = new ArrayList<>();
    for (AddressPeer p : peers) {
      ips.add(p.ip());
    }
    return ips;
  }

  private static Endpoint member(AddressPeer p) {
    return Endpoint.of(p.ip().getHostAddress(), p.port());
  }

  private static Set<Endpoint> members(SocketPool pool, EndpointGroup g) {
    return pool.stats(g).members().stream()
        .map(GroupMemberStats::endpoint)
        .collect(Collectors.toSet());
  }

  private static void awaitTrue(BooleanSupplier condition, String what)
      throws InterruptedException {
    assertTrue(ProcessResources.awaitTrue(condition, Duration.ofSeconds(20)), what);
  }

  private static int idle(SocketPool pool, Endpoint e) {
    EndpointStats s = pool.stats(e);
    return s == null ? 0 : s.idle();
  }

  @Test
  void theFirstCheckoutResolvesTheNameAndItsAddressesAreTheMembers() throws Exception {
    AddressPeer[] p = peers("127.0.0.2", "127.0.0.3");
    answer.set(ips(p));
    SocketPool pool = pool("resolve-first");
    EndpointGroup g = EndpointGroup.resolving("replicas", HOST, p[0].port());
    assertEquals(List.of(), pool.stats(g).members(), "nothing resolved before the first use");
    assertEquals(0, resolver.calls.get());

    Set<InetAddress> served = new HashSet<>();
    for (int i = 0; i < 40 && served.size() < 2; i++) {
      served.add(pool.execute(g, AddressPeer::exchange));
    }
    assertEquals(Set.copyOf(ips(p)), served, "both addresses serve");
    assertEquals(Set.of(member(p[0]), member(p[1])), members(pool, g));
    assertEquals(1, pool.stats(g).members().get(0).weight());
    // without blocking: the first answer of another group of the same name's addresses
    EndpointGroup async = EndpointGroup.resolving("replicas-async", HOST, p[0].port());
    try (PooledConnection c = pool.checkoutAsync(async).get(20, TimeUnit.SECONDS)) {
      assertTrue(Set.of(member(p[0]), member(p[1])).contains(c.endpoint()), c.endpoint() + "");
    }
    assertEquals(HOST, resolver.hosts.get(0));
    // a pool that has taken the answer does not look the name up per checkout
    int before = lookups();
    long start = System.nanoTime();
    for (int i = 0; i < 20; i++) {
      pool.execute(g, AddressPeer::exchange);
    }
    long intervals = (System.nanoTime() - start) / INTERVAL.toNanos();
    assertTrue(
        lookups() - before <= intervals + 1,
        "re-resolved on its interval, not per checkout: " + (lookups() - before));
  }

  @Test
  void aChangedAnswerReplacesTheMembersAndDrainsTheRemovedOneButNotItsHeldConnection()
      throws Exception {
    AddressPeer[] p = peers("127.0.0.2", "127.0.0.3", "127.0.0.4");
    answer.set(ips(p[0], p[1]));
    SocketPool pool = pool("resolve-change");
    EndpointGroup g = EndpointGroup.resolving("replicas", HOST, p[0].port());
    PooledConnection held = null;
    for (int i = 0; i < 200 && held == null; i++) {
      PooledConnection c = pool.checkout(g);
      if (c.endpoint().equals(member(p[1]))) {
        held = c;
      } else {
        c.close();
      }
    }
    assertTrue(held != null, "a checkout landed on 127.0.0.3");
    pool.warmUp(member(p[1]), 3);
    assertTrue(idle(pool, member(p[1])) >= 1, "idle connections to 127.0.0.3");

    answer.set(ips(p[0], p[2]));
    awaitTrue(
        () -> members(pool, g).equals(Set.of(member(p[0]), member(p[2]))),
        "the group takes the new answer");
    awaitTrue(() -> idle(pool, member(p[1])) == 0, "the removed member's idle connections closed");
    awaitTrue(() -> p[1].openConnections() == 1, "only the held connection left on 127.0.0.3");
    assertEquals(p[1].ip(), AddressPeer.exchange(held), "the holder's exchange is not interrupted");
    held.close();
    awaitTrue(() -> p[1].openConnections() == 0, "the held connection closed on its return");
    Set<InetAddress> served = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      served.add(pool.execute(g, AddressPeer::exchange));
    }
    assertTrue(served.contains(p[2].ip()), "the added member serves: " + served);
    assertTrue(!served.contains(p[1].ip()), "the removed member serves no more: " + served);
  }

  @Test
  void aFailingOrEmptyAnswerKeepsTheMembersCountedAndWarnedOncePerStreak() throws Exception {
    AddressPeer[] p = peers("127.0.0.2", "127.0.0.3");
    answer.set(ips(p));
    SocketPool pool = pool("resolve-fail");
    EndpointGroup g = EndpointGroup.resolving("replicas", HOST, p[0].port());
    pool.execute(g, AddressPeer::exchange);
    Set<Endpoint> both = Set.of(member(p[0]), member(p[1]));
    try (LogCapture log = LogCapture.start()) {
      answer.set(new UnknownHostException(HOST + ": Name or service not known"));
      awaitTrue(() -> pool.stats(g).resolveFailures() >= 2, "failures counted");
      answer.set(List.of()); // empty: a failure too, never an empty group
      long failed = pool.stats(g).resolveFailures();
      awaitTrue(() -> pool.stats(g).resolveFailures() >= failed + 2, "empty answers counted");
      assertEquals(both, members(pool, g), "the last good members kept");
      for (int i = 0; i < 10; i++) {
        pool.execute(g, AddressPeer::exchange);
      }
      List<String> warned = log.messages(LogCapture.WARN, "'resolve-fail'");
      assertEquals(1, warned.size(), "one WARN for the streak: " + warned);
      assertTrue(warned.get(0).contains("Name or service not known"), warned.get(0));
      assertTrue(warned.get(0).contains("group 'replicas'"), warned.get(0));

      answer.set(ips(p[0]));
      awaitTrue(() -> members(pool, g).equals(Set.of(member(p[0]))), "a good answer is taken");
      answer.set(new UnknownHostException(HOST + ": again"));
      awaitTrue(
          () -> log.messages(LogCapture.WARN, "'resolve-fail'").size() == 2,
          "a new streak warns again");
      assertEquals(Set.of(member(p[0])), members(pool, g));
    }
  }

  @Test
  void aFirstResolutionThatFailsSaysWhatTheResolverSaid() throws Exception {
    answer.set(new UnknownHostException(HOST + ": Name or service not known"));
    SocketPool pool = pool("resolve-unknown");
    EndpointGroup g = EndpointGroup.resolving("replicas", HOST, 6379);
    CheckoutException e = assertThrows(CheckoutException.class, () -> pool.checkout(g));
    assertTrue(e.getMessage().contains("group 'replicas' has no members"), e.getMessage());
    assertTrue(e.getMessage().contains("Name or service not known"), e.getMessage());
    ExecutionException async =
        assertThrows(
            ExecutionException.class, () -> pool.checkoutAsync(g).get(20, TimeUnit.SECONDS));
    assertInstanceOf(CheckoutException.class, async.getCause());
    assertEquals(List.of(), pool.stats(g).members(), "no group without an answer");
  }

  @Test
  void aFirstResolutionWithoutAnswerEndsAtTheCheckoutDeadline() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    resolver.gate = release;
    AddressPeer[] p = peers("127.0.0.2");
    answer.set(ips(p));
    SocketPool pool = pool("resolve-slow");
    EndpointGroup g = EndpointGroup.resolving("replicas", HOST, p[0].port());
    long start = System.nanoTime();
    CheckoutTimeoutException e =
        assertThrows(
            CheckoutTimeoutException.class, () -> pool.checkout(g, Duration.ofMillis(300)));
    long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(took >= 290 && took < 5000, "ended at the deadline, after " + took + " ms");
    assertTrue(e.getMessage().contains("the resolver did not answer for " + HOST), e.getMessage());
    release.countDown();
    try (PooledConnection c = pool.checkout(g)) {
      assertEquals(member(p[0]), c.endpoint(), "served once answered");
    }
  }

  @Test
  void closeStopsReResolution() throws Exception {
    AddressPeer[] p = peers("127.0.0.2");
    answer.set(ips(p));
    SocketPool pool = pool("resolve-close");
    EndpointGroup g = EndpointGroup.resolving("replicas", HOST, p[0].port());
    pool.execute(g, AddressPeer::exchange);
    awaitTrue(() -> resolver.calls.get() >= 3, "re-resolved in the background");
    pool.close();
    int lookups = lookups();
    // an absence: no call for five re-resolution intervals
    assertEquals(
        lookups,
        ProcessResources.awaitStable(
            this::lookups, INTERVAL.multipliedBy(5), INTERVAL.multipliedBy(50)));
    assertThrows(IllegalStateException.class, () -> pool.checkout(g));
    assertThrows(IllegalStateException.class, () -> pool.checkout(g, Duration.ofSeconds(1)));
    assertEquals(lookups, lookups(), "no lookup after close");
  }

  private int lookups() {
    return resolver.calls.get();
  }

  @Test
  void anUnusedGroupStopsBeingReResolvedAndItsNextCheckoutStartsAgain() throws Exception {
    AddressPeer[] p = peers("127.0.0.2", "127.0.0.3");
    answer.set(ips(p[0]));
    SocketPool pool =
        closeLater(
            SocketPool.create(
                PoolConfig.builder()
                    .poolName("resolve-unused")
                    .addressResolver(resolver)
                    .reresolveInterval(INTERVAL)
                    .evictionInterval(EVICTION)
                    .idleTimeout(Duration.ofMillis(600))
                    .build()));
    EndpointGroup g = EndpointGroup.resolving("replicas", HOST, p[0].port());
    pool.execute(g, AddressPeer::exchange);
    // unused for the idle timeout: the watch goes, the lookups stop
    long quiet =
        ProcessResources.awaitStable(
            this::lookups, Duration.ofMillis(5 * INTERVAL.toMillis()), Duration.ofSeconds(20));
    assertTrue(quiet > 0);
    answer.set(ips(p[1]));
    pool.execute(g, AddressPeer::exchange); // the last members serve; the name is looked up again
    awaitTrue(
        () -> members(pool, g).equals(Set.of(member(p[1]))), "the next use re-resolves the name");
  }

  @Test
  void badInputIsRefusedWithClearMessages() throws Exception {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> EndpointGroup.resolving("g", null, 1));
    assertTrue(e.getMessage().contains("host must not be blank, but was null"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> EndpointGroup.resolving("g", " ", 1));
    assertTrue(e.getMessage().contains("host must not be blank"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> EndpointGroup.resolving("g", HOST, 0));
    assertTrue(e.getMessage().contains("port must be in 1..65535, but was 0"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> EndpointGroup.resolving("g", HOST, 65536));
    assertTrue(e.getMessage().contains("but was 65536"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> EndpointGroup.resolving("", HOST, 1));
    assertTrue(e.getMessage().contains("group name must be 1..100"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                EndpointGroup.builder("g")
                    .member(Endpoint.of("127.0.0.2", 1))
                    .resolving(HOST, 1)
                    .build());
    assertTrue(e.getMessage().contains("use one or the other"), e.getMessage());

    AddressPeer[] p = peers("127.0.0.2");
    answer.set(ips(p));
    SocketPool pool = pool("resolve-bad");
    EndpointGroup g = EndpointGroup.resolving("replicas", HOST, p[0].port());
    e = assertThrows(IllegalArgumentException.class, () -> pool.updateGroup(g));
    assertTrue(e.getMessage().contains("takes its members from the pool's AddressResolver"));
    pool.execute(g, AddressPeer::exchange);
    EndpointGroup given = EndpointGroup.of("replicas", List.of(member(p[0])));
    e = assertThrows(IllegalArgumentException.class, () -> pool.updateGroup(given));
    assertTrue(e.getMessage().contains("is already used in this pool for"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> pool.checkout(given));
    assertTrue(e.getMessage().contains("resolved from a host name"), e.getMessage());
    EndpointGroup elsewhere = EndpointGroup.resolving("replicas", "other.test", p[0].port());
    e = assertThrows(IllegalArgumentException.class, () -> pool.checkout(elsewhere));
    assertTrue(e.getMessage().contains("is already used in this pool for"), e.getMessage());
    assertTrue(!resolver.hosts.contains("other.test"), "a refused group is not looked up");
  }
}
