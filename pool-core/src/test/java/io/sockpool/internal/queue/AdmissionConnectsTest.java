package io.sockpool.internal.queue;

import static io.sockpool.internal.queue.Admission.Result.CONNECTING_FULL;
import static io.sockpool.internal.queue.Admission.Result.ENDPOINT_FULL;
import static io.sockpool.internal.queue.Admission.Result.RESERVED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Admission}'s connect permits (at most {@code maxConnecting} connects in flight per
 * endpoint), the reservation of a connect that failed or was not used, the slots handed to waiters
 * when room appears, failing waiters fast after the peer failed, and limits changed while running.
 * One call at a time; the waiters are joined but never park.
 */
@Timeout(10)
class AdmissionConnectsTest {
  private static final long HOUR = TimeUnit.HOURS.toNanos(1);
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  private static Waiters.Waiter<String> waiter(Capacity.Account a, long deadline) {
    long now = System.nanoTime();
    return a.waiters().join(now, now, deadline, 10);
  }

  @Test
  void connectsInFlightAreCappedPerEndpointWithoutKeepingTheRefusedReservation() {
    Admission admission = new Admission(10, 10, 2);
    assertEquals(2, admission.maxConnecting());
    Capacity.Account a = new Capacity.Account();
    assertEquals(RESERVED, admission.tryReserve(a));
    assertEquals(RESERVED, admission.tryReserve(a), "one below the connect limit");
    assertEquals(CONNECTING_FULL, admission.tryReserve(a), "exactly at it");
    assertEquals(2, a.reservations().get(), "the refused reservation is taken back");
    assertEquals(2, admission.total());
    assertEquals(2, a.connectPermits().get());
    assertEquals(RESERVED, admission.tryReserve(new Capacity.Account()), "per endpoint");
    admission.connectDone(a);
    assertEquals(1, a.connectPermits().get());
    assertEquals(2, a.reservations().get(), "the reservation stays with the connection made");
    assertEquals(RESERVED, admission.tryReserve(a), "a permit freed by the connect made");
  }

  @Test
  void anUnopenedReservationGoesToTheLongestWaiterWithItsPermitElseBackToTheCounts() {
    Admission admission = new Admission(10, 10, 4);
    Capacity.Account a = new Capacity.Account();
    assertEquals(RESERVED, admission.tryReserve(a));
    Waiters.Waiter<String> w = waiter(a, System.nanoTime() + HOUR);
    admission.releaseUnopened(a);
    assertSame(Handoff.slot(), a.waiters().leave(w), "the waiter connects with it");
    assertEquals(1, a.reservations().get());
    assertEquals(1, a.connectPermits().get());
    admission.releaseUnopened(a); // nobody waits now
    assertEquals(0, a.reservations().get());
    assertEquals(0, a.connectPermits().get());
    assertEquals(0, admission.total());
  }

  @Test
  void anUnopenedReservationOverALoweredLimitIsNotHandedOn() {
    Admission admission = new Admission(10, 2, 4);
    Capacity.Account a = new Capacity.Account();
    assertEquals(RESERVED, admission.tryReserve(a));
    assertEquals(RESERVED, admission.tryReserve(a));
    admission.resize(10, 1);
    assertTrue(admission.overLimit(a));
    Waiters.Waiter<String> w = waiter(a, System.nanoTime() + HOUR);
    admission.releaseUnopened(a);
    assertSame(Handoff.nothing(), a.waiters().leave(w), "over the new limit: not handed on");
    assertEquals(1, a.reservations().get());
    assertEquals(1, a.connectPermits().get());
    assertFalse(admission.overLimit(a));
  }

  @Test
  void roomForWaitersIsHandedOutOneSlotEachUpToTheConnectLimit() {
    Admission admission = new Admission(10, 10, 2);
    Capacity.Account a = new Capacity.Account();
    assertEquals(0, admission.serveWaiters(a), "nobody waits");
    assertEquals(0, a.reservations().get());
    long deadline = System.nanoTime() + HOUR;
    Waiters.Waiter<String> first = waiter(a, deadline);
    Waiters.Waiter<String> second = waiter(a, deadline);
    Waiters.Waiter<String> third = waiter(a, deadline);
    assertEquals(2, admission.serveWaiters(a), "two connects may run at once");
    assertSame(Handoff.slot(), a.waiters().leave(first));
    assertSame(Handoff.slot(), a.waiters().leave(second));
    assertEquals(1, a.waiters().size());
    assertEquals(2, a.reservations().get());
    admission.connectDone(a); // a connect ended: the third gets its slot
    assertSame(Handoff.slot(), a.waiters().leave(third));
    assertEquals(3, a.reservations().get());
  }

