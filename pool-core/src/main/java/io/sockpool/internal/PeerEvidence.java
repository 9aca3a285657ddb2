package io.sockpool.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * What a lease's exchanges tell the endpoint's circuit breaker, recorded when the lease ends (from
 * the {@link ReturnPath}).
 *
 * <ul>
 *   <li>A request that got no byte of a reply for at least the endpoint's no-answer bound (its
 *       normal round trip times {@link io.sockpool.internal.metrics.RoundTrip#MARGIN}, at least
 *       {@link io.sockpool.internal.metrics.RoundTrip#FLOOR_NANOS}) is a failure, on any
 *       connection: a hung peer accepts connections (the kernel does) and never answers.
 *   <li>A connection that was only connected still owes the outcome of its first exchange ({@link
 *       ReplyWatch.Owed}); a checkout that served it without a round trip of its own passed its
 *       permission on to that exchange. A reply (or a lease with no exchange) is a success; no
 *       answer a failure; a caller that gave up sooner than the bound, or a connection that died
 *       before any reply byte, leaves it owed (and the permission released).
 * </ul>
 */
final class PeerEvidence {
  private PeerEvidence() {}

  /**
   * Records what the lease's exchanges showed. Call once per lease, before the connection's
   * per-lease state is reset.
   *
   * @param ch the connection, still leased
   * @param heldNanos how long the lease was held
   */
  static void leaseEnded(PooledChannel ch, long heldNanos) {
    ReplyWatch w = ch.replies();
    ReplyWatch.Owed owed = w.owed();
    boolean noAnswer = w.noAnswerInLease();
    if (owed == ReplyWatch.Owed.NOTHING && !noAnswer) {
      return; // the common case: nothing to record
    }
    EndpointState st = ch.state();
    CircuitBreaker breaker = st.breaker();
    boolean permission = owed == ReplyWatch.Owed.PERMISSION;
    if (noAnswer) {
      IOException cause = noAnswer(ch);
      st.peerFailed(cause);
      breaker.onError(heldNanos, TimeUnit.NANOSECONDS, cause); // with or without a permission
      w.owed(ReplyWatch.Owed.NOTHING);
    } else if (w.silentInLease() || ch.diedBeforeReply()) {
      // the caller gave up sooner than the peer normally answers, or the connection died before
      // a reply (a killed connection, retried elsewhere): no verdict on the peer yet
      if (permission) {
        breaker.releasePermission();
      }
      w.owed(ReplyWatch.Owed.OUTCOME);
    } else {
      breaker.onSuccess(heldNanos, TimeUnit.NANOSECONDS);
      w.owed(ReplyWatch.Owed.NOTHING);
    }
  }

  private static IOException noAnswer(PooledChannel ch) {
    return new IOException(
        "peer "
            + ch.endpoint()
            + " sent no byte of a reply within "
            + TimeUnit.NANOSECONDS.toMillis(ch.replies().roundTrip().noAnswerBoundNanos())
            + " ms (it normally answers in "
            + ch.replies().roundTrip()
            + ")");
  }
}
