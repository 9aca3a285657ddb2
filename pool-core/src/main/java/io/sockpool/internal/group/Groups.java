package io.sockpool.internal.group;

import io.sockpool.CheckoutException;
import io.sockpool.Endpoint;
import io.sockpool.EndpointGroup;
import io.sockpool.GroupStats;
import io.sockpool.PooledConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * A pool's groups, by name: the entry point of this package. A group is registered by its first
 * checkout (or {@link #update}); a name stands for one membership, and an endpoint has the same
 * weight and outlier settings in every group it is in.
 */
public final class Groups {
  private final MemberAccess access;
  private final LongSupplier clock;
  private final Supplier<RandomGenerator> random;
  private final GroupEvents events;
  private final Map<String, GroupState> byName = new ConcurrentHashMap<>();
  private final Map<String, EndpointGroup> sources = new ConcurrentHashMap<>(); // resolved groups
  private volatile MemberSource source = MemberSource.NONE;

  /**
   * @param access the engine, per member
   * @param events logging and listeners
   * @param clock the nanosecond clock: {@link System#nanoTime()} when {@code access} is the engine
   *     (the fast path and the returns hand their one reading to it); a test's own otherwise
   * @param random the balancer's random source, per call ({@link ThreadLocalRandom#current()})
   */
  public Groups(
      MemberAccess access,
      GroupEvents events,
      LongSupplier clock,
      Supplier<RandomGenerator> random) {
    this.access = access;
    this.events = events;
    this.clock = clock;
    this.random = random;
  }

  /**
   * The production wiring: {@link System#nanoTime()} and {@link ThreadLocalRandom}.
   *
   * @param access the engine
   * @param events logging and listeners
   */
  public Groups(MemberAccess access, GroupEvents events) {
    this(access, events, System::nanoTime, ThreadLocalRandom::current);
  }

  /**
   * Sets where the members of groups resolved from a host name come from (the engine's wiring).
   *
   * @param value the engine's name lookups
   */
  public void resolveWith(MemberSource value) {
    this.source = value;
  }

  /** Returns the logging and listeners. */
  public GroupEvents events() {
    return events;
  }

  /**
   * Checks out a connection to one member of the group within one deadline; see {@link
   * GroupCheckout}. A group of one member is that member's plain checkout: nothing to balance or
   * eject.
   *
   * @param group the group
   * @param timeoutNanos the deadline, > 0
   * @param avoid a member not to pick, or null
   * @return the connection ({@link PooledConnection#endpoint()} names the member)
   * @throws CheckoutException see {@link io.sockpool.SocketPool#checkout(EndpointGroup)}
   */
  public PooledConnection checkout(EndpointGroup group, long timeoutNanos, Endpoint avoid)
      throws CheckoutException {
    if (group.isResolving()) {
      long start = System.nanoTime();
      GroupState g = ResolvedMembers.await(this, group, start, timeoutNanos);
      return run(g, Math.max(1, timeoutNanos - (System.nanoTime() - start)), avoid);
    }
    return run(state(group), timeoutNanos, avoid);
  }

  private PooledConnection run(GroupState g, long timeoutNanos, Endpoint avoid)
      throws CheckoutException {
    Member[] ms = g.members();
    if (ms.length == 1) {
      return access.checkout(ms[0].endpoint, timeoutNanos);
    }
    RandomGenerator rnd = random.get();
    PooledConnection c = avoid == null ? GroupCheckout.tryHot(g, access, rnd) : null;
    return c != null ? c : GroupCheckout.run(g, access, rnd, timeoutNanos, avoid);
  }

  /**
   * Checks out a connection to one member of the group without blocking: the same member choice,
   * skip rules, deadline and failures as {@link #checkout}, each member's checkout asynchronous.
   *
   * @param group the group
   * @param timeoutNanos the deadline, > 0
   * @return the connection's future ({@link PooledConnection#endpoint()} names the member)
   */
  public CompletableFuture<PooledConnection> checkoutAsync(EndpointGroup group, long timeoutNanos) {
    if (group.isResolving()) {
      return ResolvedMembers.awaitAsync(this, group, timeoutNanos);
    }
    return runAsync(state(group), timeoutNanos);
  }

  CompletableFuture<PooledConnection> runAsync(GroupState g, long timeoutNanos) {
    Member[] ms = g.members();
    if (ms.length == 1) {
      return access.checkoutAsync(ms[0].endpoint, timeoutNanos);
    }
    return GroupCheckout.runAsync(g, access, random.get(), timeoutNanos);
  }

  /** The engine's current state of the endpoint, or null: a member's counts. */
  private EndpointLoad load(Endpoint e) {
    return access.handle(e, null);
  }

  /**
   * The group's state, registering it on first use.
   *
   * @throws IllegalArgumentException if its name stands for other members here, or one of its
   *     members has another weight or other outlier settings in another group
   */
  GroupState state(EndpointGroup group) {
    GroupState g = byName.get(group.name());
    if (g != null && g.group().equals(group)) { // the same instance first: no list compared
      return g;
    }
    synchronized (this) {
      g = byName.get(group.name());
      if (g != null) {
        EndpointGroup resolved = sources.get(group.name());
        if (resolved != null) {
          throw new IllegalArgumentException(
              "group name '"
                  + group.name()
                  + "' is already used in this pool for "
                  + resolved
                  + ", not "
                  + group
                  + "; a group resolved from a host name takes its members from the resolver");
        }
        if (g.group().equals(group)) {
          return g;
        }
        throw new IllegalArgumentException(
            "group name '"
                + group.name()
                + "' is already used in this pool for "
                + g.group()
                + ", not "
                + group
                + "; change a group's members with updateGroup");
      }
      checkShared(group);
      g = new GroupState(group, clock, events, this::load);
      byName.put(group.name(), g);
    }
    events.added(group);
    return g;
  }

  /**
   * Replaces a group's membership (or registers it): members that stay keep their state, members
   * that left are drained (idle connections closed now, held ones on return) unless another group
   * still has them.
   *
   * @param group the new membership, under the group's name
   * @return the endpoints drained
   */
  public List<Endpoint> update(EndpointGroup group) {
    if (group.isResolving()) {
      throw new IllegalArgumentException(
          "updateGroup sets given members, but "
              + group
              + " takes its members from the pool's AddressResolver");
    }
    return replace(group, null);
  }

  /**
   * Registers or replaces the membership under the group's name and drains the members that left.
   *
   * @param group the membership
   * @param resolvedFrom the group resolved from a host name it stands for, or null
   * @return the endpoints drained
   */
  private List<Endpoint> replace(EndpointGroup group, EndpointGroup resolvedFrom) {
    List<Endpoint> drained = new ArrayList<>();
    boolean added;
    synchronized (this) {
      GroupState g = byName.get(group.name());
      EndpointGroup known = sources.get(group.name());
      if (resolvedFrom == null ? known != null : g != null && !resolvedFrom.equals(known)) {
        throw new IllegalArgumentException(
            "group name '"
                + group.name()
                + "' is already used in this pool for "
                + (known != null ? known : g.group())
                + ", not "
                + (resolvedFrom != null ? resolvedFrom : group)
                + "; a name stands for one group: given members, or the addresses of one host");
      }
      checkShared(group);
      added = g == null;
      if (added) {
        if (resolvedFrom != null) {
          sources.put(group.name(), resolvedFrom);
        }
        byName.put(group.name(), new GroupState(group, clock, events, this::load));
      } else {
        for (Endpoint e : g.update(group)) {
          if (!inAnyGroup(e)) {
            drained.add(e);
          }
        }
      }
    }
    if (added) {
      events.added(group);
    }
    for (Endpoint e : drained) {
      access.drain(e);
    }
    return drained;
  }

  /**
   * Takes an answer for a group resolved from a host name: registers the group on its first, and
   * replaces its members when the set of addresses changed (members that left are drained, as by
   * {@link #update}).
   *
   * @param resolvedFrom the group as the user gave it ({@link EndpointGroup#isResolving()})
   * @param members the members the answer makes, not empty
   * @return the members before, or null if the group was not registered
   * @throws IllegalArgumentException if the group's name stands for another group here, or a member
   *     has another weight or other outlier settings in another group
   */
  public List<Endpoint> resolved(EndpointGroup resolvedFrom, List<Endpoint> members) {
    EndpointGroup next = resolvedFrom.withResolvedMembers(members);
    GroupState g = byName.get(next.name());
    List<Endpoint> before = g == null ? null : g.group().members();
    if (before != null
        && resolvedFrom.equals(sources.get(next.name()))
        && java.util.Set.copyOf(before).equals(java.util.Set.copyOf(members))) {
      return before; // the same addresses, perhaps in another order: nothing to change
    }
    replace(next, resolvedFrom);
    return before;
  }

  /**
   * Counts a failed re-resolution of a group resolved from a host name.
   *
   * @param name the group's name
   * @return whether the group is registered (else nothing was counted)
   */
  public boolean resolveFailed(String name) {
    GroupState g = byName.get(name);
    if (g == null || !sources.containsKey(name)) {
      return false;
    }
    g.resolveFailures.increment();
    return true;
  }

  /**
   * Returns the group's members as this pool runs them: for a group resolved from a host name, the
   * last answer's (empty before the first).
   *
   * @param group the group
   * @return its members
   */
  public List<Endpoint> members(EndpointGroup group) {
    if (!group.isResolving()) {
      return group.members();
    }
    GroupState g = byName.get(group.name());
    return g != null && group.equals(sources.get(group.name())) ? g.group().members() : List.of();
  }

  /**
   * The registered state of a group resolved from a host name, if the pool has taken an answer for
   * it.
   *
   * @return the state, or null
   * @throws IllegalArgumentException if its name stands for another group here
   */
  GroupState known(EndpointGroup group) {
    GroupState g = byName.get(group.name());
    if (g == null) {
      return null;
    }
    EndpointGroup s = sources.get(group.name());
    if (group.equals(s)) { // equals tries the same instance first
      return g;
    }
    throw new IllegalArgumentException(
        "group name '"
            + group.name()
            + "' is already used in this pool for "
            + (s != null ? s : g.group())
            + ", not "
            + group
            + (s != null ? "" : "; give the group that resolves a host name another name"));
  }

  MemberSource source() {
    return source;
  }

  private boolean inAnyGroup(Endpoint e) {
    for (GroupState g : byName.values()) {
      if (g.group().members().contains(e)) {
        return true;
      }
    }
    return false;
  }

  /** A member shared with another group must have the same weight and outlier settings there. */
  private void checkShared(EndpointGroup group) {
    for (GroupState other : byName.values()) {
      EndpointGroup o = other.group();
      if (o.name().equals(group.name())) {
        continue;
      }
      for (Endpoint e : group.members()) {
        if (!o.members().contains(e)) {
          continue;
        }
        if (o.weight(e) != group.weight(e)) {
          throw new IllegalArgumentException(
              e
                  + " has weight "
                  + group.weight(e)
                  + " in group '"
                  + group.name()
                  + "' but "
                  + o.weight(e)
                  + " in group '"
                  + o.name()
                  + "'; a member has one weight in every group of a pool");
        }
        if (!o.outlierDetection().equals(group.outlierDetection())) {
          throw new IllegalArgumentException(
              e
                  + " is in groups '"
                  + group.name()
                  + "' and '"
                  + o.name()
                  + "' with different outlier settings ("
                  + group.outlierDetection()
                  + " vs "
                  + o.outlierDetection()
                  + "); groups that share a member must share them");
        }
      }
    }
  }

  /**
   * Returns the group's stats.
   *
   * @param group the group
   * @return its stats; if the pool has not used it, no calls (its members' calls in flight are
   *     still their endpoints')
   */
  public GroupStats stats(EndpointGroup group) {
    GroupState g = byName.get(group.name());
    return g != null
        ? g.stats()
        : new GroupState(group, clock, GroupEvents.SILENT, this::load).stats();
  }

  /** Returns every group's stats, by name. */
  public List<GroupStats> stats() {
    List<GroupStats> all = new ArrayList<>();
    for (GroupState g : byName.values()) {
      all.add(g.stats());
    }
    all.sort((a, b) -> a.name().compareTo(b.name()));
    return all;
  }
}
