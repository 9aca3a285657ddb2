package io.sockpool.internal.io;

import io.sockpool.Endpoint;
import io.sockpool.TlsConfig;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Turns the JDK's handshake failures into messages in the words a user searches for: the endpoint,
 * and what failed (not trusted, expired, host name mismatch, not TLS at all, client certificate
 * required).
 */
final class TlsFailures {
  private TlsFailures() {}

  /**
   * @param endpoint the peer
   * @param config its TLS config
   * @param step the handshake's step when it failed
   * @param e what the engine threw
   * @return an {@link SSLHandshakeException} naming the endpoint and the cause, {@code e} as cause
   */
  static SSLHandshakeException describe(
      Endpoint endpoint, TlsConfig config, String step, SSLException e) {
    String detail = chain(e);
    String lower = detail.toLowerCase(Locale.ROOT);
    String what;
    if (has(e, CertificateExpiredException.class)) {
      what = "the certificate of " + endpoint + " has expired";
    } else if (has(e, CertificateNotYetValidException.class)) {
      what = "the certificate of " + endpoint + " is not yet valid";
    } else if (lower.contains("no subject alternative")
        || lower.contains("no name matching")
        || lower.contains("does not match")) {
      what =
          "the host name "
              + config.sniName().orElse(endpoint.host())
              + " does not match the subject alternative names of the certificate of "
              + endpoint;
    } else if (has(e, CertPathBuilderException.class)
        || has(e, CertPathValidatorException.class)
        || lower.contains("pkix")) {
      what = "the certificate for " + endpoint + " is not trusted";
    } else if (lower.contains("unrecognized ssl message")
        || lower.contains("plaintext connection")
        || lower.contains("unsupported or unrecognized")) {
      what = "the peer " + endpoint + " does not speak TLS (a plaintext port?)";
    } else if (lower.contains("certificate_required")
        || (lower.contains("bad_certificate") && !config.hasClientCertificate())) {
      what =
          config.hasClientCertificate()
              ? "the server " + endpoint + " rejected the client certificate"
              : "the server "
                  + endpoint
                  + " requires a client certificate (mutual TLS) and none is configured";
    } else if (lower.contains("handshake_failure") && !config.hasClientCertificate()) {
      what =
          "the server "
              + endpoint
              + " ended the handshake (handshake_failure): it requires a client certificate"
              + " (mutual TLS) and none is configured, or no protocol or cipher suite is common";
    } else if (lower.contains("bad_certificate") || lower.contains("unknown_ca")) {
      what = "the server " + endpoint + " rejected the client certificate";
    } else {
      what = "the TLS handshake with " + endpoint + " failed";
    }
    SSLHandshakeException out = new SSLHandshakeException(what + " (" + step + "): " + detail);
    out.initCause(e);
    return out;
  }

  private static boolean has(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  /** The messages of the cause chain, deepest last, without repeats. */
  private static String chain(Throwable t) {
    StringBuilder b = new StringBuilder();
    String last = null;
    for (Throwable c = t; c != null; c = c.getCause()) {
      String m = c.getMessage();
      if (m != null && (last == null || !last.contains(m))) {
        if (b.length() > 0) {
          b.append(": ");
        }
        b.append(m);
        last = m;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return b.toString();
  }
}
