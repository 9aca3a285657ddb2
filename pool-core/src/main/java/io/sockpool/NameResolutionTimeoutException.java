package io.sockpool;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;

/**
 * A host name did not resolve in time: the resolver gave no answer before the caller's deadline (a
 * DNS server that does not answer, a discovery service that hangs). Appears as the cause of the
 * {@link CheckoutTimeoutException} of a checkout that needed the name.
 */
public class NameResolutionTimeoutException extends SocketTimeoutException {
  private static final long serialVersionUID = 1L;

  private final String host;

  /**
   * @param host the host name that did not resolve in time
   * @param waited how long the caller waited for it
   */
  public NameResolutionTimeoutException(String host, Duration waited) {
    super(
        "name resolution of host '"
            + Objects.requireNonNull(host, "host must not be null")
            + "' did not finish within "
            + waited.toMillis()
            + " ms");
    this.host = host;
  }

  /** Returns the host name that did not resolve in time. */
  public String host() {
    return host;
  }
}
