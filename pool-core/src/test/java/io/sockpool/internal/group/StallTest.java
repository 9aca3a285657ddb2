package io.sockpool.internal.group;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.Endpoint;
import io.sockpool.EndpointGroup;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The balancer against a slow member while the healthy ones stall now and then (a scheduling stall
 * on a busy machine: one call of 250 ms among 0.3 ms ones), deterministic: 16 closed-loop callers
 * on an injected clock, each call's end an event in time order, 20 s of simulated time.
 */
@Timeout(60)
class StallTest {
  private static final long MS = 1_000_000L;

  /** A call: when it ends, on which member, how long it took. */
  private record Call(long endNanos, int member, long latencyNanos) {}

  /** Returns the slow member's share of the calls, in percent. */
  private static double slowShare(int callers, int stallOneIn, long seed) {
    AtomicLong clock = new AtomicLong(1_000_000 * MS);
    EndpointGroup eg =
        EndpointGroup.builder("stalls")
            .member(Endpoint.of("10.0.0.1", 6379))
            .member(Endpoint.of("10.0.0.2", 6379))
            .member(Endpoint.of("10.0.0.3", 6379))
            .build();
    GroupState g = new GroupState(eg, clock::get, GroupEvents.SILENT);
    Member[] ms = g.members();
    SplittableRandom rnd = new SplittableRandom(seed);
    PriorityQueue<Call> calls =
        new PriorityQueue<>((x, y) -> Long.compare(x.endNanos(), y.endNanos()));
    long end = clock.get() + 20_000 * MS;
    for (int c = 0; c < callers; c++) {
      calls.add(new Call(clock.get(), -1, 0));
    }
    long total = 0;
    long slow = 0;
    for (Call done = calls.poll(); done.endNanos() <= end; done = calls.poll()) {
      long now = done.endNanos();
      clock.set(now);
      if (done.member() >= 0) {
        Member m = ms[done.member()];
        m.pending(-1); // the call ended
        g.succeeded(m, done.latencyNanos(), now);
      }
      int p = GroupState.pick(ms, 0b111, rnd, now);
      total++;
      slow += p == 0 ? 1 : 0;
      ms[p].pending(1); // a call in flight
      long latency =
          p == 0
              ? 20 * MS
              : rnd.nextInt(stallOneIn) == 0 ? 250 * MS : 3 * MS / 10; // member 0: slow
      calls.add(new Call(now + latency, p, latency));
    }
    return 100.0 * slow / total;
  }

  @Test
  void aStallOnAHealthyMemberDoesNotHandTheSlowMemberItsCalls() {
    // one 250 ms stall in 20,000 calls: about one a second on each healthy member
    for (long seed = 1; seed <= 3; seed++) {
      double share = slowShare(16, 20_000, seed);
      System.out.printf("groups: stalls, slow member's share %.3f %% (seed %d)%n", share, seed);
      assertTrue(share < 0.5, "slow member's share " + share + " % (seed " + seed + ")");
    }
  }
}
