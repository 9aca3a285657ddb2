package io.sockpool.jfr;

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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import jdk.jfr.EventType;
import jdk.jfr.SettingDescriptor;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The io.sockpool.* JFR events, recorded in-process from a real pool on real sockets. */
@Timeout(60)
class JfrEventsTest {
  private static final List<String> NAMES =
      List.of(
          "io.sockpool.Checkout",
          "io.sockpool.Connect",
          "io.sockpool.Destroy",
          "io.sockpool.BreakerTransition");

  @Test
  void everyEventIsDisabledByDefaultAndCheckoutHasATwentyMillisecondThreshold() {
    for (Class<? extends jdk.jfr.Event> c :
        List.of(
            CheckoutEvent.class,
            ConnectEvent.class,
            DestroyEvent.class,
            BreakerTransitionEvent.class)) {
      EventType t = EventType.getEventType(c);
      assertTrue(NAMES.contains(t.getName()), t.getName());
      assertEquals("false", setting(t, "enabled"), t.getName());
    }
    assertEquals("20 ms", setting(EventType.getEventType(CheckoutEvent.class), "threshold"));
  }

  @Test
  void recordsCheckoutConnectDestroyAndBreakerTransitionsWithTheirFields() throws Exception {
    List<RecordedEvent> events = new CopyOnWriteArrayList<>();
    CountDownLatch closedDestroy = new CountDownLatch(1);
    CountDownLatch opened = new CountDownLatch(1);
    int deadPort = FakePeer.closedPort();
    try (RecordingStream rs = new RecordingStream();
        FakePeer peer = new FakePeer()) {
      for (String n : NAMES) {
        rs.enable(n).withThreshold(Duration.ZERO);
      }
      rs.onEvent(
          e -> {
            events.add(e);
            if (e.getEventType().getName().equals("io.sockpool.Destroy")
                && e.getString("reason").equals("CLOSED")) {
              closedDestroy.countDown();
            }
            if (e.getEventType().getName().equals("io.sockpool.BreakerTransition")
                && e.getString("to").equals("OPEN")) {
              opened.countDown();
            }
          });
      rs.startAsync();
      Endpoint live = Endpoint.parse(peer.hostAndPort());
      Endpoint dead = Endpoint.of("127.0.0.1", deadPort);
      try (SocketPool pool = SocketPool.create(config("jfr-fields"))) {
        try (PooledConnection c = pool.checkout(live)) {
          c.exchangeComplete();
        }
        for (int i = 0; i < 2; i++) {
          assertThrows(CheckoutException.class, () -> pool.checkout(dead));
        }
      }
      assertTrue(opened.await(30, TimeUnit.SECONDS), () -> "no OPEN transition in " + events);
      assertTrue(closedDestroy.await(30, TimeUnit.SECONDS), () -> "no CLOSED destroy in " + events);
      // the stream delivers in flush order: wait for what the assertions below read
      awaitEvent(
          events, e -> is(e, "io.sockpool.Checkout") && !e.getString("outcome").equals("ok"));
      awaitEvent(events, e -> is(e, "io.sockpool.Connect") && !e.getString("outcome").equals("ok"));
    }
    RecordedEvent ok =
        only(events, e -> is(e, "io.sockpool.Checkout") && e.getString("outcome").equals("ok"));
    assertEquals("jfr-fields", ok.getString("pool"));
    assertFalse(ok.getBoolean("waited"));
    assertTrue(ok.getDuration().toNanos() > 0);
    assertTrue(
        events.stream()
            .anyMatch(
                e ->
                    is(e, "io.sockpool.Checkout")
                        && e.getString("endpoint").equals("127.0.0.1:" + deadPort)
                        && e.getString("outcome").endsWith("Exception")));
    RecordedEvent connected =
        only(events, e -> is(e, "io.sockpool.Connect") && e.getString("outcome").equals("ok"));
    assertEquals(peer(connected), connected.getString("endpoint"));
    assertTrue(
        connected
            .getString("address")
            .endsWith(":" + connected.getString("endpoint").split(":")[1]),
        connected.getString("address"));
    assertTrue(connected.getDuration("connectTime").toNanos() > 0);
    assertFalse(connected.getBoolean("tls"));
    RecordedEvent refused =
        events.stream()
            .filter(e -> is(e, "io.sockpool.Connect") && !e.getString("outcome").equals("ok"))
            .findFirst()
            .orElseThrow();
    assertTrue(refused.getString("outcome").contains("Connect"), refused.getString("outcome"));
    RecordedEvent transition = only(events, e -> is(e, "io.sockpool.BreakerTransition"));
    assertEquals("CLOSED", transition.getString("from"));
    assertEquals("127.0.0.1:" + deadPort, transition.getString("endpoint"));
  }

  @Test
  void atTheDefaultThresholdOnlyTheSlowCheckoutIsRecorded() throws Exception {
    List<RecordedEvent> events = new CopyOnWriteArrayList<>();
    try (RecordingStream rs = new RecordingStream();
        FakePeer peer = new FakePeer();
        SocketPool pool =
            SocketPool.create(config("jfr-threshold").toBuilder().maxPerEndpoint(1).build())) {
      rs.enable("io.sockpool.Checkout"); // its own default threshold: 20 ms
      rs.onEvent("io.sockpool.Checkout", events::add);
      rs.startAsync();
      Endpoint e = Endpoint.parse(peer.hostAndPort());
      pool.checkout(e).close(); // connects; may pass 20 ms on a busy machine
      for (int i = 0; i < 200; i++) {
        pool.checkout(e).close(); // a few microseconds each
      }
      PooledConnection held = pool.checkout(e);
      CountDownLatch waiting = new CountDownLatch(1);
      Thread waiter =
          new Thread(
              () -> {
                waiting.countDown();
                try (PooledConnection c = pool.checkout(e, Duration.ofSeconds(10))) {
                  c.exchangeComplete();
                } catch (CheckoutException x) {
                  throw new AssertionError(x);
                }
              });
      waiter.start();
      waiting.await();
      while (pool.stats(e).waiting() == 0) {
        Thread.sleep(5); // a bounded poll: the test's timeout ends it
      }
      Thread.sleep(100); // the hold the waiter must sit through: what makes its checkout slow
      held.close();
      waiter.join();
      awaitEvent(events, ev -> ev.getBoolean("waited"));
    }
    RecordedEvent slow = only(events, ev -> ev.getBoolean("waited"));
    assertTrue(slow.getDuration().toMillis() >= 90, slow.toString());
    assertTrue(events.size() <= 20, () -> "fast checkouts recorded: " + events.size());
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

  private static String peer(RecordedEvent e) {
    return e.getString("endpoint");
  }

  private static boolean is(RecordedEvent e, String name) {
    return e.getEventType().getName().equals(name);
  }

  private static RecordedEvent only(List<RecordedEvent> events, Predicate<RecordedEvent> p) {
    List<RecordedEvent> found = events.stream().filter(p).collect(Collectors.toList());
    assertEquals(1, found.size(), () -> "expected one matching event in " + events);
    return found.get(0);
  }

  private static void awaitEvent(List<RecordedEvent> events, Predicate<RecordedEvent> p)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (events.stream().noneMatch(p) && System.nanoTime() < deadline) {
      Thread.sleep(20); // RecordingStream flushes about once a second
    }
    assertTrue(events.stream().anyMatch(p), () -> "no matching event in " + events);
  }

  private static String setting(EventType t, String name) {
    return t.getSettingDescriptors().stream()
        .filter(s -> s.getName().equals(name))
        .map(SettingDescriptor::getDefaultValue)
        .findFirst()
        .orElseThrow();
  }
}
