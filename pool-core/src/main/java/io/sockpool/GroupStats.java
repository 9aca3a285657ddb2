package io.sockpool;

import java.util.List;

/**
 * An {@link EndpointGroup} as its pool sees it: every member, and the group's totals; see {@link
 * SocketPool#stats(EndpointGroup)}.
 *
 * @param name the group's name
 * @param members each member, in the group's order
 * @param calls group checkouts that got a connection
 * @param failedCalls group checkouts that failed (every member tried, or none could be)
 * @param ejections ejections of any member so far
 * @param returns members put back after an ejection (a probe that succeeded)
 */
public record GroupStats(
    String name,
    List<GroupMemberStats> members,
    long calls,
    long failedCalls,
    long ejections,
    long returns) {

  /** Copies the member list. */
  public GroupStats {
    members = List.copyOf(members);
  }

  /** Returns how many members are ejected now. */
  public int ejected() {
    int n = 0;
    for (GroupMemberStats m : members) {
      n += m.status() == GroupMemberStats.Status.EJECTED ? 1 : 0;
    }
    return n;
  }
}
