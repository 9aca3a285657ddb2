package io.sockpool.internal.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
}
