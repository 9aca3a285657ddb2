package io.sockpool;

import java.util.List;

/**
 * An {@link EndpointGroup} as its pool sees it: every member, and the group's totals; see {@link
 * SocketPool#stats(EndpointGroup)}.
 *
 * @param name the group's name
 * @param members each member, in the group's order
 * @param calls checkouts its members served, present and former ({@link GroupMemberStats#calls}: a
 *     member's are its endpoint's, through this group or not)
 * @param failedCalls group checkouts that failed (every member tried, or none could be)
 * @param ejections ejections of any member so far
 * @param returns members put back after an ejection (a probe that succeeded)
 * @param resolveFailures for a group resolved from a host name ({@link
 *     EndpointGroup#resolving(String, String, int)}): re-resolutions that failed or answered
 *     nothing usable, each of which kept the members as they were; 0 for other groups
 */
public record GroupStats(
    String name,
    List<GroupMemberStats> members,
    long calls,
    long failedCalls,
    long ejections,
    long returns,
    long resolveFailures) {

  /** Copies the member list. */
  public GroupStats {
    members = List.copyOf(members);
  }

  /**
   * The stats of a group of given members (no resolution failures).
   *
   * @param name the group's name
   * @param members each member, in the group's order
   * @param calls checkouts its members served ({@link GroupMemberStats#calls})
   * @param failedCalls group checkouts that failed
   * @param ejections ejections of any member so far
   * @param returns members put back after an ejection
   */
  public GroupStats(
      String name,
      List<GroupMemberStats> members,
      long calls,
      long failedCalls,
      long ejections,
      long returns) {
    this(name, members, calls, failedCalls, ejections, returns, 0);
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
