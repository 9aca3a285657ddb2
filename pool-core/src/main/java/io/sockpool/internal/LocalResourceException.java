package io.sockpool.internal;

import io.sockpool.Endpoint;
import java.io.IOException;
import java.util.List;

/**
 * A connect failed for want of a local resource, not because of the peer: the process ran out of
 * file descriptors ({@code EMFILE}, {@code ENFILE}), the kernel out of buffers ({@code ENOBUFS}) or
 * of local ports ({@code EADDRNOTAVAIL}). It is the pool's or the caller's failure: it fails the
 * checkout but never counts against the endpoint's circuit breaker, and the other addresses of the
 * endpoint are not tried (they would fail the same way).
 */
final class LocalResourceException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What the JDK reports (the C library's strerror text) for a local shortage. */
  private static final List<String> LOCAL_CAUSES =
      List.of(
          "Too many open files",
          "No buffer space available",
          "Cannot assign requested address",
          "Cannot allocate memory");

  LocalResourceException(Endpoint endpoint, String step, IOException cause) {
    super(
        "cannot connect to "
            + endpoint
            + ": "
            + step
            + " failed for want of a local resource ("
            + cause.getMessage()
            + "), not the peer's fault",
        cause);
  }

  /**
   * @return whether a failure of {@code connect()} itself is a local shortage rather than the
   *     peer's refusal or silence
   */
  static boolean isLocal(IOException e) {
    String m = e.getMessage();
    if (m == null) {
      return false;
    }
    for (String local : LOCAL_CAUSES) {
      if (m.contains(local)) {
        return true;
      }
    }
    return false;
  }
}
