package io.sockpool.internal.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What {@link Waiters} hands over, as a {@link Handoff}, in arrival order. */
@Timeout(10)
class WaitersTest {
  private static final long FAR = TimeUnit.SECONDS.toNanos(30);

  @Test
  void nobodyWaitingDeclinesEveryHandOff() {
    Waiters<String> waiters = new Waiters<>();
    assertFalse(waiters.handOff("c1"));
    assertFalse(waiters.handOffSlot());
    assertFalse(waiters.handOffIfDue("c1", System.nanoTime(), true));
    assertEquals(0, waiters.size());
  }

  @Test
  void aChannelGoesToTheLongestWaiterAndIsWhatItLeavesWith() {
    Waiters<String> waiters = new Waiters<>();
    long now = System.nanoTime();
    Waiters.Waiter<String> first = waiters.join(now, now, 10);
    Waiters.Waiter<String> second = waiters.join(now, now, 10);
    assertTrue(waiters.handOff("c1"));
    Handoff<String> toFirst = waiters.leave(first);
    Handoff<String> toSecond = waiters.leave(second);
    assertEquals("c1", assertInstanceOf(Handoff.Channel.class, toFirst).channel());
    assertSame(Handoff.nothing(), toSecond);
    assertEquals(0, waiters.size());
  }

  @Test
  void aSlotIsTheSharedSlotInstance() {
    Waiters<String> waiters = new Waiters<>();
    long now = System.nanoTime();
    Waiters.Waiter<String> w = waiters.join(now, now, 10);
    assertTrue(waiters.handOffSlot());
    assertSame(Handoff.slot(), waiters.park(w, now + FAR), "handed before parking: no wait");
    assertSame(Handoff.nothing(), waiters.leave(w), "consumed by park");
  }

  @Test
  void aParkedWaiterWakesWithWhatAnotherThreadHandsIt() throws Exception {
    Waiters<String> waiters = new Waiters<>();
    CountDownLatch joined = new CountDownLatch(1);
    CompletableFuture<Handoff<String>> got =
        CompletableFuture.supplyAsync(
            () -> {
              long now = System.nanoTime();
              Waiters.Waiter<String> w = waiters.join(now, now, 10);
              joined.countDown();
              try {
                return waiters.park(w, now + FAR);
              } finally {
                waiters.leave(w);
              }
            });
    assertTrue(joined.await(5, TimeUnit.SECONDS));
    assertTrue(waiters.handOff("c2"), "join links the node before it returns");
    Handoff<String> handed = got.get(5, TimeUnit.SECONDS);
    assertEquals("c2", assertInstanceOf(Handoff.Channel.class, handed).channel());
  }

  @Test
  void aWaiterInsideItsFairnessWindowIsNotDueAndMayBeOvertaken() {
    Waiters<String> waiters = new Waiters<>();
    long now = System.nanoTime();
    Waiters.Waiter<String> w = waiters.join(now, now + FAR, 10);
    assertTrue(waiters.mayBarge(now));
    assertFalse(waiters.due(now, false));
    assertTrue(waiters.due(now, true));
    assertFalse(waiters.handOffIfDue("c1", now, false), "declined inside the window");
    assertFalse(waiters.mayBarge(now + FAR), "at the end of the window nobody overtakes it");
    assertTrue(waiters.handOffIfDue("c1", now + FAR, false));
    assertInstanceOf(Handoff.Channel.class, waiters.leave(w));
  }

  @Test
  void joinRefusesBeyondTheLimit() {
    Waiters<String> waiters = new Waiters<>();
    long now = System.nanoTime();
    Waiters.Waiter<String> w = waiters.join(now, now, 1);
    assertNull(waiters.join(now, now, 1));
    assertSame(Handoff.nothing(), waiters.leave(w));
  }

  @Test
  void handOffsGoInArrivalOrderAndSayWhatWasHanded() {
    Waiters<String> waiters = new Waiters<>();
    Waiters.Waiter<String> first = waiters.join(0, 0, 10);
    Waiters.Waiter<String> second = waiters.join(1, 1, 10);
    Waiters.Waiter<String> third = waiters.join(2, 2, 10);
    assertEquals(3, waiters.size());
    assertTrue(waiters.handOffSlot());
    assertTrue(waiters.handOff("c1"));
    assertEquals(1, waiters.size(), "each hand-off takes its waiter out of the queue");
    assertSame(Handoff.slot(), waiters.leave(first));
    assertEquals("c1", assertInstanceOf(Handoff.Channel.class, waiters.leave(second)).channel());
    assertSame(Handoff.nothing(), waiters.leave(third));
    assertEquals(0, waiters.size());
    assertFalse(waiters.handOff("c2"), "everyone left: nobody to hand it to");
  }

