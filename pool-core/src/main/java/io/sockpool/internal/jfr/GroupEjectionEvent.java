package io.sockpool.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A group's outlier detection ejected a member: it takes no calls until its probe. */
@Name("io.sockpool.GroupEjection")
@Label("Group Ejection")
@Category({"sockpool"})
@Enabled(false)
@StackTrace(false)
public final class GroupEjectionEvent extends jdk.jfr.Event {
  @Label("Pool")
  String pool;

  @Label("Group")
  String group;

  @Label("Member")
  String member;

  @Label("Reason")
  String reason;

  @Label("Ejection Time")
  @Timespan(Timespan.NANOSECONDS)
  long ejectionTime;

  @Label("Ejections So Far")
  long ejections;

  /** Created by the pool. */
  public GroupEjectionEvent() {
    // fields are set before commit
  }
}
