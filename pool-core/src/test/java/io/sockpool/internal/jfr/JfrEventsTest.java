package io.sockpool.internal.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.sockpool.CheckoutException;
import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.ProcessResources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import jdk.jfr.EventType;
import jdk.jfr.Recording;
import jdk.jfr.SettingDescriptor;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The io.sockpool.* JFR events, recorded in-process from a real pool on real sockets, dumped and
 * read back.
 */
@Timeout(60)
class JfrEventsTest {
  private static final List<String> NAMES =
      List.of(
          "io.sockpool.Checkout",
          "io.sockpool.Connect",
          "io.sockpool.Destroy",
          "io.sockpool.BreakerTransition",
          "io.sockpool.GroupEjection",
          "io.sockpool.GroupReturn");

  @Test
  void everyEventIsDisabledByDefaultAndCheckoutHasATwentyMillisecondThreshold() {
    for (Class<? extends jdk.jfr.Event> c :
        List.of(
            CheckoutEvent.class,
            ConnectEvent.class,
            DestroyEvent.class,
            BreakerTransitionEvent.class,
            GroupEjectionEvent.class,
            GroupReturnEvent.class)) {
      EventType t = EventType.getEventType(c);
      assertTrue(NAMES.contains(t.getName()), t.getName());
      assertEquals("false", setting(t, "enabled"), t.getName());
    }
    assertEquals("20 ms", setting(EventType.getEventType(CheckoutEvent.class), "threshold"));
  }

  @Test
  void recordsCheckoutConnectDestroyAndBreakerTransitionsWithTheirFields() throws Exception {
    int deadPort = FakePeer.closedPort();
    String live;
    List<RecordedEvent> events;
    try (Recording r = new Recording();
        FakePeer peer = new FakePeer()) {
      for (String n : NAMES) {
        r.enable(n).withThreshold(Duration.ZERO);
      }
      r.start();
      live = peer.hostAndPort();
      Endpoint dead = Endpoint.of("127.0.0.1", deadPort);
      try (SocketPool pool = SocketPool.create(config("jfr-fields"))) {
        try (PooledConnection c = pool.checkout(Endpoint.parse(live))) {
          c.exchangeComplete();
        }
        for (int i = 0; i < 2; i++) {
          assertThrows(CheckoutException.class, () -> pool.checkout(dead));
        }
      }
      events = stopAndRead(r, "jfr-fields");
    }
    RecordedEvent ok =
        only(events, e -> is(e, "io.sockpool.Checkout") && e.getString("outcome").equals("ok"));
    assertEquals(live, ok.getString("endpoint"));
    assertFalse(ok.getBoolean("waited"));
    assertTrue(ok.getDuration().toNanos() > 0);
    assertEquals(
        2,
        events.stream()
            .filter(
                e ->
                    is(e, "io.sockpool.Checkout")
                        && e.getString("endpoint").equals("127.0.0.1:" + deadPort)
                        && e.getString("outcome").endsWith("Exception"))
            .count(),
        () -> "two failed checkouts in " + events);
    RecordedEvent connected =
        only(events, e -> is(e, "io.sockpool.Connect") && e.getString("outcome").equals("ok"));
    assertEquals(live, connected.getString("endpoint"));
    assertTrue(
        connected.getString("address").endsWith(live.substring(live.indexOf(':'))),
        connected.getString("address"));
    assertTrue(connected.getDuration("connectTime").toNanos() > 0);
    assertFalse(connected.getBoolean("tls"));
    assertTrue(
        events.stream()
            .anyMatch(
                e ->
                    is(e, "io.sockpool.Connect")
                        && e.getString("outcome").contains("ConnectException")
                        && e.getString("address").isEmpty()),
        () -> "a refused connect in " + events);
    RecordedEvent transition = only(events, e -> is(e, "io.sockpool.BreakerTransition"));
    assertEquals("CLOSED", transition.getString("from"));
    assertEquals("OPEN", transition.getString("to"));
    assertEquals("127.0.0.1:" + deadPort, transition.getString("endpoint"));
    RecordedEvent closed = only(events, e -> is(e, "io.sockpool.Destroy"));
    assertEquals("CLOSED", closed.getString("reason"));
    assertEquals(live, closed.getString("endpoint"));
  }