  @Test
  void withNoOpenConnectionWaitersGetARetrySlotWhileThereIsRoomAndTheRestFail() {
    Admission admission = new Admission(10, 1, 4);
    Capacity.Account a = new Capacity.Account();
    IOException cause = new IOException("refused");
    long deadline = System.nanoTime() + HOUR;
    Waiters.Waiter<String> first = waiter(a, deadline);
    Waiters.Waiter<String> second = waiter(a, deadline);
    assertEquals(1, admission.failFast(a, cause, MS));
    assertSame(Handoff.slot(), a.waiters().leave(first), "room for one more try");
    Handoff<String> failed = a.waiters().leave(second);
    assertSame(cause, assertInstanceOf(Handoff.Failed.class, failed).cause());
    assertEquals(1, a.reservations().get(), "the retry's reservation");
    assertEquals(0, a.waiters().size());
    assertEquals(0, admission.failFast(a, cause, MS), "nobody waits");
  }

  @Test
  void anOpenConnectionThatMayComeBackKeepsTheWaitersWaiting() {
    Admission admission = new Admission(10, 10, 4);
    Capacity.Account a = new Capacity.Account();
    assertEquals(RESERVED, admission.tryReserve(a));
    admission.connectDone(a); // open: one reservation, no connect in flight
    Waiters.Waiter<String> w = waiter(a, System.nanoTime() + HOUR);
    assertEquals(0, admission.failFast(a, new IOException("refused"), MS));
    assertEquals(1, a.waiters().size());
    assertSame(Handoff.nothing(), a.waiters().leave(w));
  }

  @Test
  void aLoweredLimitRefusesAndARaisedOneNudgesAnEndpointHeldBackByTheTotal() {
    Admission admission = new Admission(1, 1);
    Capacity.Account a = new Capacity.Account();
    Capacity.Account b = new Capacity.Account();
    assertEquals(RESERVED, admission.tryReserve(a));
    Waiters.Waiter<String> w = waiter(b, System.nanoTime() + HOUR);
    admission.heldBackGlobally(b);
    admission.resize(2, 2);
    assertEquals(2, admission.maxTotal());
    assertEquals(2, admission.maxPerEndpoint());
    assertFalse(b.heldBackGlobally().get(), "forgotten once nudged");
    assertTrue(b.waiters().signalled(w), "the raised limit wakes it to look again");
    b.waiters().leave(w);
    admission.resize(2, 1);
    assertEquals(ENDPOINT_FULL, admission.tryReserve(a), "lowered to what a holds");
  }

  @Test
  void aDestroyedConnectionsSlotGoesToAWaiterOnlyWithAConnectPermitFree() {
    Admission admission = new Admission(10, 10, 1);
    Capacity.Account a = new Capacity.Account();
    assertEquals(RESERVED, admission.tryReserve(a));
    admission.connectDone(a); // open
    assertEquals(RESERVED, admission.tryReserve(a)); // connecting: the one permit
    Waiters.Waiter<String> w = waiter(a, System.nanoTime() + HOUR);
    admission.release(a); // the open one destroyed while the connect runs
    assertSame(Handoff.nothing(), a.waiters().leave(w), "no permit free: not handed over");
    assertEquals(1, a.reservations().get());
    assertEquals(1, a.connectPermits().get());

    admission.connectDone(a); // open again, no connect running
    Waiters.Waiter<String> next = waiter(a, System.nanoTime() + HOUR);
    admission.release(a);
    assertSame(Handoff.slot(), a.waiters().leave(next));
    assertEquals(1, a.reservations().get(), "the reservation went on with the slot");
    assertEquals(1, a.connectPermits().get(), "and a permit for the waiter's connect");
  }
}
