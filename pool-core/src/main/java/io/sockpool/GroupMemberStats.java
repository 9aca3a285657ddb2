package io.sockpool;

import java.time.Duration;

/**
 * One member of an {@link EndpointGroup} as its pool sees it; see {@link
 * SocketPool#stats(EndpointGroup)}.
 *
 * @param endpoint the member
 * @param weight its weight in the group
 * @param status serving, ejected, or probed back in
 * @param inFlight its connections checked out of the pool now (through this group, another or none:
 *     the load the balancer weighs) plus this group's checkouts of it under way
 * @param latency its peak-EWMA latency (from the end of the checkout to the return), {@link
 *     Duration#ZERO} before the first
 * @param calls checkouts of it the pool served since it joined the group (through this group,
 *     another or none; a checkout outside the group made while the pool had forgotten and
 *     re-learned the endpoint since the group's last call may be missed)
 * @param failures peer failures it was charged with (connects, validations, exchanges)
 * @param ejections how many times it was ejected
 * @param ejectedFor the time left of its ejection, {@link Duration#ZERO} unless ejected
 */
public record GroupMemberStats(
    Endpoint endpoint,
    int weight,
    Status status,
    int inFlight,
    Duration latency,
    long calls,
    long failures,
    long ejections,
    Duration ejectedFor) {

  /** Whether a member takes calls. */
  public enum Status {
    /** Takes calls. */
    SERVING,
    /** Ejected: takes no call until its ejection time is over. */
    EJECTED,
    /** Its ejection is over; the next call probes it (one at a time). */
    PROBING
  }
}
