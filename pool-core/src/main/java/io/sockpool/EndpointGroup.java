package io.sockpool;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One logical service over several endpoints (replicas): {@link SocketPool#checkout(EndpointGroup)}
 * picks a member by load and latency (power of two choices over each member's peak-EWMA latency
 * times its calls in flight, divided by its weight), skips members that are at capacity, ejected or
 * behind an open circuit breaker, and ejects members that fail ({@link OutlierDetection}). See
 * docs/groups.md.
 *
 * <pre>{@code
 * EndpointGroup replicas = EndpointGroup.of("redis-replicas",
 *     List.of(Endpoint.of("10.0.0.1", 6379), Endpoint.of("10.0.0.2", 6379)));
 * String reply = pool.executeIdempotent(replicas, c -> get(c, "key"));
 * }</pre>
 *
 * <p>{@link #resolving(String, String, int)} makes a group whose members are the addresses of a
 * host name, looked up and kept current by the pool.
 *
 * <p>Immutable; equal when name, members (or the host name resolved), weights and outlier settings
 * are equal. A pool knows a group by its name: using another group with the same name and other
 * members is an error (change membership with {@link SocketPool#updateGroup(EndpointGroup)}).
 */
public final class EndpointGroup {
  /** The largest weight a member may have. */
  public static final int MAX_WEIGHT = 1000;

  /** The most members a group may have. */
  public static final int MAX_MEMBERS = 64;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

  private final String name;
  private final Map<Endpoint, Integer> weights; // insertion order: the members
  private final List<Endpoint> members;
  private final OutlierDetection outliers;
  private final Endpoint source; // null: the members are given

  private EndpointGroup(
      String name, Map<Endpoint, Integer> weights, OutlierDetection outliers, Endpoint source) {
    this.name = name;
    this.weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
    this.members = List.copyOf(weights.keySet());
    this.outliers = outliers;
    this.source = source;
  }

  /**
   * A group of equally weighted members with the default {@link OutlierDetection}.
   *
   * @param name the group's name (letters, digits, {@code . _ : -}, 1..100 characters)
   * @param members the endpoints; 1..{@link #MAX_MEMBERS}, no duplicates
   * @return the group
   * @throws IllegalArgumentException if the name is malformed, the collection empty or null, or
   *     holds null or the same endpoint twice
   */
  public static EndpointGroup of(String name, Collection<Endpoint> members) {
    if (members == null) {
      throw new IllegalArgumentException("members must not be null");
    }
    Builder b = builder(name);
    for (Endpoint e : members) {
      b.member(e);
    }
    return b.build();
  }

  /**
   * A group whose members are the addresses of a host name, with the default {@link
   * OutlierDetection}: a DNS name with several A/AAAA records, a Kubernetes headless service, the
   * replicas a discovery system answers for one name. The pool looks the name up through its {@link
   * PoolConfig#addressResolver()} at the group's first checkout (which waits for the answer within
   * its deadline) and again every {@link PoolConfig#reresolveInterval()} (or the resolver's {@link
   * AddressResolver#answerTtl()} if shorter); each changed answer replaces the members as {@link
   * SocketPool#updateGroup(EndpointGroup)} does. Each address becomes a member {@code
   * Endpoint.of(<address literal>, port)} of weight 1, in the resolver's order, at most {@link
   * #MAX_MEMBERS}. See docs/groups.md, "Members from a resolver".
   *
   * <p>{@link #members()} of the returned group is empty: its members are the pool's ({@link
   * SocketPool#stats(EndpointGroup)} lists them).
   *
   * @param name the group's name (letters, digits, {@code . _ : -}, 1..100 characters)
   * @param host the host name whose addresses are the members (an IP literal makes a group of one)
   * @param port the members' TCP port, 1..65535
   * @return the group
   * @throws IllegalArgumentException if the name is malformed, the host null, blank or not a host
   *     name, or the port out of range
   */
  public static EndpointGroup resolving(String name, String host, int port) {
    return builder(name).resolving(host, port).build();
  }

  /**
   * A builder for a group with per-member weights or other outlier settings.
   *
   * @param name the group's name (letters, digits, {@code . _ : -}, 1..100 characters)
   * @return the builder
   * @throws IllegalArgumentException if the name is malformed
   */
  public static Builder builder(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "group name must be 1..100 letters, digits or '._:-', but was "
              + (name == null ? "null" : "'" + name + "'"));
    }
    return new Builder(name);
  }

  /** Returns the group's name. */
  public String name() {
    return name;
  }

  /**
   * Returns the members, in the order they were given; empty for a group resolved from a host name
   * ({@link #resolvedFrom()}), whose members the pool finds.
   */
  public List<Endpoint> members() {
    return members;
  }

  /**
   * Returns the host name and port whose addresses are the members, for a group made by {@link
   * #resolving(String, String, int)}; empty for a group of given members.
   *
   * @return the host name and the members' port, or empty
   */
  public Optional<Endpoint> resolvedFrom() {
    return Optional.ofNullable(source);
  }

  /**
   * The membership a pool runs for this group after an answer of its resolver: these members, each
   * of weight 1, and this group's name, outlier settings and host name. The pool makes it (a {@link
   * GroupListener} sees it); it is never equal to a group of the same members given by {@link
   * #of(String, Collection)}, so a name stands for one of the two.
   *
   * @param resolved the members the answer makes, 1..{@link #MAX_MEMBERS}, no duplicates
   * @return the membership
   * @throws IllegalArgumentException if this group is not resolved from a host name, or the members
   *     are empty, too many or hold a duplicate
   */
  public EndpointGroup withResolvedMembers(Collection<Endpoint> resolved) {
    if (source == null) {
      throw new IllegalArgumentException(
          "group '" + name + "' has given members; only a resolving group takes resolved ones");
    }
    Builder b = builder(name).outlierDetection(outliers);
    for (Endpoint e : Args.notNull(resolved, "resolved")) {
      b.member(e);
    }
    EndpointGroup members = b.build();
    return new EndpointGroup(name, members.weights, outliers, source);
  }

  /** Returns whether the members come from resolving a host name ({@link #resolvedFrom()}). */
  public boolean isResolving() {
    return source != null;
  }

  /**
   * Returns a member's weight.
   *
   * @param member one of the members
   * @return its weight, 1..{@link #MAX_WEIGHT}
   * @throws IllegalArgumentException if it is not a member
   */
  public int weight(Endpoint member) {
    Integer w = weights.get(member);
    if (w == null) {
      throw new IllegalArgumentException(member + " is not a member of group '" + name + "'");
    }
    return w;
  }

  /** Returns when members are ejected. */
  public OutlierDetection outlierDetection() {
    return outliers;
  }

  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    return o instanceof EndpointGroup g
        && name.equals(g.name)
        && members.equals(g.members)
        && weights.equals(g.weights)
        && outliers.equals(g.outliers)
        && Objects.equals(source, g.source);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, members);
  }

  @Override
  public String toString() {
    if (source != null && members.isEmpty()) {
      return "EndpointGroup{" + name + ": the addresses of " + source + "}";
    }
    List<String> parts = new ArrayList<>(members.size());
    for (Endpoint e : members) {
      int w = weights.get(e);
      parts.add(w == 1 ? e.toString() : e + " x" + w);
    }
    return "EndpointGroup{"
        + name
        + ": "
        + String.join(", ", parts)
        + (source == null ? "" : " (the addresses of " + source + ")")
        + "}";
  }

  /** Builds an {@link EndpointGroup}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private final Map<Endpoint, Integer> weights = new LinkedHashMap<>();
    private OutlierDetection outliers = OutlierDetection.DEFAULTS;
    private Endpoint source;

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Adds a member of weight 1.
     *
     * @param member the endpoint
     * @return this builder
     * @throws IllegalArgumentException if it is null or already a member
     */
    public Builder member(Endpoint member) {
      return member(member, 1);
    }

    /**
     * Adds a member. A member of weight 2 counts as half as loaded as one of weight 1 with the same
     * latency and calls in flight.
     *
     * @param member the endpoint
     * @param weight 1..{@link #MAX_WEIGHT}
     * @return this builder
     * @throws IllegalArgumentException if it is null, already a member, or the weight out of range
     */
    public Builder member(Endpoint member, int weight) {
      if (member == null) {
        throw new IllegalArgumentException("member of group '" + name + "' must not be null");
      }
      if (weight < 1 || weight > MAX_WEIGHT) {
        throw new IllegalArgumentException(
            "weight of "
                + member
                + " in group '"
                + name
                + "' must be in 1.."
                + MAX_WEIGHT
                + ", but was "
                + weight);
      }
      if (weights.size() == MAX_MEMBERS && !weights.containsKey(member)) {
        throw new IllegalArgumentException(
            "group '"
                + name
                + "' may have at most "
                + MAX_MEMBERS
                + " members; "
                + member
                + " would be member "
                + (MAX_MEMBERS + 1));
      }
      if (weights.putIfAbsent(member, weight) != null) {
        throw new IllegalArgumentException(
            "group '" + name + "' lists " + member + " twice; each member must appear once");
      }
      return this;
    }

    /**
     * Takes the members from the addresses of a host name instead of given endpoints; see {@link
     * EndpointGroup#resolving(String, String, int)}. Each member has weight 1.
     *
     * @param host the host name whose addresses are the members
     * @param port the members' TCP port, 1..65535
     * @return this builder
     * @throws IllegalArgumentException if the host is null, blank or not a host name, or the port
     *     out of range
     */
    public Builder resolving(String host, int port) {
      try {
        this.source = Endpoint.of(host, port);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "group '"
                + name
                + "' resolves its members from a host name and port, but "
                + e.getMessage(),
            e);
      }
      return this;
    }

    /**
     * Sets when members are ejected. Default {@link OutlierDetection#DEFAULTS}.
     *
     * @param value the settings
     * @return this builder
     */
    public Builder outlierDetection(OutlierDetection value) {
      this.outliers = Args.notNull(value, "outlierDetection");
      return this;
    }

    /**
     * Builds the group.
     *
     * @return the group
     * @throws IllegalArgumentException if no member was added and no host name given to resolve, or
     *     both
     */
    public EndpointGroup build() {
      if (source != null && !weights.isEmpty()) {
        throw new IllegalArgumentException(
            "group '"
                + name
                + "' has both given members "
                + weights.keySet()
                + " and members resolved from "
                + source
                + "; use one or the other");
      }
      if (weights.isEmpty() && source == null) {
        throw new IllegalArgumentException(
            "group '" + name + "' has no member; give at least one endpoint");
      }
      return new EndpointGroup(name, weights, outliers, source);
    }
  }
}
