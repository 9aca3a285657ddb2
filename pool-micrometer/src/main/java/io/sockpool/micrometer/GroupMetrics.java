package io.sockpool.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.sockpool.Endpoint;
import io.sockpool.EndpointGroup;
import io.sockpool.GroupListener;
import io.sockpool.GroupMemberStats;
import io.sockpool.GroupStats;
import io.sockpool.SocketPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters for a pool's {@link EndpointGroup}s, {@code sockpool.group.*}, tagged {@code
 * pool} and {@code group} (and {@code endpoint} for a member's): calls, failed calls, ejections,
 * returns, failed re-resolutions and members ejected now per group; calls, failures, calls in
 * flight and peak-EWMA latency per member. Groups the pool knows at bind time get meters then,
 * later ones when the pool meets them; the values are read from {@link
 * SocketPool#stats(EndpointGroup)} when the registry polls. A member added by {@link
 * SocketPool#updateGroup} gets meters at the next update of any group.
 *
 * <pre>{@code
 * new GroupMetrics(pool).bindTo(registry);
 * }</pre>
 */
public final class GroupMetrics implements MeterBinder, AutoCloseable {
  /**
   * FunctionCounter: checkouts the group's members served ({@code GroupStats#calls}: a member's are
   * its endpoint's, through the group or not).
   */
  public static final String CALLS = "sockpool.group.calls";

  /** FunctionCounter: group checkouts that failed. */
  public static final String FAILED_CALLS = "sockpool.group.calls.failed";

  /** FunctionCounter: ejections of any member. */
  public static final String EJECTIONS = "sockpool.group.ejections";

  /** FunctionCounter: members taken back after an ejection. */
  public static final String RETURNS = "sockpool.group.returns";

  /**
   * FunctionCounter: failed re-resolutions of a group resolved from a host name, each of which kept
   * its members (0 for a group of given members).
   */
  public static final String RESOLVE_FAILURES = "sockpool.group.resolve.failures";

  /** Gauge: members ejected now. */
  public static final String EJECTED = "sockpool.group.members.ejected";

  /**
   * FunctionCounter: checkouts a member served since it joined, through the group or not (tagged
   * {@code endpoint}).
   */
  public static final String MEMBER_CALLS = "sockpool.group.member.calls";

  /** FunctionCounter: peer failures charged to a member. */
  public static final String MEMBER_FAILURES = "sockpool.group.member.failures";

  /** Gauge: a member's calls in flight (its connections checked out, through the group or not). */
  public static final String MEMBER_IN_FLIGHT = "sockpool.group.member.in.flight";

  /** Gauge: a member's peak-EWMA latency, seconds. */
  public static final String MEMBER_LATENCY = "sockpool.group.member.latency";

  private final SocketPool pool;
  private final Tags poolTags;
  private final Set<String> metered = ConcurrentHashMap.newKeySet();
  private final List<Meter> meters = new ArrayList<>(); // guarded by this
  private final GroupListener listener =
      new GroupListener() {
        @Override
        public void groupAdded(EndpointGroup group) {
          add(group);
        }
      };
  private MeterRegistry registry; // guarded by this

  /**
   * @param pool the pool whose groups to measure
   */
  public GroupMetrics(SocketPool pool) {
    this.pool = Objects.requireNonNull(pool, "pool must not be null");
    this.poolTags = Tags.of("pool", pool.config().poolName());
  }

  @Override
  public synchronized void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry must not be null");
    if (this.registry != null) {
      throw new IllegalStateException(
          "group metrics of pool '" + pool.config().poolName() + "' are already bound");
    }
    this.registry = registry;
    pool.addGroupListener(listener);
    for (GroupStats g : pool.groupStats()) {
      addByName(g);
    }
  }

  private void add(EndpointGroup group) {
    GroupStats now = pool.stats(group);
    addByName(now);
  }

  private synchronized void addByName(GroupStats s) {
    if (registry == null) {
      return;
    }
    String name = s.name();
    Tags tags = poolTags.and("group", name);
    if (metered.add(name)) {
      counter(CALLS, tags, name, GroupStats::calls, "checkouts the group's members served");
      counter(FAILED_CALLS, tags, name, GroupStats::failedCalls, "group checkouts that failed");
      counter(EJECTIONS, tags, name, GroupStats::ejections, "ejections of any member");
      counter(RETURNS, tags, name, GroupStats::returns, "members taken back after an ejection");
      counter(
          RESOLVE_FAILURES,
          tags,
          name,
          GroupStats::resolveFailures,
          "failed re-resolutions of the group's host name (the members kept)");
      meters.add(
          Gauge.builder(EJECTED, () -> stats(name) == null ? 0 : stats(name).ejected())
              .tags(tags)
              .description("members ejected now")
              .register(registry));
    }
    for (GroupMemberStats m : s.members()) {
      Endpoint e = m.endpoint();
      if (!metered.add(name + "|" + e)) {
        continue;
      }
      Tags mt = tags.and("endpoint", e.toString());
      meters.add(
          FunctionCounter.builder(MEMBER_CALLS, this, x -> member(name, e, v -> v.calls()))
              .tags(mt)
              .register(registry));
      meters.add(
          FunctionCounter.builder(MEMBER_FAILURES, this, x -> member(name, e, v -> v.failures()))
              .tags(mt)
              .register(registry));
      meters.add(
          Gauge.builder(MEMBER_IN_FLIGHT, this, x -> member(name, e, v -> v.inFlight()))
              .tags(mt)
              .register(registry));
      meters.add(
          Gauge.builder(
                  MEMBER_LATENCY, this, x -> member(name, e, v -> v.latency().toNanos() / 1e9))
              .tags(mt)
              .baseUnit("seconds")
              .register(registry));
    }
  }

  private void counter(
      String meter, Tags tags, String group, ToDoubleFunction<GroupStats> f, String what) {
    meters.add(
        FunctionCounter.builder(
                meter,
                this,
                x -> {
                  GroupStats s = stats(group);
                  return s == null ? 0 : f.applyAsDouble(s);
                })
            .tags(tags)
            .description(what)
            .register(registry));
  }

  private GroupStats stats(String group) {
    for (GroupStats s : pool.groupStats()) {
      if (s.name().equals(group)) {
        return s;
      }
    }
    return null;
  }

  private double member(String group, Endpoint e, ToDoubleFunction<GroupMemberStats> f) {
    GroupStats s = stats(group);
    if (s == null) {
      return 0;
    }
    for (GroupMemberStats m : s.members()) {
      if (m.endpoint().equals(e)) {
        return f.applyAsDouble(m);
      }
    }
    return 0;
  }

  /** Removes the meters and stops listening. Idempotent. */
  @Override
  public synchronized void close() {
    pool.removeGroupListener(listener);
    if (registry != null) {
      for (Meter m : meters) {
        registry.remove(m);
      }
    }
    meters.clear();
    metered.clear();
  }
}