  @Test
  void atTheDefaultThresholdOnlyTheSlowCheckoutIsRecorded() throws Exception {
    List<RecordedEvent> events;
    try (Recording r = new Recording();
        FakePeer peer = new FakePeer();
        SocketPool pool =
            SocketPool.create(config("jfr-threshold").toBuilder().maxPerEndpoint(1).build())) {
      r.enable("io.sockpool.Checkout"); // its own default threshold: 20 ms
      r.start();
      Endpoint e = Endpoint.parse(peer.hostAndPort());
      pool.checkout(e).close(); // connects; may pass 20 ms on a busy machine
      for (int i = 0; i < 200; i++) {
        pool.checkout(e).close(); // a few microseconds each
      }
      PooledConnection held = pool.checkout(e);
      Thread waiter =
          new Thread(
              () -> {
                try (PooledConnection c = pool.checkout(e, Duration.ofSeconds(10))) {
                  c.exchangeComplete();
                } catch (CheckoutException x) {
                  throw new AssertionError(x);
                }
              });
      waiter.start();
      while (pool.stats(e).waiting() == 0) {
        Thread.sleep(5); // a bounded poll: the test's timeout ends it
      }
      Thread.sleep(100); // the hold the waiter must sit through: what makes its checkout slow
      held.close();
      waiter.join();
      events = stopAndRead(r, "jfr-threshold");
    }
    RecordedEvent slow = only(events, ev -> ev.getBoolean("waited"));
    assertTrue(slow.getDuration().toMillis() >= 90, slow.toString());
    assertTrue(events.size() <= 20, () -> "fast checkouts recorded: " + events.size());
  }

  @Test
  void eachCheckoutOfAThreadIsItsOwnEventWithItsOwnWaitedFlag() throws Exception {
    List<RecordedEvent> events;
    try (Recording r = new Recording();
        FakePeer peer = new FakePeer();
        SocketPool pool =
            SocketPool.create(config("jfr-per-thread").toBuilder().maxPerEndpoint(1).build())) {
      r.enable("io.sockpool.Checkout").withThreshold(Duration.ZERO); // every checkout
      r.start();
      Endpoint e = Endpoint.parse(peer.hostAndPort());
      for (int i = 0; i < 5; i++) {
        pool.checkout(e).close();
      }
      PooledConnection held = pool.checkout(e);
      Thread waiter =
          new Thread(
              () -> {
                try {
                  pool.checkout(e, Duration.ofSeconds(10)).close(); // waits for held
                  pool.checkout(e, Duration.ofSeconds(10)).close(); // does not wait
                } catch (CheckoutException x) {
                  throw new AssertionError(x);
                }
              },
              "jfr-waiter");
      waiter.start();
      assertTrue(
          ProcessResources.awaitTrue(() -> pool.stats(e).waiting() > 0, Duration.ofSeconds(20)),
          "the waiter never queued");
      held.close();
      waiter.join();
      events = stopAndRead(r, "jfr-per-thread");
    }
    List<RecordedEvent> main =
        events.stream()
            .filter(ev -> !"jfr-waiter".equals(ev.getThread().getJavaName()))
            .collect(Collectors.toList());
    // the first checkout connects (recorded); the others may come from the fast path, which is
    // never timed: at most one event per checkout
    assertTrue(!main.isEmpty() && main.size() <= 6, () -> "the test thread's checkouts: " + main);
    assertTrue(main.stream().noneMatch(ev -> ev.getBoolean("waited")), main::toString);
    List<Boolean> waiterFlags =
        events.stream()
            .filter(ev -> "jfr-waiter".equals(ev.getThread().getJavaName()))
            .map(ev -> ev.getBoolean("waited"))
            .collect(Collectors.toList());
    assertEquals(List.of(true, false), waiterFlags, () -> "the waiter's checkouts: " + events);
  }

