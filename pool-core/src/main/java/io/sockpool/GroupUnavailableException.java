package io.sockpool;

import java.util.List;

/**
 * A group checkout found no member it could try: every member is ejected, being probed by another
 * call, or behind an open circuit breaker. Thrown at once, without touching the network. The
 * message names each member's state; {@link #state()} is the first member's.
 */
public class GroupUnavailableException extends CheckoutException {
  private static final long serialVersionUID = 1L;

  private final String group;
  private final transient List<String> memberStates;

  /**
   * @param group the group's name
   * @param memberStates one line per member, e.g. "10.0.0.1:6379 ejected for 3000 ms more"
   * @param state the first member's state
   */
  public GroupUnavailableException(String group, List<String> memberStates, CheckoutState state) {
    super(
        "no member of group '" + group + "' can take a call: " + String.join("; ", memberStates),
        state,
        null);
    this.group = group;
    this.memberStates = List.copyOf(memberStates);
  }

  /** Returns the group's name. */
  public String group() {
    return group;
  }

  /** Returns each member's state, in the group's order. */
  public List<String> memberStates() {
    return memberStates;
  }
}
