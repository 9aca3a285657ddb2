package io.sockpool.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * A checkout that took at least the threshold (default 20 ms, like {@code jdk.SocketRead}): its
 * duration is the checkout from when it left the fast path (waiting, connecting, validating). A
 * connection served from the hot slots takes under a microsecond and is never recorded.
 */
@Name("io.sockpool.Checkout")
@Label("Checkout")
@Category({"sockpool"})
@Description(
    "A checkout of a pooled connection that left the fast path: waiting, connecting, validating")
@Enabled(false)
@Threshold("20 ms")
@StackTrace(false)
public final class CheckoutEvent extends jdk.jfr.Event {
  @Label("Pool")
  String pool;

  @Label("Endpoint")
  String endpoint;

  @Label("Waited")
  @Description("The caller parked waiting for a connection another caller held")
  boolean waited;

  @Label("Outcome")
  @Description("ok, or the simple name of the exception the caller got")
  String outcome;

  /** Created by the pool. */
  public CheckoutEvent() {
    // fields are set before commit
  }
}
