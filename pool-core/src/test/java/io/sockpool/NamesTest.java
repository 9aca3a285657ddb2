package io.sockpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.sockpool.testkit.ProcessResources;
import io.sockpool.testkit.Slack;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Host names whose addresses change, hang or refuse: real sockets on 127.0.0.2 / 127.0.0.3. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NamesTest {
  private static final Duration INTERVAL = Duration.ofMillis(200);
  private static final Duration EVICTION = Duration.ofMillis(50);

  private final List<AutoCloseable> toClose = new ArrayList<>();

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

  /** A resolver answering every name from a table the test changes. */
  private static final class Table implements AddressResolver {
    final AtomicReference<List<InetAddress>> answer = new AtomicReference<>();
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public List<InetAddress> resolve(String host, Duration timeout) throws IOException {
      calls.incrementAndGet();
      List<InetAddress> a = answer.get();
      if (a == null) {
        throw new UnknownHostException(host + ": Name or service not known");
      }
      return a;
    }
  }

  private SocketPool pool(AddressResolver resolver, Duration interval) {
    return closeLater(
        SocketPool.create(
            PoolConfig.builder()
                .poolName("names-test")
                .maxPerEndpoint(8)
                .addressResolver(resolver)
                .reresolveInterval(interval)
                .evictionInterval(EVICTION)
                // a loopback connect was seen to take over 1 s on a busy machine: these tests
                // are about names, not deadlines (the ones that are pass their own)
                .connectTimeout(Duration.ofSeconds(5))
                .checkoutTimeout(Duration.ofSeconds(10))
                .build()));
  }

  @Test
  void afterTheNameMovesNewCheckoutsGoToTheNewAddressAndTheOldOneIsDrained() throws Exception {
    AddressPeer[] peers = AddressPeer.startAll("127.0.0.2", "127.0.0.3");
    AddressPeer a = closeLater(peers[0]);
    AddressPeer b = closeLater(peers[1]);
    Table table = new Table();
    table.answer.set(List.of(a.ip()));
    SocketPool pool = pool(table, INTERVAL);
    Endpoint service = Endpoint.of("service.test", a.port());
    assertEquals(4, pool.warmUp(service, 4));
    assertEquals(
        List.of(new AddressStats(new InetSocketAddress(a.ip(), a.port()), 4, true)),
        pool.addresses(service));
    PooledConnection held = pool.checkout(service);
    assertEquals(a.ip(), AddressPeer.exchange(held));

    // a caller loop running through the switch: (start of checkout, address it got) per exchange
    Queue<long[]> log = new ConcurrentLinkedQueue<>();
    Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService callers = Executors.newFixedThreadPool(3);
    toClose.add(callers::shutdownNow);
    List<Future<?>> loops = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      loops.add(
          callers.submit(
              () -> {
                while (running.get()) {
                  long start = System.nanoTime();
                  try {
                    InetAddress got = pool.execute(service, AddressPeer::exchange);
                    log.add(new long[] {start, got.equals(b.ip()) ? 1 : 0});
                  } catch (IOException | RuntimeException e) {
                    errors.add(e);
                  }
                }
                return null;
              }));
    }
    Thread.sleep(100);
    long switched = System.nanoTime();
    table.answer.set(List.of(b.ip()));
    InetSocketAddress atB = new InetSocketAddress(b.ip(), b.port());
    awaitTrue(
        () ->
            pool.addresses(service).stream().anyMatch(x -> x.current() && x.address().equals(atB)),
        "the pool sees B");
    long noticed = System.nanoTime();
    long noticedMillis = TimeUnit.NANOSECONDS.toMillis(noticed - switched);
    assertTrue(
        noticedMillis < Slack.upToMillis(INTERVAL.plus(EVICTION)),
        "noticed after " + noticedMillis + " ms");
    awaitTrue(() -> a.openConnections() == 1, "only the held connection left on A");
    // from here no connection to A but the held one exists: every checkout must go to B. (Between
    // the pool publishing B and retiring A's idle connections, a checkout may still take one.)
    long drained = System.nanoTime();
    long drainedMillis = TimeUnit.NANOSECONDS.toMillis(drained - switched);
    System.out.println(
        "names: switch -> new address seen after "
            + noticedMillis
            + " ms, last idle connection on A closed after "
            + drainedMillis
            + " ms"
            + " (reresolveInterval "
            + INTERVAL.toMillis()
            + " ms, evictionInterval "
            + EVICTION.toMillis()
            + " ms)");
    assertTrue(drainedMillis < Slack.upToMillis(INTERVAL.plus(EVICTION)), drainedMillis + " ms");

    assertEquals(
        a.ip(), AddressPeer.exchange(held), "a held connection keeps working until returned");
    held.close();
    awaitTrue(() -> a.openConnections() == 0, "A has no connection left");
    long lastOnA = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - switched);
    System.out.println(
        "names: switch -> last connection on A (held one returned) closed after "
            + lastOnA
            + " ms");
    a.close(); // the old server goes away: nobody is using it any more
    awaitTrue(
        () -> log.stream().filter(e -> e[0] - drained > 0).count() > 10,
        "the loop kept running after the drain");
    running.set(false);
    for (Future<?> f : loops) {
      f.get(5, TimeUnit.SECONDS);
    }

    assertEquals(List.of(), new ArrayList<>(errors), "no caller saw an error");
    for (long[] e : log) {
      if (e[0] - drained > 0) {
        assertEquals(1, e[1], "a checkout started after A was drained went to A");
      }
    }
    EndpointStats s = pool.stats(service);
    assertEquals(
        4,
        s.destroyed(DestroyReason.RETIRED),
        "the 4 connections to A (3 idle or in the loop, 1 held): " + s);
    List<AddressStats> now = pool.addresses(service);
    assertEquals(1, now.size(), now.toString());
    assertEquals(new InetSocketAddress(b.ip(), b.port()), now.get(0).address());
    assertTrue(now.get(0).current() && now.get(0).connections() >= 1, now.toString());
  }

  @Test
  void aResolverThatHangsFailsCheckoutsAtTheirDeadlineWhileOtherEndpointsAreServed()
      throws Exception {
    AddressPeer peer = closeLater(AddressPeer.start("127.0.0.1", 0));
    CountDownLatch release = new CountDownLatch(1);
    toClose.add(release::countDown);
    AddressResolver resolver =
        (host, timeout) -> {
          if (host.equals("hung.test")) {
            try {
              release.await(); // ignores its timeout, like a stuck discovery client
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return List.of(InetAddress.getLoopbackAddress());
        };
    SocketPool pool = pool(resolver, INTERVAL);
    Endpoint hung = Endpoint.of("hung.test", peer.port());
    Endpoint fine = Endpoint.of("fine.test", peer.port());
    Duration deadline = Duration.ofMillis(300);
    Duration fineDeadline = Duration.ofSeconds(10); // held behind the hung lookup, it would fail
    ExecutorService callers = Executors.newFixedThreadPool(5);
    toClose.add(callers::shutdownNow);
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger served = new AtomicInteger();
    Future<?> other =
        callers.submit(
            () -> {
              while (running.get()) {
                // never held behind the hung lookup (which does not answer during the test)
                try (PooledConnection c = pool.checkout(fine, fineDeadline)) {
                  AddressPeer.exchange(c);
                }
                served.incrementAndGet();
              }
              return null;
            });
    List<Future<Long>> timed = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Thread.sleep(i % 4 == 0 ? 100 : 0);
      timed.add(
          callers.submit(
              () -> {
                long start = System.nanoTime();
                CheckoutTimeoutException e =
                    assertThrows(
                        CheckoutTimeoutException.class, () -> pool.checkout(hung, deadline));
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(
                    e.getMessage().contains("name resolution of host 'hung.test'"), e.getMessage());
                assertTrue(
                    e.getCause() instanceof NameResolutionTimeoutException,
                    String.valueOf(e.getCause()));
                return ms;
              }));
    }
    for (Future<Long> f : timed) {
      long ms = f.get(10, TimeUnit.SECONDS);
      assertTrue(
          ms >= deadline.toMillis() - 5 && ms < Slack.upToMillis(deadline),
          "failed after " + ms + " ms for a " + deadline.toMillis() + " ms deadline");
    }
    // the hung lookup has not answered yet (released below): served meanwhile
    awaitTrue(() -> served.get() > 10, "the other endpoint served more than 10 times");
    running.set(false);
    other.get(5, TimeUnit.SECONDS);
    release.countDown(); // the lookup answers at last: the name works
    awaitTrue(
        () -> {
          try (PooledConnection c = pool.checkout(hung, deadline)) {
            return AddressPeer.exchange(c).isLoopbackAddress();
          } catch (IOException e) {
            return false;
          }
        },
        "hung.test served once its lookup answered");
  }

  @Test
  void withTwoAddressesTheFirstRefusingEveryCheckoutSucceedsOnTheSecond() throws Exception {
    AddressPeer[] peers = AddressPeer.startAll("127.0.0.2", "127.0.0.3");
    peers[0].close(); // 127.0.0.2 refuses
    AddressPeer live = closeLater(peers[1]);
    Table table = new Table();
    table.answer.set(List.of(peers[0].ip(), live.ip()));
    SocketPool pool = pool(table, INTERVAL);
    Endpoint service = Endpoint.of("two.test", live.port());
    for (int i = 0; i < 20; i++) {
      PooledConnection c = pool.checkout(service);
      assertEquals(live.ip(), AddressPeer.exchange(c));
      c.invalidate(); // the next checkout connects again
    }
    EndpointStats s = pool.stats(service);
    assertEquals(20, s.created(), s.toString());
    assertEquals(0, s.timeouts(), s.toString());
    assertEquals(
        CircuitBreaker.State.CLOSED,
        pool.circuitBreakers().circuitBreaker(service.toString()).getState());
    List<AddressStats> addresses = pool.addresses(service);
    assertEquals(2, addresses.size(), addresses.toString());
    assertTrue(addresses.stream().allMatch(AddressStats::current), addresses.toString());
  }

  @Test
  void anUnknownHostFailsAtOnceSayingTheNameDoesNotResolve() {
    SocketPool pool = pool(new Table(), INTERVAL);
    Duration deadline = Duration.ofSeconds(20);
    long start = System.nanoTime();
    CheckoutException e =
        assertThrows(
            CheckoutException.class,
            () -> pool.checkout(Endpoint.of("nohost.invalid", 6379), deadline));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertFalse(e instanceof CheckoutTimeoutException, e.toString());
    // "at once" = without waiting for the deadline; half of it leaves a busy machine room
    assertTrue(ms < deadline.toMillis() / 2, "took " + ms + " ms of a 20 s deadline");
    assertTrue(
        e.getMessage().contains("host name 'nohost.invalid' does not resolve"), e.getMessage());
    assertTrue(e.getCause() instanceof UnknownHostException, String.valueOf(e.getCause()));
  }

  @Test
  void aBreakerOpenedAgainstTheOldAddressLetsProbesThroughAsSoonAsTheNameMoves() throws Exception {
    AddressPeer[] peers = AddressPeer.startAll("127.0.0.2", "127.0.0.3");
    peers[0].close(); // the old primary is down
    AddressPeer b = closeLater(peers[1]);
    Table table = new Table();
    table.answer.set(List.of(peers[0].ip()));
    SocketPool pool =
        closeLater(
            SocketPool.create(
                PoolConfig.builder()
                    .poolName("names-breaker")
                    .addressResolver(table)
                    .reresolveInterval(INTERVAL)
                    .evictionInterval(EVICTION)
                    .circuitBreakerConfig(
                        CircuitBreakerConfig.custom()
                            .minimumNumberOfCalls(2)
                            .slidingWindowSize(2)
                            .waitDurationInOpenState(Duration.ofMinutes(5))
                            .permittedNumberOfCallsInHalfOpenState(1)
                            .build())
                    .build()));
    Endpoint service = Endpoint.of("primary.test", b.port());
    CircuitBreaker breaker = pool.circuitBreakers().circuitBreaker(service.toString());
    while (breaker.getState() != CircuitBreaker.State.OPEN) {
      assertThrows(CheckoutException.class, () -> pool.checkout(service));
    }
    assertThrows(EndpointUnavailableException.class, () -> pool.checkout(service));
    table.answer.set(List.of(b.ip()));
    long moved = System.nanoTime();
    awaitTrue(() -> breaker.getState() == CircuitBreaker.State.HALF_OPEN, "breaker half-open");
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - moved);
    assertTrue(
        ms < Slack.upToMillis(INTERVAL.plus(EVICTION)), "half-open after " + ms + " ms, not 5 min");
    try (PooledConnection c = pool.checkout(service)) {
      assertEquals(b.ip(), AddressPeer.exchange(c));
    }
    assertEquals(CircuitBreaker.State.CLOSED, breaker.getState(), "one probe closed it");
  }

  @Test
  void aZeroIntervalResolvesOnceAndKeepsTheFirstAnswer() throws Exception {
    AddressPeer[] peers = AddressPeer.startAll("127.0.0.2", "127.0.0.3");
    AddressPeer a = closeLater(peers[0]);
    closeLater(peers[1]);
    Table table = new Table();
    table.answer.set(List.of(a.ip()));
    SocketPool pool = pool(table, Duration.ZERO);
    Endpoint service = Endpoint.of("pinned.test", a.port());
    try (PooledConnection c = pool.checkout(service)) {
      AddressPeer.exchange(c);
    }
    table.answer.set(List.of(peers[1].ip()));
    Thread.sleep(INTERVAL.plus(EVICTION).toMillis() * 2);
    PooledConnection c = pool.checkout(service);
    assertEquals(a.ip(), AddressPeer.exchange(c));
    c.invalidate();
    try (PooledConnection again = pool.checkout(service)) {
      assertEquals(a.ip(), AddressPeer.exchange(again));
    }
    assertEquals(1, table.calls.get(), "one lookup for the life of the pool");
  }

  /**
   * A host name idle past the idle timeout is forgotten and stays forgotten: its address book goes
   * with it, and the maintenance pass's sweep over the books does not bring the endpoint back.
   */
  @Test
  void anIdleHostNameIsForgottenWithItsAddressesAndStaysForgotten() throws Exception {
    AddressPeer a = closeLater(AddressPeer.start("127.0.0.2", 0));
    Table table = new Table();
    table.answer.set(List.of(a.ip()));
    SocketPool pool =
        closeLater(
            SocketPool.create(
                PoolConfig.builder()
                    .poolName("names-forget")
                    .addressResolver(table)
                    .reresolveInterval(INTERVAL)
                    .evictionInterval(EVICTION)
                    .idleTimeout(Duration.ofMillis(200))
                    .build()));
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
    Endpoint service = Endpoint.of("forget.test", a.port());
    try (PooledConnection c = pool.checkout(service)) {
      assertEquals(a.ip(), AddressPeer.exchange(c));
    }
    awaitTrue(() -> removed.get() == 1, "the idle endpoint forgotten");
    Thread.sleep(EVICTION.toMillis() * 6); // several maintenance passes
    assertEquals(1, added.get(), "endpointAdded");
    assertEquals(1, removed.get(), "endpointRemoved");
    assertTrue(pool.stats().byEndpoint().isEmpty(), pool.stats().byEndpoint().toString());
    assertEquals(List.of(), pool.addresses(service));
    assertEquals(0, pool.circuitBreakers().getAllCircuitBreakers().size());
    int lookups = table.calls.get();
    Thread.sleep(INTERVAL.toMillis() * 2);
    assertEquals(lookups, table.calls.get(), "no re-resolution of a forgotten name");
    try (PooledConnection c = pool.checkout(service)) {
      assertEquals(a.ip(), AddressPeer.exchange(c), "a new checkout resolves it again");
    }
    assertEquals(2, added.get());
  }

  private static void awaitTrue(BooleanSupplier condition, String what)
      throws InterruptedException {
    if (!ProcessResources.awaitTrue(condition, Duration.ofSeconds(5))) {
      throw new AssertionError("not within 5 s: " + what);
    }
  }
}
