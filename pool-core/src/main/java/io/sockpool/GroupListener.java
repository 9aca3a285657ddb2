package io.sockpool;

import java.time.Duration;

/**
 * Hears what happens to the members of a pool's {@link EndpointGroup}s (for metrics and alerts);
 * register one with {@link SocketPool#addGroupListener(GroupListener)}. Called on the thread that
 * saw it (a caller's), outside any lock; must be fast and must not block. What it throws is logged
 * and ignored.
 */
public interface GroupListener {

  /**
   * The pool met a group for the first time (its first checkout, or {@link
   * SocketPool#updateGroup}).
   *
   * @param group the group
   */
  default void groupAdded(EndpointGroup group) {}

  /**
   * A member was ejected.
   *
   * @param group the group's name
   * @param member the member
   * @param ejectedFor how long it takes no calls before it is probed
   * @param reason why, e.g. "5 consecutive failures, the last: connect refused"
   */
  default void memberEjected(String group, Endpoint member, Duration ejectedFor, String reason) {}

  /**
   * A probe of an ejected member succeeded: it takes calls again.
   *
   * @param group the group's name
   * @param member the member
   */
  default void memberReturned(String group, Endpoint member) {}
}
