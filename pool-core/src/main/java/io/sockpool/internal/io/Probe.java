package io.sockpool.internal.io;

/** Outcome of the cheap liveness check of a connection ({@link ChannelIo#probe()}). */
public enum Probe {
  /** Nothing to read, no close received: the connection looks alive. */
  ALIVE,
  /** The peer closed the connection. */
  PEER_CLOSED,
  /** Bytes are waiting that nobody asked for. */
  UNREAD_BYTES,
  /** The check itself failed. */
  FAILED
}