  @Test
  void aCheckoutServedFromTheFastPathIsNotTimedEvenAtThresholdZero() throws Exception {
    int cycles = 1000;
    List<RecordedEvent> events;
    try (Recording r = new Recording();
        FakePeer peer = new FakePeer();
        SocketPool pool = SocketPool.create(config("jfr-fast-path"))) {
      r.enable("io.sockpool.Checkout").withThreshold(Duration.ZERO);
      r.start();
      Endpoint e = Endpoint.parse(peer.hostAndPort());
      for (int i = 0; i < cycles; i++) {
        pool.checkout(e).close(); // straight back: the fast path, but for the first few
      }
      events = stopAndRead(r, "jfr-fast-path");
    }
    assertTrue(
        events.stream().anyMatch(ev -> ev.getString("outcome").equals("ok")),
        "the first checkout (a connect) is recorded");
    // a thread descheduled between a return and its next checkout leaves the fast path, so some
    // more may be recorded on a busy machine; with every checkout timed all 1,000 would be
    assertTrue(
        events.size() < cycles / 2,
        () -> events.size() + " of " + cycles + " checkouts recorded; the fast path is not timed");
  }

  @Test
  void aConnectOverTlsIsRecordedAsTls(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    io.sockpool.testkit.TestCertificates certs = io.sockpool.testkit.TestCertificates.generate(dir);
    List<RecordedEvent> events;
    try (Recording r = new Recording();
        FakePeer peer = FakePeer.tls(certs.serverContext(certs.server(), false), false)) {
      r.enable("io.sockpool.Connect").withThreshold(Duration.ZERO);
      r.start();
      try (SocketPool pool =
          SocketPool.create(
              config("jfr-tls").toBuilder()
                  // the JVM's first TLS handshake loads and compiles JSSE (0.4-0.5 s quiet); at
                  // load average 19-34 the default 1 s connect timeout ran out at 980 ms
                  .checkoutTimeout(Duration.ofSeconds(30))
                  .connectTimeout(Duration.ofSeconds(30))
                  .tls(io.sockpool.TlsConfig.builder().trustPem(certs.caPem()).build())
                  .build())) {
        try (PooledConnection c = pool.checkout(Endpoint.parse(peer.hostAndPort()))) {
          c.exchangeComplete();
        }
      }
      events = stopAndRead(r, "jfr-tls");
    }
    RecordedEvent connected =
        only(events, e -> is(e, "io.sockpool.Connect") && e.getString("outcome").equals("ok"));
    assertTrue(connected.getBoolean("tls"), connected::toString);
  }

  private static PoolConfig config(String name) {
    return PoolConfig.builder()
        .poolName(name)
        .checkoutTimeout(Duration.ofSeconds(5))
        .circuitBreakerConfig(
            CircuitBreakerConfig.custom()
                .slidingWindowSize(2)
                .minimumNumberOfCalls(2)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(30))
                .build())
        .build();
  }

  /** Stops the recording, dumps it and reads back the pool's events. */
  private static List<RecordedEvent> stopAndRead(Recording r, String pool) throws IOException {
    r.stop();
    Path file = Files.createTempFile("sockpool-", ".jfr");
    try {
      r.dump(file);
      return RecordingFile.readAllEvents(file).stream()
          .filter(e -> NAMES.contains(e.getEventType().getName()))
          .filter(e -> pool.equals(e.getString("pool")))
          .collect(Collectors.toList());
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static boolean is(RecordedEvent e, String name) {
    return e.getEventType().getName().equals(name);
  }

  private static RecordedEvent only(List<RecordedEvent> events, Predicate<RecordedEvent> p) {
    List<RecordedEvent> found = events.stream().filter(p).collect(Collectors.toList());
    assertEquals(1, found.size(), () -> "expected one matching event in " + events);
    return found.get(0);
  }

  private static String setting(EventType t, String name) {
    return t.getSettingDescriptors().stream()
        .filter(s -> s.getName().equals(name))
        .map(SettingDescriptor::getDefaultValue)
        .findFirst()
        .orElseThrow();
  }
}
