package io.sockpool.internal.queue;

import static io.sockpool.internal.queue.Admission.Result.ENDPOINT_FULL;
import static io.sockpool.internal.queue.Admission.Result.GLOBAL_FULL;
import static io.sockpool.internal.queue.Admission.Result.RESERVED;
import static io.sockpool.internal.queue.Admission.Result.RETIRED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Admission}'s counts and caps, one call at a time. */
@Timeout(10)
class AdmissionTest {
  private static Capacity.Account account() {
    return new Capacity.Account();
  }

  @Test
  void theEndpointCapAdmitsUpToItAndNotOneMore() {
    Admission admission = new Admission(100, 2);
    Capacity.Account a = account();
    assertEquals(RESERVED, admission.tryReserve(a));
    assertEquals(RESERVED, admission.tryReserve(a), "one below the cap");
    assertEquals(ENDPOINT_FULL, admission.tryReserve(a), "exactly at the cap");
    assertEquals(2, a.reservations().get());
    assertEquals(2, admission.total());
    assertEquals(RESERVED, admission.tryReserve(account()), "another endpoint has its own cap");
  }

  @Test
  void aTotalCapBelowTheEndpointCapsBindsAcrossEndpoints() {
    Admission admission = new Admission(3, 5);
    Capacity.Account a = account();
    Capacity.Account b = account();
    assertEquals(RESERVED, admission.tryReserve(a));
    assertEquals(RESERVED, admission.tryReserve(a));
    assertEquals(RESERVED, admission.tryReserve(b), "one below the total cap");
    assertEquals(GLOBAL_FULL, admission.tryReserve(b), "exactly at the total cap");
    assertEquals(GLOBAL_FULL, admission.tryReserve(a), "although a has room of its own");
    assertEquals(2, a.reservations().get(), "a refused reservation is taken back");
    assertEquals(1, b.reservations().get());
    assertEquals(3, admission.total());
  }

  @Test
  void aTotalCapOfOneAdmitsOneConnectionInAll() {
    Admission admission = new Admission(1, 8);
    Capacity.Account a = account();
    assertEquals(RESERVED, admission.tryReserve(a));
    assertEquals(GLOBAL_FULL, admission.tryReserve(account()));
    admission.release(a);
    assertEquals(0, admission.total());
    assertEquals(0, a.reservations().get());
    assertEquals(RESERVED, admission.tryReserve(account()), "the freed slot is anyone's");
  }

  @Test
  void aRetiredEndpointIsRefusedWithoutTouchingTheTotal() {
    Admission admission = new Admission(10, 10);
    Capacity.Account a = account();
    a.reservations().set(Integer.MIN_VALUE / 2);
    assertEquals(RETIRED, admission.tryReserve(a));
    assertEquals(0, admission.total());
  }

  @Test
  void aReleaseGoesToTheEndpointsLongestWaiterAndKeepsTheCounts() {
    Admission admission = new Admission(10, 1);
    Capacity.Account a = account();
    assertEquals(RESERVED, admission.tryReserve(a));
    Waiters<String> waiters = a.waiters();
    Waiters.Waiter<String> w = waiters.join(0, 0, 10);
    admission.release(a);
    assertSame(Handoff.slot(), waiters.leave(w), "the slot moves to the waiter");
    assertEquals(1, a.reservations().get(), "still reserved: by the waiter now");
    assertEquals(1, admission.total());
    admission.release(a);
    assertEquals(0, a.reservations().get(), "nobody waits: back to the counts");
    assertEquals(0, admission.total());
  }

  @Test
  void aFreedGlobalSlotNudgesAnEndpointHeldBackByTheTotalCap() {
    Admission admission = new Admission(1, 5);
    Capacity.Account a = account();
    Capacity.Account b = account();
    assertEquals(RESERVED, admission.tryReserve(a));
    assertEquals(GLOBAL_FULL, admission.tryReserve(b));
    Waiters<String> waitersOfB = b.waiters();
    Waiters.Waiter<String> w = waitersOfB.join(0, 0, 10);
    admission.heldBackGlobally(b);
    admission.heldBackGlobally(b); // queued once only
    assertTrue(b.heldBackGlobally().get());
    admission.release(a);
    assertFalse(b.heldBackGlobally().get(), "taken off the held-back queue");
    assertTrue(w.nudged, "its longest waiter is nudged to look again");
    assertSame(Handoff.nothing(), waitersOfB.park(w, System.nanoTime() + 5_000_000_000L));
    assertEquals(1, waitersOfB.size(), "nudged to look again, not handed anything");
    assertEquals(RESERVED, admission.tryReserve(b), "and now there is room");
    waitersOfB.leave(w);
  }

