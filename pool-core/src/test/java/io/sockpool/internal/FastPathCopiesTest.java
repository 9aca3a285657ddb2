package io.sockpool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import io.sockpool.Endpoint;
import io.sockpool.internal.queue.Affinity;
import io.sockpool.internal.queue.Handoff;
import io.sockpool.internal.queue.Waiters;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fast path's two copies in the endpoint's state ({@link EndpointState#breakerClosed()}, {@link
 * EndpointState#nobodyWaits()}): a breaker that left CLOSED before a checkout began, in any thread
 * and in any order of its events, is honoured by that checkout; a waiter whose join returned before
 * a barging checkout began is seen by it, and its leaving lets the fast path serve again. No
 * sockets (as in {@link HotSlotsTest}): what the fast path passes on goes to a waiter.
 */
@Timeout(20)
class FastPathCopiesTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long T0 = 1L << 40;
  private static final long WINDOW = 500 * MS;
  private static final Endpoint ENDPOINT = Endpoint.of("copies.test", 7000);

  private final Lifecycle lifecycle = new Lifecycle("fast-path-copies-test");
  private final Connections connections = new Connections(null, null, null, null, lifecycle);
  private final HotSlots hot =
      new HotSlots(connections, lifecycle, new EvictionRules(60_000 * MS, () -> T0), WINDOW);

  private static PooledChannel channel() {
    return new PooledChannel(ENDPOINT, null, null, T0, T0 + 3_600_000 * MS);
  }

  private static PooledChannel handedTo(EndpointState st, Waiters.Waiter<PooledChannel> w) {
    Handoff<PooledChannel> h = st.waiters().leave(w);
    return h instanceof Handoff.Channel<PooledChannel> c ? c.channel() : null;
  }

  private static void inAnotherThread(Runnable r) throws InterruptedException {
    Thread t = new Thread(r, "transition");
    t.start();
    t.join(TimeUnit.SECONDS.toMillis(10));
    assertFalse(t.isAlive(), "the other thread did not finish");
  }

  /** The state leaves CLOSED in one of the breaker's ways (OPEN first where it must). */
  private static void leaveClosed(CircuitBreaker b, CircuitBreaker.State to) {
    switch (to) {
      case OPEN -> b.transitionToOpenState();
      case HALF_OPEN -> {
        b.transitionToOpenState();
        b.transitionToHalfOpenState();
      }
      case FORCED_OPEN -> b.transitionToForcedOpenState();
      case DISABLED -> b.transitionToDisabledState();
      case METRICS_ONLY -> b.transitionToMetricsOnlyState();
      default -> throw new IllegalArgumentException("not a state other than CLOSED: " + to);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = CircuitBreaker.State.class,
      names = {"OPEN", "HALF_OPEN", "FORCED_OPEN", "DISABLED", "METRICS_ONLY"})
  void everyStateButClosedChangedInAnotherThreadSendsTheNextCheckoutToTheFullPath(
      CircuitBreaker.State to) throws InterruptedException {
    EndpointState st = new EndpointState(ENDPOINT, CircuitBreaker.ofDefaults("copies"), 4, 0);
    Affinity aff = new Affinity();
    PooledChannel ch = channel();
    hot.keep(aff, st, ch, T0);
    assertSame(ch, hot.checkoutHot(aff, st, T0 + 1), "CLOSED: the fast path serves");
    hot.keep(aff, st, ch, T0 + 2);
    inAnotherThread(() -> leaveClosed(st.breaker(), to)); // between two checkouts
    assertEquals(to, st.breaker().getState());
    Waiters.Waiter<PooledChannel> w = st.waiters().join(T0, T0 + 60_000 * MS, 10);
    assertNull(hot.checkoutHot(aff, st, T0 + 3), to + ": the full path asks the breaker");
    assertSame(ch, handedTo(st, w), "passed on, not served");
    inAnotherThread(() -> st.breaker().reset()); // back to CLOSED
    hot.keep(aff, st, ch, T0 + 4);
    assertSame(ch, hot.checkoutHot(aff, st, T0 + 5), "CLOSED again: the fast path serves");
  }

  @Test
  void aStateCreatedForABreakerThatIsAlreadyOpenStartsNotClosed() {
    CircuitBreaker b = CircuitBreaker.ofDefaults("copies");
    b.transitionToOpenState(); // a retired state's breaker, kept by its replacement
    EndpointState st = new EndpointState(ENDPOINT, b, 4, 0);
    assertFalse(st.breakerClosed());
  }

  /**
   * Two transitions whose events run out of order: thread A closes the breaker and its consumers
   * are held (by a consumer registered before the state's) until the main thread has opened it
   * again and its consumers have run. The copy must end as OPEN, not as A's late CLOSED.
   */
  @Test
  void aClosingWhoseEventRunsAfterALaterOpeningLeavesTheCopyNotClosed() throws Exception {
    CircuitBreaker b = CircuitBreaker.ofDefaults("copies");
    CountDownLatch heldInA = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Thread> holdIn = new AtomicReference<>();
    Consumer<Object> hold =
        e -> {
          if (e instanceof CircuitBreakerOnStateTransitionEvent t
              && t.getStateTransition().getToState() == CircuitBreaker.State.CLOSED
              && Thread.currentThread() == holdIn.get()) {
            heldInA.countDown();
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException x) {
              Thread.currentThread().interrupt();
            }
          }
        };
    b.getEventPublisher().onEvent(hold::accept); // before the state's own consumer
    EndpointState st = new EndpointState(ENDPOINT, b, 4, 0);
    b.transitionToOpenState();
    b.transitionToHalfOpenState();
    Thread a = new Thread(b::transitionToClosedState, "closes");
    holdIn.set(a);
    a.start();
    assertTrue(heldInA.await(10, TimeUnit.SECONDS), "A's CLOSED event did not start");
    b.transitionToOpenState(); // CLOSED -> OPEN: its consumers run here, now
    release.countDown();
    a.join(TimeUnit.SECONDS.toMillis(10));
    assertFalse(a.isAlive());
    assertEquals(CircuitBreaker.State.OPEN, b.getState());
    assertFalse(st.breakerClosed(), "A's late event must not leave the copy CLOSED");
    Affinity aff = new Affinity();
    hot.keep(aff, st, channel(), T0);
    Waiters.Waiter<PooledChannel> w = st.waiters().join(T0, T0 + 60_000 * MS, 10);
    assertNull(hot.checkoutHot(aff, st, T0 + 1));
    assertTrue(handedTo(st, w) != null);
  }

  @Test
  void aWaiterQueuedInAnotherThreadBeforeABargingCheckoutGetsTheConnection() throws Exception {
    EndpointState st = new EndpointState(ENDPOINT, CircuitBreaker.ofDefaults("copies"), 4, 0);
    Affinity aff = new Affinity();
    PooledChannel ch = channel();
    hot.keep(aff, st, ch, T0);
    assertTrue(st.nobodyWaits());
    AtomicReference<Waiters.Waiter<PooledChannel>> queued = new AtomicReference<>();
    // its window ends at T0 + 10: from then on no checkout may barge past it
    inAnotherThread(() -> queued.set(st.waiters().join(T0, T0 + 10, 10)));
    assertFalse(st.nobodyWaits(), "counted in the state once its join returned");
    assertEquals(1, st.waiters().size(), "the queue's count is the state's");
    assertNull(hot.checkoutHot(aff, st, T0 + 10), "no barging past the waiter");
    assertSame(ch, handedTo(st, queued.get()), "the waiter queued first gets it");
    assertTrue(st.nobodyWaits(), "handed: counted out");
  }

  @Test
  void aWaiterThatLeftWithNothingNoLongerStopsTheFastPath() {
    EndpointState st = new EndpointState(ENDPOINT, CircuitBreaker.ofDefaults("copies"), 4, 0);
    Affinity aff = new Affinity();
    PooledChannel ch = channel();
    Waiters.Waiter<PooledChannel> w = st.waiters().join(T0, T0, 10);
    hot.keep(aff, st, ch, T0); // the waiter is due: the return goes to it
    assertSame(ch, handedTo(st, w));
    Waiters.Waiter<PooledChannel> gone = st.waiters().join(T0, T0, 10);
    assertFalse(st.nobodyWaits());
    assertSame(Handoff.<PooledChannel>nothing(), st.waiters().leave(gone));
    assertTrue(st.nobodyWaits(), "left: counted out");
    hot.keep(aff, st, ch, T0 + 1);
    assertSame(ch, hot.checkoutHot(aff, st, T0 + 2), "nobody waits: the fast path serves");
  }
}
