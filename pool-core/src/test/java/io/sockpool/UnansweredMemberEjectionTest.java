package io.sockpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sockpool.testkit.FakePeer;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A member that takes connections but never answers is ejected by the calls it leaves unanswered,
 * within a bounded number of calls, while a caller's own short wait is never held against a member.
 * One caller, so the counts are exact: under the defaults 5 unanswered calls in a row eject.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnansweredMemberEjectionTest {
  private static final int CALLS = 40;

  private static GroupMemberStats member(SocketPool pool, EndpointGroup g, Endpoint e) {
    return pool.stats(g).members().stream().filter(m -> m.endpoint().equals(e)).findFirst().get();
  }

  /** A PING whose reply is awaited {@code readTimeout}; the connection is dropped on a failure. */
  private static void ping(PooledConnection c, Duration readTimeout) throws IOException {
    c.write(ByteBuffer.wrap(TestSupport.ascii("PING\r\n")), Duration.ofSeconds(2));
    c.readFully(ByteBuffer.allocate(7), readTimeout);
    c.exchangeComplete();
  }

  @Test
  void aMemberThatAcceptsButNeverRepliesIsEjectedAfterFiveUnansweredCalls() throws Exception {
    try (FakePeer silent = FakePeer.silent();
        FakePeer a = new FakePeer();
        FakePeer b = new FakePeer();
        SocketPool pool = SocketPool.create(PoolConfig.builder().poolName("silent").build())) {
      Endpoint hung = TestSupport.endpoint(silent);
      EndpointGroup g =
          EndpointGroup.of(
              "silent3", List.of(hung, TestSupport.endpoint(a), TestSupport.endpoint(b)));
      int unanswered = 0;
      int calls = 0;
      while (calls < CALLS && member(pool, g, hung).ejections() == 0) {
        calls++;
        try (PooledConnection c = pool.checkout(g)) {
          try {
            ping(c, Duration.ofMillis(300)); // the no-answer bound is 50 ms before any reply
          } catch (SocketTimeoutException e) {
            assertEquals(hung, c.endpoint(), "only the silent member times out");
            unanswered++;
          }
        }
      }
      GroupMemberStats m = member(pool, g, hung);
      System.out.printf(
          "groups: silent member ejected after %d calls, %d unanswered: %s%n",
          calls, unanswered, m);
      assertEquals(1, m.ejections(), "ejected within " + CALLS + " calls: " + pool.stats(g));
      assertEquals(GroupMemberStats.Status.EJECTED, m.status());
      assertEquals(5, unanswered, "the consecutiveFailures threshold, no more: " + m);
      for (int i = 0; i < 20; i++) {
        try (PooledConnection c = pool.checkout(g)) {
          ping(c, Duration.ofSeconds(2)); // while ejected, every call is served by the others
        }
      }
    }
  }

  @Test
  void aMemberWhoseAcceptQueueIsFullIsEjectedByConnectTimeoutsAndNoCallFails() throws Exception {
    try (TestSupport.Blackhole hole = new TestSupport.Blackhole();
        FakePeer a = new FakePeer();
        FakePeer b = new FakePeer();
        SocketPool pool =
            SocketPool.create(
                PoolConfig.builder()
                    .poolName("backlog")
                    .connectTimeout(Duration.ofMillis(200))
                    .checkoutTimeout(Duration.ofSeconds(3))
                    .build())) {
      EndpointGroup g =
          EndpointGroup.of(
              "backlog3",
              List.of(hole.endpoint(), TestSupport.endpoint(a), TestSupport.endpoint(b)));
      int calls = 0;
      while (calls < CALLS && member(pool, g, hole.endpoint()).ejections() == 0) {
        calls++;
        try (PooledConnection c = pool.checkout(g)) { // a timed-out connect moves on, in time
          ping(c, Duration.ofSeconds(2));
        }
      }
      GroupMemberStats m = member(pool, g, hole.endpoint());
      System.out.printf("groups: full-backlog member ejected after %d calls: %s%n", calls, m);
      assertEquals(1, m.ejections(), "ejected within " + CALLS + " calls: " + pool.stats(g));
      assertEquals(5, m.failures(), "five connect timeouts, then out: " + m);
      assertEquals(0, m.calls());
      assertEquals(0, pool.stats(g).failedCalls(), "every call was served by another member");
    }
  }

  @Test
  void aCallersShortReadTimeoutIsNotHeldAgainstTheMember() throws Exception {
    try (FakePeer a = new FakePeer();
        FakePeer b = new FakePeer();
        SocketPool pool = SocketPool.create(PoolConfig.builder().poolName("short").build())) {
      a.answerAfter(Duration.ofMillis(200));
      b.answerAfter(Duration.ofMillis(200));
      EndpointGroup g =
          EndpointGroup.of("slow2", List.of(TestSupport.endpoint(a), TestSupport.endpoint(b)));
      for (int i = 0; i < 12; i++) {
        try (PooledConnection c = pool.checkout(g)) {
          // 5 ms: far below the 50 ms no-answer bound, the caller's own impatience
          assertThrows(SocketTimeoutException.class, () -> ping(c, Duration.ofMillis(5)));
        }
      }
      GroupStats s = pool.stats(g);
      assertEquals(0, s.ejections(), "no member ejected: " + s);
      for (GroupMemberStats m : s.members()) {
        assertEquals(0, m.failures(), "no failure recorded: " + m);
      }
    }
  }
}
