package io.sockpool.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A probe of an ejected group member succeeded: it takes calls again. */
@Name("io.sockpool.GroupReturn")
@Label("Group Return")
@Category({"sockpool"})
@Enabled(false)
@StackTrace(false)
public final class GroupReturnEvent extends jdk.jfr.Event {
  @Label("Pool")
  String pool;

  @Label("Group")
  String group;

  @Label("Member")
  String member;

  @Label("Ejections So Far")
  long ejections;

  /** Created by the pool. */
  public GroupReturnEvent() {
    // fields are set before commit
  }
}