  @Test
  void aWaiterThatLeftBeforeAHandOffIsSkipped() {
    Waiters<String> waiters = new Waiters<>();
    Waiters.Waiter<String> first = waiters.join(0, 0, 10);
    Waiters.Waiter<String> second = waiters.join(0, 0, 10);
    assertSame(Handoff.nothing(), waiters.leave(first), "cancelled: timed out or interrupted");
    assertEquals(1, waiters.size());
    assertTrue(waiters.handOff("c1"));
    assertEquals("c1", assertInstanceOf(Handoff.Channel.class, waiters.leave(second)).channel());
    assertSame(Handoff.nothing(), waiters.leave(first), "leaving twice hands out nothing twice");
  }

  @Test
  void theLimitCountsOnlyThoseStillWaiting() {
    Waiters<String> waiters = new Waiters<>();
    Waiters.Waiter<String> a = waiters.join(0, 0, 2);
    Waiters.Waiter<String> b = waiters.join(0, 0, 2);
    assertNull(waiters.join(0, 0, 2), "exactly at the limit");
    assertTrue(waiters.handOff("c1"));
    Waiters.Waiter<String> c = waiters.join(0, 0, 2);
    assertNotNull(c, "a waiter that was handed something no longer counts");
    waiters.leave(a);
    waiters.leave(b);
    waiters.leave(c);
  }

  @Test
  void parkReturnsNothingOnceItsDeadlineHasPassed() {
    Waiters<String> waiters = new Waiters<>();
    long now = System.nanoTime();
    Waiters.Waiter<String> w = waiters.join(now, now, 10);
    assertSame(Handoff.nothing(), waiters.park(w, now - 1));
    long before = System.nanoTime();
    assertSame(Handoff.nothing(), waiters.park(w, before + TimeUnit.MILLISECONDS.toNanos(20)));
    long parkedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
    assertTrue(parkedMs >= 19, "parked until its deadline, not " + parkedMs + " ms");
    assertEquals(1, waiters.size(), "timing out does not leave the queue: leave does");
    assertSame(Handoff.nothing(), waiters.leave(w));
  }

  @Test
  void anInterruptedWaiterReturnsAtOnceWithItsFlagKept() {
    Waiters<String> waiters = new Waiters<>();
    long now = System.nanoTime();
    Waiters.Waiter<String> w = waiters.join(now, now, 10);
    Thread.currentThread().interrupt();
    try {
      assertSame(Handoff.nothing(), waiters.park(w, now + FAR));
      assertTrue(Thread.currentThread().isInterrupted());
    } finally {
      Thread.interrupted();
      waiters.leave(w);
    }
  }

  @Test
  void aNudgeWakesOnlyTheLongestWaiterWithNothing() {
    Waiters<String> waiters = new Waiters<>();
    long now = System.nanoTime();
    Waiters.Waiter<String> first = waiters.join(now, now, 10);
    Waiters.Waiter<String> second = waiters.join(now, now, 10);
    waiters.nudgeFirst();
    assertSame(Handoff.nothing(), waiters.park(first, now + FAR), "woken at once");
    assertSame(
        Handoff.nothing(), waiters.park(second, System.nanoTime() + 1_000_000), "not nudged");
    assertEquals(2, waiters.size(), "a nudge takes nobody out of the queue");
    assertTrue(waiters.handOff("c1"), "the nudged waiter is still first in line");
    assertInstanceOf(Handoff.Channel.class, waiters.leave(first));
    waiters.nudgeAll();
    assertSame(Handoff.nothing(), waiters.park(second, now + FAR), "woken by nudgeAll");
    waiters.leave(second);
    waiters.nudgeFirst(); // nobody waits: nothing to do
    waiters.nudgeAll();
  }

  @Test
  void nobodyWaitingMeansAnyoneMayBargeAndNobodyIsDue() {
    Waiters<String> waiters = new Waiters<>();
    assertTrue(waiters.mayBarge(0));
    assertFalse(waiters.due(0, false));
    assertFalse(waiters.due(0, true), "anyWaiter needs a waiter");
  }

