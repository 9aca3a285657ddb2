package io.sockpool.internal.group;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sockpool.Endpoint;
import io.sockpool.EndpointGroup;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A member's calls in flight and calls served are the engine's counts of its endpoint, followed
 * across the states the engine forgets and makes again; here the engine is a fake with counters.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MemberCountsTest {
  private static final Endpoint EP = Endpoint.of("127.0.0.1", 1);

  private static Member member(EndpointLoad atJoin) {
    return new Member(EP, 1, GroupState.DECAY_NANOS, 0, atJoin);
  }

  @Test
  void checkoutsBeforeTheJoinAreNotTheMembersAndLaterOnesAre() {
    FakeLoad s0 = new FakeLoad(10);
    Member m = member(s0);
    assertEquals(0, m.calls());
    s0.served += 5;
    assertEquals(5, m.calls());
  }

  @Test
  void callsOnAForgottenStateAreKeptWhenTheMemberFollowsTheNewOne() {
    FakeLoad s0 = new FakeLoad(10);
    Member m = member(s0);
    s0.served += 5;
    s0.forgotten = true;
    FakeLoad s1 = new FakeLoad(3); // made after the join: all its checkouts count
    m.follow(s1);
    assertEquals(8, m.calls());
    m.follow(s0); // a caller that still saw the old state: not followed back
    m.follow(s1);
    assertEquals(8, m.calls());
    s1.served++;
    assertEquals(9, m.calls());
  }

  @Test
  void aStateForgottenBeforeTheMemberFollowsItIsNotFollowed() {
    FakeLoad s0 = new FakeLoad(0);
    Member m = member(s0);
    s0.served = 4;
    s0.forgotten = true;
    FakeLoad s1 = new FakeLoad(2);
    s1.forgotten = true; // replaced again before anyone followed it
    m.follow(s1);
    assertEquals(4, m.calls(), "still on the state it had");
    FakeLoad s2 = new FakeLoad(1);
    m.follow(s2);
    assertEquals(5, m.calls());
  }

  @Test
  void aMemberJoinedBeforeTheEngineKnewTheEndpointCountsAllOfItsFirstState() {
    Member m = member(null);
    assertEquals(0, m.calls());
    assertEquals(0, m.inFlight());
    m.follow(new FakeLoad(7));
    assertEquals(7, m.calls());
  }

  @Test
  void callsInFlightAreTheEndpointsLeasesPlusTheGroupsPendingCheckouts() {
    FakeLoad s0 = new FakeLoad(0);
    Member m = member(s0);
    s0.leased = 2;
    m.pending(1);
    assertEquals(3, m.inFlight());
    m.pending(-1);
    assertEquals(2, m.inFlight());
  }

  @Test
  void theGroupsStatsFollowTheEnginesCurrentState() {
    FakeLoad s0 = new FakeLoad(0);
    AtomicReference<EndpointLoad> engine = new AtomicReference<>(s0);
    GroupState g =
        new GroupState(
            EndpointGroup.of("g", List.of(EP)), () -> 0L, GroupEvents.SILENT, e -> engine.get());
    s0.served = 2;
    s0.forgotten = true;
    FakeLoad s1 = new FakeLoad(3);
    engine.set(s1);
    assertEquals(5, g.stats().calls());
    assertEquals(5, g.stats().members().get(0).calls());
  }
}
