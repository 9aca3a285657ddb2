package io.sockpool.internal.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A waiter whose deadline passed leaves the queue whatever other threads do: it never waits for the
 * queue's lock, so a thread that holds the lock and then waits for a core (or, here, on a latch)
 * cannot keep a checkout past its deadline. And a hand-off that races such a leave is never lost:
 * it goes to the next waiter, or the giver keeps it.
 */
@Timeout(30)
class WaitersLeaveTest {
  private static final long FAR = TimeUnit.SECONDS.toNanos(60);

  /** The checkout's wait, as {@code Checkout.await} does it: park to the deadline, then leave. */
  private record Outcome(Handoff<String> handed, long returnedAt) {}

  @Test
  void aTimedOutWaiterLeavesWhileAnotherThreadHoldsTheQueueLock() throws Exception {
    Waiters<String> waiters = new Waiters<>();
    long now = System.nanoTime();
    waiters.join(now, now, now + FAR, 10); // ahead of the timed waiter: failAll stops on it
    CountDownLatch joined = new CountDownLatch(1);
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Outcome> outcome = new AtomicReference<>();
    CountDownLatch returned = new CountDownLatch(1);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
    Thread timed =
        new Thread(
            () -> {
              long t = System.nanoTime();
              Waiters.Waiter<String> w = waiters.join(t, t, deadline, 10);
              joined.countDown();
              Handoff<String> parked = waiters.park(w, deadline);
              Handoff<String> left = waiters.leave(w);
              outcome.set(
                  new Outcome(
                      parked != Handoff.<String>nothing() ? parked : left, System.nanoTime()));
              returned.countDown();
            },
            "timed-waiter");
    timed.start();
    assertTrue(joined.await(10, TimeUnit.SECONDS));
    // The lock holder: failAll calls its slot reservation under the queue's lock; this one waits
    // on a latch there, as a holder preempted by the scheduler would wait for a core.
    Thread holder =
        new Thread(
            () ->
                waiters.failAll(
                    System.nanoTime(),
                    0,
                    () -> {
                      holding.countDown();
                      await(release);
                      return false;
                    },
                    () -> {},
                    new java.io.IOException("refused")),
            "lock-holder");
    holder.start();
    try {
      assertTrue(holding.await(10, TimeUnit.SECONDS), "the holder holds the lock");
      boolean back = returned.await(5, TimeUnit.SECONDS);
      assertTrue(
          back,
          "the waiter, 100 ms deadline, is still not back 5 s later: it waits for the queue's"
              + " lock, held by a thread that does not run");
      assertSame(Handoff.nothing(), outcome.get().handed(), "it left with nothing");
    } finally {
      release.countDown();
      holder.join(10_000);
      timed.join(10_000);
    }
    assertEquals(0, waiters.size(), "the holder failed the first waiter; the timed one left");
  }

  @Test
  void aHandOffThatLosesTheRaceWithALeaveGoesToTheNextWaiter() throws Exception {
    // Many rounds of a hand-off racing a leave: each connection ends with exactly one party.
    for (int round = 0; round < 2_000; round++) {
      Waiters<String> waiters = new Waiters<>();
      long now = System.nanoTime();
      Waiters.Waiter<String> first = waiters.join(now, now, now + FAR, 10);
      Waiters.Waiter<String> second = waiters.join(now, now, now + FAR, 10);
      CountDownLatch go = new CountDownLatch(1);
      AtomicReference<Handoff<String>> firstLeft = new AtomicReference<>();
      Thread leaver =
          new Thread(
              () -> {
                await(go);
                firstLeft.set(waiters.leave(first));
              });
      leaver.start();
      go.countDown();
      boolean taken = waiters.handOff("c" + round);
      leaver.join(10_000);
      Handoff<String> secondLeft = waiters.leave(second);
      assertTrue(taken, "two waiters: one of them takes it");
      boolean toFirst = firstLeft.get() instanceof Handoff.Channel<String>;
      boolean toSecond = secondLeft instanceof Handoff.Channel<String>;
      assertTrue(toFirst ^ toSecond, "exactly one waiter has it, round " + round);
      String got =
          assertInstanceOf(Handoff.Channel.class, toFirst ? firstLeft.get() : secondLeft)
              .channel()
              .toString();
      assertEquals("c" + round, got);
      assertEquals(0, waiters.size());
    }
  }

  @Test
  void aLeaveThatFindsTheLockBusyIsDroppedByTheNextHandOff() throws Exception {
    Waiters<String> waiters = new Waiters<>();
    long now = System.nanoTime();
    Waiters.Waiter<String> blocker = waiters.join(now, now, now + FAR, 10);
    Waiters.Waiter<String> first = waiters.join(now, now, now + FAR, 10);
    Waiters.Waiter<String> second = waiters.join(now, now, now + FAR, 10);
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean askedForSecond = new AtomicBoolean();
    AtomicLong asked = new AtomicLong();
    AtomicLong unused = new AtomicLong();
    Thread holder =
        new Thread(
            () ->
                waiters.failAll(
                    System.nanoTime(),
                    0,
                    () -> {
                      if (asked.incrementAndGet() == 1) {
                        holding.countDown();
                        await(release);
                      } else {
                        askedForSecond.set(true);
                      }
                      return true;
                    },
                    unused::incrementAndGet,
                    new java.io.IOException("refused")),
            "lock-holder");
    holder.start();
    assertTrue(holding.await(10, TimeUnit.SECONDS));
    assertSame(Handoff.nothing(), waiters.leave(first), "left while the lock was held");
    release.countDown();
    holder.join(10_000);
    assertSame(Handoff.slot(), waiters.leave(blocker), "the holder's first slot");
    assertSame(Handoff.slot(), waiters.leave(second), "the cancelled waiter was skipped");
    assertEquals(2, asked.get(), "no slot was reserved for the waiter that had left");
    assertEquals(0, unused.get(), "every slot reserved went to a waiter");
    assertTrue(askedForSecond.get());
    assertEquals(0, waiters.size());
  }

  @Test
  void aSlotReservedForAWaiterThatLeftGoesToTheNextOneOrBack() {
    Waiters<String> waiters = new Waiters<>();
    long now = System.nanoTime();
    Waiters.Waiter<String> leaving = waiters.join(now, now, now + FAR, 10);
    Waiters.Waiter<String> next = waiters.join(now, now, now + FAR, 10);
    AtomicLong reserved = new AtomicLong();
    AtomicLong givenBack = new AtomicLong();
    // the first reservation is made for the head; it leaves before the slot is handed to it
    waiters.failAll(
        now,
        0,
        () -> {
          if (reserved.incrementAndGet() == 1) {
            waiters.leave(leaving);
          }
          return true;
        },
        givenBack::incrementAndGet,
        new java.io.IOException("refused"));
    assertEquals(1, reserved.get(), "the slot reserved for the leaver was not reserved twice");
    assertSame(Handoff.slot(), waiters.leave(next), "it went to the next waiter");
    assertSame(Handoff.nothing(), waiters.leave(leaving));
    assertEquals(0, givenBack.get());

    Waiters.Waiter<String> alone = waiters.join(now, now, now + FAR, 10);
    waiters.failAll(
        now,
        0,
        () -> {
          waiters.leave(alone);
          return true;
        },
        givenBack::incrementAndGet,
        new java.io.IOException("refused"));
    assertEquals(1, givenBack.get(), "nobody left to take it: given back, not lost");
    assertEquals(0, waiters.size());
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(20, TimeUnit.SECONDS)) {
        throw new IllegalStateException("latch not released within 20 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