  @Test
  void theFairnessWindowEndsExactlyAtDueAt() {
    Waiters<String> waiters = new Waiters<>();
    long since = 1_000;
    long dueAt = 5_000;
    Waiters.Waiter<String> w = waiters.join(since, dueAt, 10);
    assertEquals(since, w.since());
    assertEquals(dueAt, w.dueAt());
    assertTrue(waiters.mayBarge(dueAt - 1));
    assertFalse(waiters.due(dueAt - 1, false));
    assertFalse(waiters.mayBarge(dueAt), "at dueAt nobody goes ahead any more");
    assertTrue(waiters.due(dueAt, false));
    assertFalse(waiters.mayBarge(dueAt + 1));
    assertTrue(waiters.due(dueAt + 1, false));
    waiters.leave(w);
  }

  @Test
  void theWindowThatCountsIsTheLongestWaitersAcrossTheNanoTimeWrap() {
    Waiters<String> waiters = new Waiters<>();
    long dueFirst = Long.MAX_VALUE - 10; // the clock wraps between the two windows
    long dueSecond = Long.MIN_VALUE + 10;
    Waiters.Waiter<String> first = waiters.join(dueFirst - 100, dueFirst, 10);
    Waiters.Waiter<String> second = waiters.join(dueFirst - 50, dueSecond, 10);
    long between = Long.MAX_VALUE; // past the first window, inside the second
    assertTrue(waiters.due(between, false));
    assertFalse(waiters.mayBarge(between));
    assertTrue(waiters.handOffIfDue("c1", between, false));
    assertInstanceOf(Handoff.Channel.class, waiters.leave(first));
    assertFalse(waiters.due(between, false), "now the second waiter's window counts");
    assertTrue(waiters.mayBarge(between));
    assertFalse(waiters.handOffIfDue("c2", between, false));
    assertTrue(waiters.handOffIfDue("c2", between, true), "anyWaiter ignores the window");
    assertInstanceOf(Handoff.Channel.class, waiters.leave(second));
  }

  @Test
  void aHeadThatLeavesPassesTheWindowToTheNextWaiter() {
    Waiters<String> waiters = new Waiters<>();
    Waiters.Waiter<String> first = waiters.join(0, 100, 10);
    Waiters.Waiter<String> second = waiters.join(10, 1_000, 10);
    assertTrue(waiters.due(500, false));
    waiters.leave(first);
    assertFalse(waiters.due(500, false), "the second waiter is inside its window until 1000");
    assertTrue(waiters.mayBarge(500));
    assertTrue(waiters.due(1_000, false));
    waiters.leave(second);
    assertTrue(waiters.mayBarge(1_000), "empty again");
  }

  @Test
  void aWaiterParkedInAnotherThreadWakesOnAHandOffANudgeOrNudgeAll() throws Exception {
    Waiters<String> waiters = new Waiters<>();
    for (int how = 0; how < 3; how++) {
      CompletableFuture<Handoff<String>> parked = parkedWaiter(waiters);
      if (how == 0) {
        assertTrue(waiters.handOff("c" + how));
      } else if (how == 1) {
        waiters.nudgeFirst();
      } else {
        waiters.nudgeAll();
      }
      // parked until FAR (30 s) unless woken: 5 s is plenty on a busy machine
      Handoff<String> got = parked.get(5, TimeUnit.SECONDS);
      assertSame(how == 0 ? Handoff.Channel.class : Handoff.nothing().getClass(), got.getClass());
    }
    assertEquals(0, waiters.size());
  }

  /**
   * A waiter that joins in another thread and parks until {@link #FAR}; returns once that thread is
   * parked (not merely about to park), so that only an unpark can wake it in time.
   */
  private static CompletableFuture<Handoff<String>> parkedWaiter(Waiters<String> waiters)
      throws InterruptedException {
    Thread[] thread = new Thread[1];
    CountDownLatch joined = new CountDownLatch(1);
    CompletableFuture<Handoff<String>> got =
        CompletableFuture.supplyAsync(
            () -> {
              thread[0] = Thread.currentThread();
              long now = System.nanoTime();
              Waiters.Waiter<String> w = waiters.join(now, now, 10);
              joined.countDown();
              try {
                return waiters.park(w, now + FAR);
              } finally {
                waiters.leave(w);
              }
            });
    assertTrue(joined.await(5, TimeUnit.SECONDS));
    assertTrue(
        io.sockpool.testkit.ProcessResources.awaitTrue(
            () -> thread[0].getState() == Thread.State.TIMED_WAITING,
            java.time.Duration.ofSeconds(5)),
        "the waiter never parked");
    return got;
  }
}
