package io.sockpool.spring.boot;

import java.util.ArrayList;
import java.util.List;

/**
 * TLS for every endpoint of the pool ({@code sockpool.tls.*}), see docs/tls.md. TLS is on when
 * {@code enabled} is true or any other setting here is set; {@code enabled=false} turns it off even
 * then ({@code plaintext-endpoints} alone does not turn it on). Without {@code trust-pem} the JDK's
 * default trust store is used. A TLS config in code (a key store, an {@code SSLContext},
 * per-endpoint overrides) goes through a {@link SocketPoolCustomizer}.
 */
public class TlsSettings {
  /**
   * Speak TLS to every endpoint. Default: on when any other sockpool.tls.* is set, off otherwise.
   */
  private Boolean enabled;

  /**
   * PEM file with the CA certificate(s) to trust instead of the JDK's default trust store; read at
   * startup and at every reload.
   */
  private String trustPem;

  /** PEM file with the client certificate (and its chain) for mutual TLS; needs client-key. */
  private String clientCertificate;

  /**
   * PEM file with the client certificate's private key, unencrypted: PKCS#8 ("BEGIN PRIVATE KEY"),
   * PKCS#1 RSA or SEC1 EC; needs client-certificate.
   */
  private String clientKey;

  /**
   * Server name sent in SNI and accepted as the certificate's name under FULL verification.
   * Default: the endpoint's host name.
   */
  private String sniName;

  /**
   * How the server's certificate is checked: FULL (chain and host name), CA_ONLY (chain only) or
   * INSECURE (nothing; tests only). Default FULL.
   */
  private String verification;

  /** Protocols to enable, e.g. TLSv1.3,TLSv1.2. Default: the JDK's. */
  private List<String> protocols = new ArrayList<>();

  /** Cipher suites to enable. Default: the JDK's. */
  private List<String> cipherSuites = new ArrayList<>();

  /**
   * Endpoints as host:port spoken to in plaintext although TLS is on (e.g. a local sidecar). Does
   * not turn TLS on by itself.
   */
  private List<String> plaintextEndpoints = new ArrayList<>();

  /**
   * @return {@code tls.enabled}, or null when unset
   */
  public Boolean getEnabled() {
    return enabled;
  }

  /**
   * @param value {@code tls.enabled}
   */
  public void setEnabled(Boolean value) {
    this.enabled = value;
  }

  /**
   * @return {@code tls.trust-pem}, or null when unset
   */
  public String getTrustPem() {
    return trustPem;
  }

  /**
   * @param value {@code tls.trust-pem}
   */
  public void setTrustPem(String value) {
    this.trustPem = value;
  }

  /**
   * @return {@code tls.client-certificate}, or null when unset
   */
  public String getClientCertificate() {
    return clientCertificate;
  }

  /**
   * @param value {@code tls.client-certificate}
   */
  public void setClientCertificate(String value) {
    this.clientCertificate = value;
  }

  /**
   * @return {@code tls.client-key}, or null when unset
   */
  public String getClientKey() {
    return clientKey;
  }

  /**
   * @param value {@code tls.client-key}
   */
  public void setClientKey(String value) {
    this.clientKey = value;
  }

  /**
   * @return {@code tls.sni-name}, or null when unset
   */
  public String getSniName() {
    return sniName;
  }

  /**
   * @param value {@code tls.sni-name}
   */
  public void setSniName(String value) {
    this.sniName = value;
  }

  /**
   * @return {@code tls.verification} as written, or null when unset
   */
  public String getVerification() {
    return verification;
  }

  /**
   * @param value {@code tls.verification}: FULL, CA_ONLY or INSECURE
   */
  public void setVerification(String value) {
    this.verification = value;
  }

  /**
   * @return {@code tls.protocols}, empty when unset
   */
  public List<String> getProtocols() {
    return protocols;
  }

  /**
   * @param value {@code tls.protocols}
   */
  public void setProtocols(List<String> value) {
    this.protocols = value == null ? new ArrayList<>() : value;
  }

  /**
   * @return {@code tls.cipher-suites}, empty when unset
   */
  public List<String> getCipherSuites() {
    return cipherSuites;
  }

  /**
   * @param value {@code tls.cipher-suites}
   */
  public void setCipherSuites(List<String> value) {
    this.cipherSuites = value == null ? new ArrayList<>() : value;
  }

  /**
   * @return {@code tls.plaintext-endpoints}, empty when unset
   */
  public List<String> getPlaintextEndpoints() {
    return plaintextEndpoints;
  }

  /**
   * @param value {@code tls.plaintext-endpoints}
   */
  public void setPlaintextEndpoints(List<String> value) {
    this.plaintextEndpoints = value == null ? new ArrayList<>() : value;
  }

  /**
   * @return whether TLS is on: {@code enabled} if set, else whether anything else but {@code
   *     plaintext-endpoints} is set
   */
  boolean isOn() {
    if (enabled != null) {
      return enabled;
    }
    return trustPem != null
        || clientCertificate != null
        || clientKey != null
        || sniName != null
        || verification != null
        || !protocols.isEmpty()
        || !cipherSuites.isEmpty();
  }
}
