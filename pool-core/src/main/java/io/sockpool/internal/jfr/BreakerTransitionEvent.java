package io.sockpool.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** An endpoint's circuit breaker changed state (CLOSED, OPEN, HALF_OPEN, ...). */
@Name("io.sockpool.BreakerTransition")
@Label("Breaker Transition")
@Category({"sockpool"})
@Enabled(false)
@StackTrace(false)
public final class BreakerTransitionEvent extends jdk.jfr.Event {
  @Label("Pool")
  String pool;

  @Label("Endpoint")
  String endpoint;

  @Label("From")
  String from;

  @Label("To")
  String to;

  /** Created by the pool. */
  public BreakerTransitionEvent() {
    // fields are set before commit
  }
}
