package io.sockpool.bench.preconnect;

import java.io.IOException;

/** The step test's peer, wherever it runs: its port and the connections it accepted. */
interface StepPeer extends AutoCloseable {

  /** Returns the loopback port it listens on. */
  int port();

  /**
   * Returns how many connections it accepted so far.
   *
   * @throws IOException if a peer in another process cannot be asked
   */
  int accepted() throws IOException;

  @Override
  void close() throws IOException;
}
