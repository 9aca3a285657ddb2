package io.sockpool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.sockpool.Endpoint;
import io.sockpool.internal.queue.Affinity;
import io.sockpool.internal.queue.Handoff;
import io.sockpool.internal.queue.Waiters;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link HotSlots} as a data structure: keep, take back, steal, overflow, cool, and what the fast
 * path declines. No sockets: the connections are never read or written here. Whatever HotSlots
 * passes on goes to a waiter of the endpoint (so this test needs no commons-pool2 behind {@link
 * Connections}), and the test reads what the waiter was handed.
 */
@Timeout(20)
class HotSlotsTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long T0 = 1L << 40; // a positive clock reading, far from the wrap
  private static final long WINDOW = 500 * MS;
  private static final Endpoint ENDPOINT = Endpoint.of("hot.test", 7000);

  private final Lifecycle lifecycle = new Lifecycle("hot-slots-test");

  /** Only the hand-off to a waiter is used: commons-pool2 and the counts are never reached. */
  private final Connections connections = new Connections(null, null, null, null, lifecycle);

  private final HotSlots hot =
      new HotSlots(connections, lifecycle, new EvictionRules(60_000 * MS, () -> T0), WINDOW);

  private final List<Waiters.Waiter<PooledChannel>> joined = new ArrayList<>();
  private EndpointState st;

  @AfterEach
  void leaveAll() {
    for (Waiters.Waiter<PooledChannel> w : joined) {
      st.waiters().leave(w);
    }
  }

  private EndpointState endpoint(int slots) {
    st = new EndpointState(ENDPOINT, CircuitBreaker.ofDefaults("hot-slots-test"), slots, 0);
    return st;
  }

  /** A connection last used at {@code usedAt}, expiring an hour later. */
  private static PooledChannel channel(long usedAt) {
    return new PooledChannel(ENDPOINT, null, null, usedAt, usedAt + 3_600_000 * MS);
  }

  /** A waiter of the endpoint whose fairness window ends at {@code dueAt}. */
  private Waiters.Waiter<PooledChannel> waiter(long dueAt) {
    Waiters.Waiter<PooledChannel> w = st.waiters().join(T0 - WINDOW, dueAt, 100);
    joined.add(w);
    return w;
  }

  private PooledChannel handedTo(Waiters.Waiter<PooledChannel> w) {
    Handoff<PooledChannel> h = st.waiters().leave(w);
    return h instanceof Handoff.Channel<PooledChannel> c ? c.channel() : null;
  }

  @Test
  void aKeptConnectionIsHotAndTheSameThreadTakesItBack() {
    endpoint(4);
    Affinity aff = new Affinity();
    PooledChannel ch = channel(T0);
    hot.keep(aff, st, ch, T0);
    assertTrue(ch.isHot());
    assertEquals(1, HotSlots.count(st));
    assertSame(ch, hot.checkoutHot(aff, st, T0 + 1));
    assertFalse(ch.isHot(), "taken: no longer hot");
    assertEquals(0, HotSlots.count(st));
    assertNull(hot.checkoutHot(aff, st, T0 + 2), "nothing hot any more");
  }

  @Test
  void eachThreadKeepsInTheNextFreeSlotAndRemembersIt() {
    endpoint(3);
    Affinity first = new Affinity();
    Affinity second = new Affinity();
    hot.keep(first, st, channel(T0), T0);
    PooledChannel theirs = channel(T0);
    hot.keep(second, st, theirs, T0);
    assertEquals(0, first.slot());
    assertEquals(1, second.slot(), "slot 0 was taken: the next one");
    assertSame(theirs, hot.checkoutHot(second, st, T0), "looks in its own slot first");
  }

  @Test
  void aThreadWhoseLastSlotIsBeyondThisEndpointsSlotsStartsAtTheFirst() {
    endpoint(2);
    Affinity aff = new Affinity();
    aff.slot(2); // its last slot was at an endpoint with more of them
    PooledChannel ch = channel(T0);
    hot.keep(aff, st, ch, T0);
    assertEquals(0, aff.slot());
    aff.slot(2);
    assertSame(ch, hot.checkoutHot(aff, st, T0));
  }

  @Test
  void aStealTakesAnyHotConnectionOnceOnly() {
    endpoint(4);
    Affinity aff = new Affinity();
    aff.slot(2);
    PooledChannel ch = channel(T0);
    hot.keep(aff, st, ch, T0);
    assertEquals(2, aff.slot());
    assertSame(ch, HotSlots.steal(st), "found past the empty slots");
    assertNull(HotSlots.steal(st));
    assertFalse(ch.isHot());
  }

  @Test
  void withEverySlotTakenAReturnIsPassedOnNotKept() {
    endpoint(2);
    Waiters.Waiter<PooledChannel> w = waiter(T0 + 60_000 * MS);
    hot.keep(new Affinity(), st, channel(T0), T0);
    hot.keep(new Affinity(), st, channel(T0), T0);
    PooledChannel third = channel(T0);
    hot.keep(new Affinity(), st, third, T0);
    assertEquals(2, HotSlots.count(st));
    assertFalse(third.isHot(), "not hot: it went on");
    assertSame(third, handedTo(w));
  }

  @Test
  void aReturnWhileAWaiterIsDueGoesToTheWaiter() {
    endpoint(4);
    Waiters.Waiter<PooledChannel> w = waiter(T0);
    PooledChannel ch = channel(T0);
    hot.keep(new Affinity(), st, ch, T0); // the waiter's window ended at T0: it is due
    assertEquals(0, HotSlots.count(st));
    assertSame(ch, handedTo(w));
  }

  @Test
  void aReturnWhileTheWaiterIsInsideItsWindowStaysHot() {
    endpoint(4);
    Waiters.Waiter<PooledChannel> w = waiter(T0 + 1);
    PooledChannel ch = channel(T0);
    hot.keep(new Affinity(), st, ch, T0);
    assertEquals(1, HotSlots.count(st));
    assertNull(handedTo(w));
  }

  @Test
  void theFastPathServesUpToJustInsideTheValidationWindow() {
    endpoint(4);
    Affinity aff = new Affinity();
    PooledChannel ch = channel(T0);
    hot.keep(aff, st, ch, T0);
    assertSame(ch, hot.checkoutHot(aff, st, T0 + WINDOW - 1));
  }

  @Test
  void theFastPathPassesOnAConnectionUsedAWindowAgo() {
    endpoint(4);
    Waiters.Waiter<PooledChannel> w = waiter(T0 + 60_000 * MS);
    Affinity aff = new Affinity();
    PooledChannel ch = channel(T0);
    hot.keep(aff, st, ch, T0);
    assertNull(hot.checkoutHot(aff, st, T0 + WINDOW), "exactly at the window: probe it");
    assertSame(ch, handedTo(w));
  }

  @Test
  void theFastPathPassesOnWhenAWaiterHasWaitedItsWindow() {
    endpoint(4);
    Affinity aff = new Affinity();
    PooledChannel ch = channel(T0);
    hot.keep(aff, st, ch, T0);
    Waiters.Waiter<PooledChannel> w = waiter(T0 + 10);
    assertNull(hot.checkoutHot(aff, st, T0 + 10), "no barging past a due waiter");
    assertSame(ch, handedTo(w));
  }

  @Test
  void theFastPathPassesOnWhileTheBreakerIsNotClosed() {
    endpoint(4);
    Waiters.Waiter<PooledChannel> w = waiter(T0 + 60_000 * MS);
    Affinity aff = new Affinity();
    PooledChannel ch = channel(T0);
    hot.keep(aff, st, ch, T0);
    st.breaker().transitionToOpenState();
    assertNull(hot.checkoutHot(aff, st, T0 + 1));
    assertSame(ch, handedTo(w));
  }

  @Test
  void theFastPathPassesOnForAnInterruptedCaller() {
    endpoint(4);
    Waiters.Waiter<PooledChannel> w = waiter(T0 + 60_000 * MS);
    Affinity aff = new Affinity();
    PooledChannel ch = channel(T0);
    hot.keep(aff, st, ch, T0);
    Thread.currentThread().interrupt();
    try {
      assertNull(hot.checkoutHot(aff, st, T0 + 1));
    } finally {
      assertTrue(Thread.interrupted(), "the flag is left set");
    }
    assertSame(ch, handedTo(w));
  }

  @Test
  void coolingMovesOnlyConnectionsUnusedForMoreThanTheCoolingTime() {
    endpoint(4);
    Waiters.Waiter<PooledChannel> w = waiter(T0 + 60_000 * MS);
    PooledChannel old = channel(T0 - HotSlots.COOL_NANOS - 1);
    PooledChannel recent = channel(T0 - HotSlots.COOL_NANOS);
    hot.keep(new Affinity(), st, old, T0);
    hot.keep(new Affinity(), st, recent, T0);
    hot.cool(st, T0);
    assertEquals(1, HotSlots.count(st), "exactly the cooling time: stays");
    assertSame(old, handedTo(w));
    assertSame(recent, HotSlots.steal(st));
  }

  @Test
  void anEndpointHasAsManySlotsAsConnectionsUpToSixtyFour() {
    assertEquals(1, HotSlots.slotsFor(1));
    assertEquals(64, HotSlots.slotsFor(64));
    assertEquals(64, HotSlots.slotsFor(65));
  }

  @Test
  void concurrentKeepsAndTakesNeverTakeAConnectionTwice() throws Exception {
    endpoint(4);
    int threads = 4;
    int rounds = 20_000;
    AtomicInteger[] owners = new AtomicInteger[threads];
    PooledChannel[] channels = new PooledChannel[threads];
    for (int i = 0; i < threads; i++) {
      owners[i] = new AtomicInteger();
      channels[i] = channel(T0);
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicInteger doubleTakes = new AtomicInteger();
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int me = t;
        done.add(
            pool.submit(
                () -> {
                  Affinity aff = new Affinity();
                  start.await();
                  PooledChannel mine = channels[me];
                  owners[me].incrementAndGet(); // each thread starts holding its own
                  for (int r = 0; r < rounds; r++) {
                    if (mine != null) {
                      owners[indexOf(channels, mine)].decrementAndGet();
                      hot.keep(aff, st, mine, T0);
                    }
                    mine = r % 3 == 0 ? HotSlots.steal(st) : hot.checkoutHot(aff, st, T0);
                    if (mine != null && owners[indexOf(channels, mine)].incrementAndGet() != 1) {
                      doubleTakes.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(15, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(0, doubleTakes.get(), "a connection held by two threads at once");
    int held = 0;
    for (AtomicInteger o : owners) {
      held += o.get();
    }
    assertEquals(threads, held + HotSlots.count(st), "every connection held or hot, none lost");
  }

  private static int indexOf(PooledChannel[] channels, PooledChannel ch) {
    for (int i = 0; i < channels.length; i++) {
      if (channels[i] == ch) {
        return i;
      }
    }
    throw new AssertionError("not one of the test's connections: " + ch);
  }
}
