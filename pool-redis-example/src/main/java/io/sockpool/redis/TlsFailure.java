package io.sockpool.redis;

import java.net.SocketTimeoutException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import java.util.Optional;

/**
 * Words a failed TLS connection the way users search for it: the JDK's messages ("PKIX path
 * building failed", "No subject alternative names matching IP address ... found", "Unsupported or
 * unrecognized SSL message", "Received fatal alert: certificate_required") say what broke but not
 * what to do. Each kind gets one sentence naming the server, what failed and the {@code redis-cli}
 * flag that fixes it, followed by the JDK's own message.
 */
public final class TlsFailure {
  /** What went wrong, as far as the exception chain tells. */
  public enum Kind {
    /** The chain does not lead to a trusted CA (PKIX path building or validation failed). */
    NOT_TRUSTED,
    /** The certificate has expired. */
    EXPIRED,
    /** The certificate is not valid yet. */
    NOT_YET_VALID,
    /** The host name (or SNI name) is not among the certificate's subject alternative names. */
    HOST_NAME_MISMATCH,
    /** The peer answered the ClientHello with something that is not TLS. */
    NOT_TLS,
    /** The server requires a client certificate (mutual TLS) and got none it accepts. */
    CLIENT_CERTIFICATE_REQUIRED,
    /** The server closed the connection during the handshake without saying why. */
    CLOSED_DURING_HANDSHAKE,
    /**
     * The handshake got no answer in time: a plaintext Redis port waits silently on a ClientHello
     * (it reads it as the start of an inline command).
     */
    HANDSHAKE_TIMED_OUT
  }

  private TlsFailure() {}

  /**
   * Classifies a failure.
   *
   * @param failure the exception of a connect, handshake or first exchange
   * @param clientCertificateGiven whether a client certificate was configured
   * @return the kind, or empty if the chain shows no TLS failure
   */
  public static Optional<Kind> classify(Throwable failure, boolean clientCertificateGiven) {
    // the specific causes first: an expired certificate also fails PKIX validation
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String lower = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (t instanceof CertificateExpiredException) {
        return Optional.of(Kind.EXPIRED);
      }
      if (t instanceof CertificateNotYetValidException) {
        return Optional.of(Kind.NOT_YET_VALID);
      }
      if (lower.contains("no subject alternative") || lower.contains("no name matching")) {
        return Optional.of(Kind.HOST_NAME_MISMATCH);
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String lower = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (t instanceof CertPathBuilderException
          || t instanceof CertPathValidatorException
          || lower.contains("pkix path")) {
        return Optional.of(Kind.NOT_TRUSTED);
      }
      if (lower.contains("unsupported or unrecognized ssl message")
          || lower.contains("plaintext connection")) {
        return Optional.of(Kind.NOT_TLS);
      }
      if (t instanceof SocketTimeoutException) {
        return Optional.of(Kind.HANDSHAKE_TIMED_OUT);
      }
      if (lower.contains("certificate_required")
          || (!clientCertificateGiven
              && (lower.contains("bad_certificate") || lower.contains("handshake_failure")))) {
        return Optional.of(Kind.CLIENT_CERTIFICATE_REQUIRED);
      }
      if (lower.contains("remote host terminated the handshake")) {
        return Optional.of(Kind.CLOSED_DURING_HANDSHAKE);
      }
    }
    return Optional.empty();
  }

  /**
   * Describes a failure in a user's words.
   *
   * @param server the server, as the user gave it (e.g. {@code 127.0.0.1:6380})
   * @param failure the exception
   * @param clientCertificateGiven whether a client certificate was configured
   * @return one sentence (what failed, what to do) followed by the JDK's message; the exception's
   *     own message if it is not a TLS failure
   */
  public static String describe(String server, Throwable failure, boolean clientCertificateGiven) {
    Optional<Kind> kind = classify(failure, clientCertificateGiven);
    if (kind.isEmpty()) {
      return String.valueOf(failure.getMessage());
    }
    return sentence(server, kind.get(), clientCertificateGiven) + " [" + rootMessage(failure) + "]";
  }

  /**
   * The sentence for a kind of failure: what failed and what to do.
   *
   * @param server the server, as the user gave it
   * @param kind what failed
   * @param clientCertificateGiven whether a client certificate was configured
   * @return one sentence, without the JDK's message
   */
  public static String sentence(String server, Kind kind, boolean clientCertificateGiven) {
    return switch (kind) {
      case NOT_TRUSTED ->
          "the certificate of "
              + server
              + " is not trusted (PKIX path building failed: no path to a trusted CA):"
              + " pass the CA that signed it with --cacert FILE, or skip verification with"
              + " --insecure";
      case EXPIRED ->
          "the certificate of " + server + " has expired: the server needs a new certificate";
      case NOT_YET_VALID ->
          "the certificate of " + server + " is not valid yet (check the clocks of both machines)";
      case HOST_NAME_MISMATCH ->
          "the host name of "
              + server
              + " does not match the certificate's subject alternative names: connect by a"
              + " name the certificate lists, or name it with --sni NAME";
      case NOT_TLS ->
          server
              + " does not speak TLS (a plaintext port?): use redis://host:port without --tls,"
              + " or the server's tls-port";
      case CLIENT_CERTIFICATE_REQUIRED ->
          server
              + " requires a client certificate (mutual TLS, tls-auth-clients yes)"
              + (clientCertificateGiven
                  ? " and rejected the one given: it must be signed by a CA the server trusts"
                  : ": pass --cert FILE --key FILE");
      case HANDSHAKE_TIMED_OUT ->
          server
              + " did not answer the TLS handshake in time (a plaintext port? a plaintext Redis"
              + " port waits silently on a TLS ClientHello)";
      case CLOSED_DURING_HANDSHAKE ->
          server
              + " closed the connection during the TLS handshake (does it trust the client"
              + " certificate? is it a TLS port?)";
    };
  }

  private static String rootMessage(Throwable failure) {
    Throwable t = failure;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
