package io.sockpool.internal.group;

/**
 * What the balancer reads of an endpoint from the engine: the engine's state of the endpoint, kept
 * by a member as its handle ({@link MemberAccess#handle}). A member's calls in flight and calls
 * served are the endpoint's in this pool: the engine counts every checkout and return anyway, so a
 * group checkout adds no count of its own on the hot path.
 */
public interface EndpointLoad {
  /** Returns the checkouts served on this state so far. */
  long served();

  /** Returns the connections checked out on this state now (not yet returned). */
  int leased();

  /**
   * Returns whether the engine forgot this state (it was idle): it serves nothing more and its
   * counts are final; a newer state counts the endpoint's checkouts from then on.
   */
  boolean forgotten();
}
