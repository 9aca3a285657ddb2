package io.sockpool.internal.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Waiters#failAll} (after a failed connect: a retry slot for each waiter with the time for
 * one more attempt while slots are given, a failure for the rest) and asynchronous waiters (woken
 * by their action, told by {@link Waiters#signalled} that something happened). A fixed clock: the
 * deadlines are numbers, nothing parks.
 */
@Timeout(10)
class WaitersFailAndAsyncTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long T0 = 1L << 40;
  private static final IOException CAUSE = new IOException("connection refused");

  /** No waiter leaves during these calls: a reserved slot is never left over. */
  private static final Runnable NO_WAITER_LEFT = () -> fail("a slot was left over");

  private static Throwable failure(Handoff<String> h) {
    return assertInstanceOf(Handoff.Failed.class, h).cause();
  }

  @Test
  void afterAFailedConnectWaitersGetRetrySlotsInOrderUntilNoneIsLeftThenFail() {
    Waiters<String> waiters = new Waiters<>();
    Waiters.Waiter<String> first = waiters.join(T0, T0, T0 + 100 * MS, 10);
    Waiters.Waiter<String> second = waiters.join(T0, T0, T0 + 100 * MS, 10);
    Waiters.Waiter<String> third = waiters.join(T0, T0, T0 + 100 * MS, 10);
    AtomicInteger asked = new AtomicInteger();
    int failed =
        waiters.failAll(T0, 10 * MS, () -> asked.incrementAndGet() == 1, NO_WAITER_LEFT, CAUSE);
    assertEquals(2, failed);
    assertEquals(2, asked.get(), "not asked again once it said no");
    assertEquals(0, waiters.size());
    assertSame(Handoff.slot(), waiters.leave(first));
    assertSame(CAUSE, failure(waiters.leave(second)));
    assertSame(CAUSE, failure(waiters.leave(third)));
  }

  @Test
  void aWaiterWithLessTimeLeftThanTheAttemptTookFailsWithoutTakingASlot() {
    Waiters<String> waiters = new Waiters<>();
    Waiters.Waiter<String> short1 = waiters.join(T0, T0, T0 + 10 * MS - 1, 10);
    Waiters.Waiter<String> exact = waiters.join(T0, T0, T0 + 10 * MS, 10);
    AtomicInteger slots = new AtomicInteger();
    int failed =
        waiters.failAll(
            T0,
            10 * MS,
            () -> {
              slots.incrementAndGet();
              return true;
            },
            NO_WAITER_LEFT,
            CAUSE);
    assertEquals(1, failed);
    assertEquals(1, slots.get(), "one slot reserved: for the waiter with exactly enough time");
    assertSame(CAUSE, failure(waiters.leave(short1)));
    assertSame(Handoff.slot(), waiters.leave(exact));
  }

  @Test
  void failingAnEmptyQueueAsksForNoSlot() {
    Waiters<String> waiters = new Waiters<>();
    assertEquals(
        0, waiters.failAll(T0, MS, () -> fail("no slot for nobody"), NO_WAITER_LEFT, CAUSE));
  }

  private static boolean fail(String why) {
    throw new AssertionError(why);
  }

  @Test
  void anAsynchronousWaiterIsWokenByItsActionAndSeesWhatItWasHanded() {
    Waiters<String> waiters = new Waiters<>();
    AtomicInteger wakes = new AtomicInteger();
    Waiters.Waiter<String> w = waiters.joinAsync(T0, T0, T0 + 100 * MS, 10, wakes::incrementAndGet);
    assertTrue(w.isAsync());
    assertFalse(waiters.join(T0, T0, 10).isAsync(), "a parked thread's node");
    assertFalse(waiters.signalled(w), "nothing yet");
    assertTrue(waiters.handOff("c1"));
    assertEquals(1, wakes.get());
    assertTrue(waiters.signalled(w));
    assertEquals("c1", assertInstanceOf(Handoff.Channel.class, waiters.leave(w)).channel());
  }

  @Test
  void aNudgeIsSignalledOnceThenCleared() {
    Waiters<String> waiters = new Waiters<>();
    AtomicInteger wakes = new AtomicInteger();
    Waiters.Waiter<String> w = waiters.joinAsync(T0, T0, T0 + 100 * MS, 10, wakes::incrementAndGet);
    waiters.nudgeFirst();
    assertEquals(1, wakes.get());
    assertTrue(waiters.signalled(w));
    assertFalse(waiters.signalled(w), "the nudge was seen");
    assertSame(Handoff.nothing(), waiters.leave(w));
  }

  @Test
  void failAllWakesAnAsynchronousWaiterWithItsFailure() {
    Waiters<String> waiters = new Waiters<>();
    AtomicInteger wakes = new AtomicInteger();
    Waiters.Waiter<String> w = waiters.joinAsync(T0, T0, T0 + 100 * MS, 10, wakes::incrementAndGet);
    assertEquals(1, waiters.failAll(T0, MS, () -> false, NO_WAITER_LEFT, CAUSE));
    assertEquals(1, wakes.get());
    assertTrue(waiters.signalled(w));
    assertSame(CAUSE, failure(waiters.leave(w)));
  }

  @Test
  void anAsynchronousWaiterNeedsAWakeAction() {
    Waiters<String> waiters = new Waiters<>();
    assertEquals(
        "wake must not be null",
        assertThrows(IllegalArgumentException.class, () -> waiters.joinAsync(T0, T0, T0, 10, null))
            .getMessage());
    assertEquals(0, waiters.size());
  }

  @Test
  void aWaiterJoinedWithoutADeadlineAlwaysHasTimeForARetry() {
    Waiters<String> waiters = new Waiters<>();
    Waiters.Waiter<String> w = waiters.join(T0, T0, 10);
    assertEquals(0, waiters.failAll(T0, 3_600_000 * MS, () -> true, NO_WAITER_LEFT, CAUSE));
    assertSame(Handoff.slot(), waiters.leave(w));
  }
}
