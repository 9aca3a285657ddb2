package io.sockpool.internal.io;

/** Outcome of the cheap liveness check of a connection ({@link Transport#probe()}). */
public enum Probe {
  /** Nothing to read, no close received: the connection looks alive. */
  ALIVE,
  /** The peer closed the connection. */
  PEER_CLOSED,
  /** Bytes are waiting that nobody asked for. */
  UNREAD_BYTES,
  /** The check itself failed. */
  FAILED;

  /**
   * @param n what a non-blocking read returned
   * @return the outcome it means
   */
  static Probe ofRead(int n) {
    if (n == 0) {
      return ALIVE;
    }
    return n < 0 ? PEER_CLOSED : UNREAD_BYTES;
  }
}
