package io.sockpool.sizing;

import io.sockpool.Endpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * A running pool's sizing answer for a replica group ({@link
 * io.sockpool.SocketPool#sizing(io.sockpool.EndpointGroup)}): each member's own {@link LiveSizing},
 * and the group as one queue. A group checkout waits only when every member that may take a call is
 * at capacity, so the group behaves like one Erlang C queue whose servers are all the members'
 * connections: its arrival rate is the members' summed, its hold time their merged mean, its
 * current size the members' {@code maxPerEndpoint} summed. The connections the group needs are
 * split over the members by their share of the offered load (rate x hold: a slower member holds its
 * connections longer), rounded up.
 *
 * <p>A member's traffic is all of its endpoint's traffic (direct checkouts and other groups
 * included). Immutable and thread-safe.
 */
public final class GroupSizing {
  private final String group;
  private final List<LiveSizing> members;
  private final TrafficSample sample;
  private final int currentSize;
  private final QueueEstimate atCurrentSize; // null: nothing measured
  private final int needed; // -1: nothing measured, or beyond the model
  private final Map<Endpoint, Integer> shares;

  private GroupSizing(
      String group, List<LiveSizing> members, TrafficSample sample, int size, double target) {
    this.group = group;
    this.members = List.copyOf(members);
    this.sample = sample;
    this.currentSize = size;
    double rate = sample.ratePerSecond();
    Optional<Duration> hold = sample.meanHold();
    int n = -1;
    if (rate > 0 && hold.isPresent()) {
      this.atCurrentSize = ErlangC.evaluate(rate, hold.get(), size);
      try {
        n = ErlangC.smallestSize(rate, hold.get(), target).connections();
      } catch (IllegalArgumentException beyondModel) {
        n = -1;
      }
    } else {
      this.atCurrentSize = null;
    }
    this.needed = n;
    Map<Endpoint, Integer> s = new LinkedHashMap<>();
    double total = 0;
    for (LiveSizing m : members) {
      total += load(m);
    }
    for (LiveSizing m : members) {
      if (n >= 0 && total > 0) {
        s.put(m.endpoint(), (int) Math.ceil(n * load(m) / total - 1e-9));
      }
    }
    this.shares = Collections.unmodifiableMap(s);
  }

  private static double load(LiveSizing m) {
    return m.meanHold().map(h -> m.ratePerSecond() * h.toNanos() / 1e9).orElse(0.0);
  }

  /**
   * Computes the sizing of a group.
   *
   * @param group the group's name
   * @param samples each member's measured traffic, in the group's member order (at least one)
   * @param maxPerEndpoint the pool's {@code maxPerEndpoint}, >= 1
   * @param maxTotal the pool's {@code maxTotal}, >= maxPerEndpoint
   * @param targetWaitProbability the most acceptable share of waiting checkouts, in (0, 1)
   * @return the sizing
   * @throws IllegalArgumentException if a value is out of range or there is no member
   */
  public static GroupSizing of(
      String group,
      Map<Endpoint, TrafficSample> samples,
      int maxPerEndpoint,
      int maxTotal,
      double targetWaitProbability) {
    if (group == null || samples == null || samples.isEmpty()) {
      throw new IllegalArgumentException(
          "a group sizing needs a name and at least one member's sample, but was group="
              + group
              + ", samples="
              + samples);
    }
    List<LiveSizing> members = new ArrayList<>(samples.size());
    Duration span = Duration.ZERO;
    long checkouts = 0;
    long waited = 0;
    long returns = 0;
    Duration held = Duration.ZERO;
    for (Map.Entry<Endpoint, TrafficSample> e : samples.entrySet()) {
      TrafficSample t = e.getValue();
      members.add(LiveSizing.of(e.getKey(), t, maxPerEndpoint, maxTotal, targetWaitProbability));
      span = span.compareTo(t.span()) >= 0 ? span : t.span();
      checkouts += t.checkouts();
      waited += t.waited();
      returns += t.returns();
      held = held.plus(t.held());
    }
    int size = (int) Math.min(Integer.MAX_VALUE, (long) maxPerEndpoint * samples.size());
    return new GroupSizing(
        group,
        members,
        new TrafficSample(span, checkouts, waited, returns, held),
        size,
        targetWaitProbability);
  }

  /** Returns the group's name. */
  public String group() {
    return group;
  }

  /** Returns each member's own sizing, in the group's member order. */
  public List<LiveSizing> members() {
    return members;
  }

  /** Returns the group's merged traffic: counts and hold times summed, over the longest span. */
  public TrafficSample sample() {
    return sample;
  }

  /** Returns the group's arrival rate, checkouts per second (the members' summed). */
  public double ratePerSecond() {
    return sample.ratePerSecond();
  }

  /** Returns the group's mean hold time (every member's returns merged), if any came back. */
  public Optional<Duration> meanHold() {
    return sample.meanHold();
  }

  /** Returns the group's current size: {@code maxPerEndpoint} times the number of members. */
  public int currentSize() {
    return currentSize;
  }

  /** Returns Erlang C's probability of waiting for the group at its current size, if stable. */
  public OptionalDouble predictedWaitProbability() {
    return atCurrentSize == null || !atCurrentSize.stable()
        ? OptionalDouble.empty()
        : OptionalDouble.of(atCurrentSize.waitProbability());
  }

  /** Returns the share of the group's checkouts that waited, if there were any. */
  public OptionalDouble measuredWaitProbability() {
    return sample.waitedShare();
  }

  /** Returns the fewest connections over all members meeting the target, if measured. */
  public OptionalInt neededConnections() {
    return needed < 0 ? OptionalInt.empty() : OptionalInt.of(needed);
  }

  /**
   * Returns the member's part of {@link #neededConnections()}: its share of the offered load,
   * rounded up, if the group's traffic was measured.
   *
   * @param member a member of the group
   * @throws IllegalArgumentException if it is not a member
   */
  public OptionalInt neededConnections(Endpoint member) {
    List<Endpoint> all = members.stream().map(LiveSizing::endpoint).toList();
    if (!all.contains(member)) {
      throw new IllegalArgumentException(
          member + " is not a member of group '" + group + "' (members: " + all + ")");
    }
    Integer n = shares.get(member);
    return n == null ? OptionalInt.empty() : OptionalInt.of(n);
  }

  /**
   * Returns the {@code maxPerEndpoint} that lets every member take its part: the largest of them,
   * if the group's traffic was measured.
   */
  public OptionalInt recommendedMaxPerEndpoint() {
    return shares.values().stream().mapToInt(Integer::intValue).max();
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "GroupSizing{group=%s, ratePerSecond=%.3g, meanHoldMicros=%s, currentSize=%d, needed=%s,"
            + " perMember=%s}",
        group,
        ratePerSecond(),
        meanHold().map(h -> String.format(Locale.ROOT, "%.3g", h.toNanos() / 1000.0)).orElse("-"),
        currentSize(),
        neededConnections().isPresent() ? String.valueOf(neededConnections().getAsInt()) : "-",
        shares);
  }
}
