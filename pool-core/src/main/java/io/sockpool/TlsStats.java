package io.sockpool;

import java.time.Duration;

/**
 * The TLS handshakes of a pool ({@link SocketPool#tlsStats()}), counted since it was created. Every
 * handshake happens while a connection is opened (warm-up, min-idle refills, or a checkout that
 * found no idle connection), never on a checkout served from the pool: with a warm pool, {@code
 * handshakes} stays still however many checkouts run.
 *
 * @param handshakes handshakes that completed
 * @param failedHandshakes handshakes that failed or timed out
 * @param resumedHandshakes completed handshakes that resumed an earlier session (its creation time
 *     predates the handshake: TLS 1.2 session ids; see docs/tls.md for TLS 1.3)
 * @param handshakeTime the time all completed handshakes took together
 * @param reloads successful {@link SocketPool#reloadTls()} calls
 */
public record TlsStats(
    long handshakes,
    long failedHandshakes,
    long resumedHandshakes,
    Duration handshakeTime,
    long reloads) {

  /** The stats of a pool without TLS: all zero. */
  public static final TlsStats NONE = new TlsStats(0, 0, 0, Duration.ZERO, 0);
}
