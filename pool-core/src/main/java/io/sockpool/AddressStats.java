package io.sockpool;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One address of an endpoint and the pool's connections to it, from {@link
 * SocketPool#addresses(Endpoint)}.
 *
 * @param address the resolved address and the endpoint's port
 * @param connections connections open to it now, checked out and idle
 * @param current whether the last answer of the resolver holds it; an address that is not current
 *     is being drained (its checked-out connections close on return)
 */
public record AddressStats(InetSocketAddress address, int connections, boolean current) {

  /** Checks the values. */
  public AddressStats {
    Objects.requireNonNull(address, "address must not be null");
    if (connections < 0) {
      throw new IllegalArgumentException("connections must be >= 0, but was " + connections);
    }
  }

  @Override
  public String toString() {
    return address.getAddress().getHostAddress()
        + ":"
        + address.getPort()
        + "{connections="
        + connections
        + (current ? "" : ", draining")
        + "}";
  }
}
