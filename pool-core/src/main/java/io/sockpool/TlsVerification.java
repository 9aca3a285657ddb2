package io.sockpool;

/**
 * How a TLS connection checks the server's certificate ({@link TlsConfig.Builder#verification}).
 */
public enum TlsVerification {
  /**
   * The default: the certificate chain must lead to a trusted CA, be valid now, and name the host
   * the connection was opened to (the endpoint's host name or IP literal, or the configured SNI
   * name) in its subject alternative names.
   */
  FULL,
  /**
   * The chain must lead to a trusted CA and be valid now; the host name is not checked (for peers
   * reached through an address their certificate does not name, such as a private IP).
   */
  CA_ONLY,
  /**
   * Nothing is checked: any certificate is accepted. The traffic is encrypted but the peer is not
   * authenticated, so anyone on the path can read it. For tests only; each pool that uses it logs
   * one WARN.
   */
  INSECURE
}