  @Test
  void aHeldBackEndpointWhoseWaitersLeftIsSkippedForTheNextOne() {
    Admission admission = new Admission(2, 5);
    Capacity.Account a = account();
    Capacity.Account gone = account();
    Capacity.Account b = account();
    assertEquals(RESERVED, admission.tryReserve(a));
    assertEquals(RESERVED, admission.tryReserve(a));
    admission.heldBackGlobally(gone); // its caller gave up: no waiter
    admission.heldBackGlobally(b);
    Waiters<String> waitersOfB = b.waiters();
    Waiters.Waiter<String> w = waitersOfB.join(0, 0, 10);
    admission.release(a);
    assertFalse(gone.heldBackGlobally().get());
    assertFalse(b.heldBackGlobally().get(), "b was reached past the endpoint nobody waits for");
    assertSame(Handoff.nothing(), waitersOfB.park(w, System.nanoTime() + 5_000_000_000L));
    waitersOfB.leave(w);
    assertEquals(1, admission.total());
  }

  @Test
  void oneReleaseNudgesOneHeldBackEndpoint() {
    Admission admission = new Admission(1, 5);
    Capacity.Account a = account();
    Capacity.Account b = account();
    Capacity.Account c = account();
    assertEquals(RESERVED, admission.tryReserve(a));
    Waiters<String> waitersOfB = b.waiters();
    Waiters<String> waitersOfC = c.waiters();
    Waiters.Waiter<String> wb = waitersOfB.join(0, 0, 10);
    Waiters.Waiter<String> wc = waitersOfC.join(0, 0, 10);
    admission.heldBackGlobally(b);
    admission.heldBackGlobally(c);
    admission.release(a);
    assertFalse(b.heldBackGlobally().get());
    assertTrue(c.heldBackGlobally().get(), "c stays queued for the next release");
    waitersOfB.leave(wb);
    waitersOfC.leave(wc);
  }

  @Test
  void nobodyIsHeldBackUntilAnotherEndpointsWaiterIs() {
    Admission admission = new Admission(1, 5);
    Capacity.Account a = account();
    Capacity.Account b = account();
    assertFalse(admission.othersHeldBack(a), "nobody queued");
    Waiters.Waiter<String> w = b.waiters().join(0, 0, 10);
    admission.heldBackGlobally(b);
    assertTrue(admission.othersHeldBack(a), "b's caller waits for global capacity");
    assertFalse(admission.othersHeldBack(b), "an endpoint is not held back by itself");
    b.waiters().leave(w);
  }

  @Test
  void aHeldBackEndpointWhoseCallersLeftIsForgottenAndTheNextOneCounts() {
    Admission admission = new Admission(1, 5);
    Capacity.Account a = account();
    Capacity.Account gone = account();
    Capacity.Account b = account();
    admission.heldBackGlobally(gone); // its caller gave up: no waiter
    assertFalse(admission.othersHeldBack(a));
    assertFalse(gone.heldBackGlobally().get(), "forgotten");
    admission.heldBackGlobally(gone);
    Waiters.Waiter<String> w = b.waiters().join(0, 0, 10);
    admission.heldBackGlobally(b);
    assertTrue(admission.othersHeldBack(a), "b, past the endpoint nobody waits for");
    assertFalse(gone.heldBackGlobally().get());
    assertTrue(b.heldBackGlobally().get(), "b stays queued");
    b.waiters().leave(w);
  }

  @Test
  void reservesAndReleasesFromOneThreadLeaveTheCountsFreeForAnother() throws Exception {
    Admission admission = new Admission(1, 1);
    Capacity.Account a = account();
    assertEquals(RESERVED, admission.tryReserve(a));
    assertEquals(GLOBAL_FULL, admission.tryReserve(account()));
    admission.release(a);
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      Future<Admission.Result> r = other.submit(() -> admission.tryReserve(a));
      assertEquals(RESERVED, r.get(5, TimeUnit.SECONDS));
      assertEquals(1, admission.total());
    } finally {
      other.shutdownNow();
    }
  }
}
