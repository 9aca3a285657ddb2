package io.sockpool.bench.load;

import java.io.IOException;

/**
 * One way of sending Redis PINGs: a client library, a pool, or raw sockets. Created once per
 * measured point and closed after it; it must release every socket and thread it opened.
 */
public interface PingClient extends AutoCloseable {

  /**
   * Makes the state one load thread uses (a dedicated channel, buffers, ...). Called on the harness
   * thread before the clock starts; the worker is then used by one thread only.
   *
   * @return a worker
   * @throws IOException if it needs a connection and could not open one
   */
  Worker newWorker() throws IOException;

  /**
   * What the client itself counted during the point (connections created and destroyed, waits),
   * printed after the point's throughput; empty if the client keeps no such counts.
   *
   * @return a one-line summary
   */
  default java.util.Optional<String> diagnostics() {
    return java.util.Optional.empty();
  }

  /**
   * Called by the runner as the measured window opens (after the warm-up), so a client can count
   * what happens inside the window only. Does nothing by default.
   */
  default void windowOpened() {}

  /** Called by the runner as the measured window closes. Does nothing by default. */
  default void windowClosed() {}

  /** Closes pools, connections and client threads. Does not throw for already closed parts. */
  @Override
  void close();

  /** Sends PINGs for one load thread. */
  interface Worker extends AutoCloseable {

    /**
     * Sends one PING and waits for the PONG.
     *
     * @throws IOException if the exchange failed or the reply was not PONG
     */
    void ping() throws IOException;

    /** Releases what this worker holds; the default holds nothing. */
    @Override
    default void close() {}
  }
}
