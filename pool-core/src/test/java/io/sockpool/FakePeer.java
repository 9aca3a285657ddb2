package io.sockpool;

import java.io.IOException;

/**
 * The testkit's {@link io.sockpool.testkit.FakePeer} (PING answered with +PONG) as pool-core's
 * tests use it: with its address as an {@link Endpoint}.
 */
final class FakePeer extends io.sockpool.testkit.FakePeer {
  FakePeer() throws IOException {
    super();
  }

  Endpoint endpoint() {
    return Endpoint.of(host(), port());
  }

  /**
   * @return PINGs received (answered, or not while stalled)
   */
  long pings() {
    return requests();
  }

  /**
   * @return connections open now
   */
  int openConnections() {
    return open();
  }
}
