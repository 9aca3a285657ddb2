package io.sockpool.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A pooled connection was closed, with the reason (a {@code DestroyReason} name). */
@Name("io.sockpool.Destroy")
@Label("Destroy")
@Category({"sockpool"})
@Enabled(false)
@StackTrace(false)
public final class DestroyEvent extends jdk.jfr.Event {
  @Label("Pool")
  String pool;

  @Label("Endpoint")
  String endpoint;

  @Label("Reason")
  String reason;

  /** Created by the pool. */
  public DestroyEvent() {
    // fields are set before commit
  }
}
