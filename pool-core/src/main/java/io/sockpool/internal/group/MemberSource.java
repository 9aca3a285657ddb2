package io.sockpool.internal.group;

import io.sockpool.EndpointGroup;
import java.util.concurrent.CompletableFuture;

/**
 * Where the members of a group resolved from a host name come from ({@link
 * EndpointGroup#resolving}): the engine watches the name and hands each answer to {@link
 * Groups#resolved}. Implemented outside this package, over the pool's name lookups.
 */
public interface MemberSource {
  /** A pool that cannot resolve groups (a test's {@link Groups} without an engine). */
  MemberSource NONE =
      group -> {
        throw new IllegalArgumentException(
            "group '" + group.name() + "' is resolved from a host name; this pool has no resolver");
      };

  /**
   * Watches the group's host name from now on (again, if the watch was dropped for disuse) and
   * marks it used now. Never blocks.
   *
   * @param group a group resolved from a host name
   * @return a future that completes once {@link Groups#resolved} has taken an answer for the group
   *     (at once if it has one), or fails with what the resolver said
   * @throws IllegalStateException if the pool is closed
   */
  CompletableFuture<Void> watch(EndpointGroup group);
}
