package io.sockpool.internal.metrics;

import io.sockpool.Endpoint;

/**
 * An endpoint as the listeners and the traffic recorder see it: its name and the cached traffic
 * window (so that recording a checkout or a return needs no map lookup).
 */
public interface Metered {
  /** Returns the endpoint. */
  Endpoint endpoint();

  /** Returns its window in the pool's {@link TrafficRecorder}; null until the first record. */
  TrafficRecorder.Window trafficWindow();

  /**
   * Caches the endpoint's window.
   *
   * @param window its window in the pool's {@link TrafficRecorder}
   */
  void trafficWindow(TrafficRecorder.Window window);
}
