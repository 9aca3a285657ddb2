package io.sockpool.internal;

import io.sockpool.Endpoint;
import io.sockpool.EndpointGroup;
import io.sockpool.internal.group.Groups;
import io.sockpool.internal.group.MemberSource;
import io.sockpool.internal.resolve.NameWatch;
import io.sockpool.internal.resolve.Names;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The members of groups resolved from a host name: each such group's name is watched through the
 * pool's {@link Names} (lookups on the resolver threads, re-resolved from the maintenance pass,
 * dropped when unused), and each answer goes to {@link Groups#resolved}, which registers the group
 * or replaces its members. A failed or unusable answer keeps the members: it is counted in the
 * group's stats and logged at WARN once per streak of failures.
 */
final class GroupResolution implements MemberSource {
  private static final Logger LOG = LoggerFactory.getLogger(GroupResolution.class);
  private static final CompletableFuture<Void> KNOWN = CompletableFuture.completedFuture(null);

  private final String poolName;
  private final Lifecycle lifecycle;
  private final Names names;
  private final Groups groups;

  GroupResolution(String poolName, Lifecycle lifecycle, Names names, Groups groups) {
    this.poolName = poolName;
    this.lifecycle = lifecycle;
    this.names = names;
    this.groups = groups;
  }

  @Override
  public CompletableFuture<Void> watch(EndpointGroup group) {
    lifecycle.ensureOpen("is closed");
    NameWatch w = names.watch(group.name(), group.resolvedFrom().orElseThrow(), new Answers(group));
    w.used(System.nanoTime());
    if (!groups.members(group).isEmpty()) {
      w.startOnce(); // a new watch of a group the pool runs: looked up again in the background
      return KNOWN;
    }
    return w.refresh().thenApply(addresses -> null);
  }

  /** Turns one group's answers into members; one per watch, told one lookup at a time. */
  private final class Answers implements NameWatch.Outcome {
    private final EndpointGroup group;
    private volatile boolean failing;

    Answers(EndpointGroup group) {
      this.group = group;
    }

    @Override
    public void answered(List<InetSocketAddress> addresses) {
      List<Endpoint> members = new ArrayList<>(Math.min(addresses.size(), 64));
      for (InetSocketAddress a : addresses) {
        if (members.size() == EndpointGroup.MAX_MEMBERS) {
          LOG.warn(
              "pool '{}': {} answered {} addresses; group '{}' takes the first {}",
              poolName,
              group.resolvedFrom().orElseThrow(),
              addresses.size(),
              group.name(),
              EndpointGroup.MAX_MEMBERS);
          break;
        }
        members.add(Endpoint.of(a.getAddress().getHostAddress(), a.getPort()));
      }
      List<Endpoint> before;
      try {
        before = groups.resolved(group, members);
      } catch (IllegalArgumentException e) {
        if (groups.members(group).isEmpty()) {
          throw e; // the first answer: the checkout that waits for it says why
        }
        LOG.warn(
            "pool '{}': group '{}' keeps its members {}: the new answer {} cannot be used: {}",
            poolName,
            group.name(),
            groups.members(group),
            members,
            e.getMessage());
        return;
      }
      if (failing) {
        failing = false;
        LOG.info(
            "pool '{}': re-resolving {} for group '{}' works again",
            poolName,
            group.resolvedFrom().orElseThrow(),
            group.name());
      }
      if (before != null && !Set.copyOf(before).equals(Set.copyOf(members))) {
        Set<Endpoint> added = new LinkedHashSet<>(members);
        before.forEach(added::remove);
        Set<Endpoint> removed = new LinkedHashSet<>(before);
        members.forEach(removed::remove);
        LOG.info(
            "pool '{}': group '{}' re-resolved from {}: members {}; added {}, removed {} (drained)",
            poolName,
            group.name(),
            group.resolvedFrom().orElseThrow(),
            members,
            added,
            removed);
      }
    }

    @Override
    public void failed(Throwable failure) {
      if (groups.resolveFailed(group.name()) && !failing) {
        failing = true;
        LOG.warn(
            "pool '{}': re-resolving {} for group '{}' failed, keeping its members {}: {}",
            poolName,
            group.resolvedFrom().orElseThrow(),
            group.name(),
            groups.members(group),
            failure.toString());
      }
    }
  }
}
