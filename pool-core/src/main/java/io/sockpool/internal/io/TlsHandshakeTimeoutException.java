package io.sockpool.internal.io;

import java.net.SocketTimeoutException;

/** A TLS handshake that did not finish before its deadline; the message names the step. */
public final class TlsHandshakeTimeoutException extends SocketTimeoutException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message names the endpoint, the time taken and the step the handshake was in
   * @param cause the timed-out read or write, if any
   */
  public TlsHandshakeTimeoutException(String message, Throwable cause) {
    super(message);
    if (cause != null) {
      initCause(cause);
    }
  }
}
