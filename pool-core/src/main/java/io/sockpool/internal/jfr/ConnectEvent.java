package io.sockpool.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * A new connection opened or failed to open (connect plus initializer). Connects are rare next to
 * checkouts, so every one is recorded: no threshold.
 */
@Name("io.sockpool.Connect")
@Label("Connect")
@Category({"sockpool"})
@Description("A new pooled connection: connect plus initializer")
@Enabled(false)
@StackTrace(false)
public final class ConnectEvent extends jdk.jfr.Event {
  @Label("Pool")
  String pool;

  @Label("Endpoint")
  String endpoint;

  @Label("Address")
  @Description("The address connected to; empty when the connect itself failed")
  String address;

  @Label("Connect Time")
  @Timespan(Timespan.NANOSECONDS)
  long connectTime;

  @Label("TLS")
  boolean tls;

  @Label("Outcome")
  @Description("ok, or the failure: exception class and message")
  String outcome;

  /** Created by the pool. */
  public ConnectEvent() {
    // fields are set before commit
  }
}
