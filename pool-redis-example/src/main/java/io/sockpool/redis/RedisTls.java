package io.sockpool.redis;

import io.sockpool.Endpoint;
import io.sockpool.Pem;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of TLS to Redis for blocking sockets (the demo's side connection, the benchmarks'
 * Jedis and connect-per-request clients), from the files {@code redis-cli} takes: the CA
 * certificates to trust ({@code --cacert}; none: the JDK's trust store), an optional client
 * certificate and key for mutual TLS ({@code --cert}, {@code --key}; the key in PKCS#8, PKCS#1 or
 * SEC1 PEM, read by {@link Pem}), an optional SNI name ({@code --sni}), and {@code --insecure}.
 *
 * <p>Verification by default is full: the chain up to a trusted CA and the host name (the SNI name
 * if given, else the address's host) against the certificate's subject alternative names. {@code
 * insecure} skips both and logs a WARN once per instance. One {@link SSLContext} per instance, so
 * reconnects to the same host and port can resume the session. Immutable and thread-safe.
 */
public final class RedisTls {
  private static final Logger LOG = LoggerFactory.getLogger(RedisTls.class);

  private final SSLContext context;
  private final Optional<String> sni;
  private final boolean insecure;
  private final boolean clientCertificate;
  private final RedisTlsManagers.ClientKeys keys; // null for a context made elsewhere
  private final AtomicBoolean warned = new AtomicBoolean();

  private RedisTls(
      SSLContext context,
      Optional<String> sni,
      boolean insecure,
      boolean clientCertificate,
      RedisTlsManagers.ClientKeys keys) {
    this.context = context;
    this.sni = sni;
    this.insecure = insecure;
    this.clientCertificate = clientCertificate;
    this.keys = keys;
  }

  /**
   * Builds the TLS settings from PEM files.
   *
   * @param caCert the CA certificates to trust; empty: the JDK's default trust store
   * @param cert the client certificate chain, for mutual TLS; with {@code key}
   * @param key the client certificate's private key; with {@code cert}
   * @param sni the server name to send and verify; empty: the host of the address
   * @param insecure skip certificate verification
   * @return the settings
   * @throws IllegalArgumentException naming the file and what is wrong with it (missing, no
   *     certificate or key in it, a key that does not match its certificate), or if only one of
   *     {@code cert} and {@code key} is given
   */
  public static RedisTls fromPem(
      Optional<Path> caCert,
      Optional<Path> cert,
      Optional<Path> key,
      Optional<String> sni,
      boolean insecure) {
    Objects.requireNonNull(sni, "sni");
    if (cert.isPresent() != key.isPresent()) {
      throw new IllegalArgumentException(
          "a client certificate and its key go together, but only the "
              + (cert.isPresent() ? "certificate" : "key")
              + " was given");
    }
    try {
      TrustManager[] trust =
          insecure
              ? new TrustManager[] {new RedisTlsManagers.TrustAll()}
              : trustManagers(caCert.orElse(null));
      RedisTlsManagers.ClientKeys keys =
          new RedisTlsManagers.ClientKeys(
              cert.isPresent() ? keyManager(cert.get(), key.get()) : null);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new javax.net.ssl.KeyManager[] {keys}, trust, null);
      return new RedisTls(context, sni, insecure, cert.isPresent(), keys);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("TLS settings could not be built: " + e.getMessage(), e);
    }
  }

  /**
   * Settings with an {@link SSLContext} made elsewhere (full verification).
   *
   * @param context the context
   * @param sni the server name to send and verify; empty: the host of the address
   * @param clientCertificate whether the context holds a client certificate (for messages)
   * @return the settings
   */
  public static RedisTls of(SSLContext context, Optional<String> sni, boolean clientCertificate) {
    return new RedisTls(
        Objects.requireNonNull(context, "context"), sni, false, clientCertificate, null);
  }

  private static TrustManager[] trustManagers(Path caCert) throws GeneralSecurityException {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    if (caCert == null) {
      tmf.init((KeyStore) null);
      return tmf.getTrustManagers();
    }
    List<X509Certificate> cas = Pem.certificates(caCert, "CA certificate");
    KeyStore store = emptyStore();
    for (int i = 0; i < cas.size(); i++) {
      store.setCertificateEntry("ca-" + i, cas.get(i));
    }
    tmf.init(store);
    return tmf.getTrustManagers();
  }

  private static X509KeyManager keyManager(Path cert, Path key) throws GeneralSecurityException {
    List<X509Certificate> chain = Pem.certificates(cert, "client certificate");
    PrivateKey privateKey = Pem.privateKey(key);
    try {
      Pem.checkPair(chain.get(0), privateKey, cert, key);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the private key in " + key + " does not match the client certificate in " + cert, e);
    }
    KeyStore store = emptyStore();
    char[] password = new char[0];
    store.setKeyEntry("client", privateKey, password, chain.toArray(new Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, password);
    return (X509KeyManager) kmf.getKeyManagers()[0];
  }

  private static KeyStore emptyStore() throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException("cannot create an empty key store", e);
    }
    return store;
  }

  /** Returns the context (one per instance: sessions resume across its connections). */
  public SSLContext context() {
    return context;
  }

  /** Returns the SNI name given, if any. */
  public Optional<String> sni() {
    return sni;
  }

  /** Returns whether a client certificate is configured (mutual TLS). */
  public boolean hasClientCertificate() {
    return clientCertificate;
  }

  /**
   * Returns whether the server asked this socket's handshake for a client certificate (mutual TLS).
   * With TLS 1.3 a server that requires one and gets none closes the connection after the
   * handshake, so the first request fails with a reset: this tells why.
   *
   * @param socket a socket from {@link #handshake}
   * @return whether a CertificateRequest came; false if unknown (a context made elsewhere)
   */
  public boolean clientCertificateRequested(Socket socket) {
    return keys != null && keys.requested(socket);
  }

  /** Returns whether certificate verification is off. */
  public boolean insecure() {
    return insecure;
  }

  /**
   * Returns a socket factory whose sockets verify as configured, for libraries that take one
   * (Jedis). Host name verification and SNI use the host the library connects to.
   */
  public SSLSocketFactory socketFactory() {
    warnIfInsecure();
    return context.getSocketFactory();
  }

  /**
   * Returns the parameters for a connection to {@code endpoint}: SNI (the {@link #sni()} name, else
   * the host unless it is an IP literal) and, unless insecure, host name verification.
   *
   * @param endpoint the server
   * @return fresh parameters
   */
  public SSLParameters parameters(Endpoint endpoint) {
    SSLParameters p = context.getDefaultSSLParameters();
    String name = sni.orElse(endpoint.ipLiteral().isPresent() ? null : endpoint.host());
    if (name != null) {
      p.setServerNames(List.of(new SNIHostName(name)));
    }
    if (!insecure) {
      p.setEndpointIdentificationAlgorithm("HTTPS");
    }
    return p;
  }

  /**
   * Layers TLS over a connected socket and completes the handshake (within the socket's read
   * timeout).
   *
   * @param socket connected, with TCP_NODELAY set before this call (the handshake's small writes
   *     meet delayed ACKs otherwise)
   * @param endpoint the server it is connected to
   * @return the TLS socket, handshake done; it closes {@code socket} when closed
   * @throws IOException if the handshake failed; {@link TlsFailure#describe} words it for users
   */
  public SSLSocket handshake(Socket socket, Endpoint endpoint) throws IOException {
    warnIfInsecure();
    String peer = sni.orElse(endpoint.host());
    SSLSocket tls =
        (SSLSocket) context.getSocketFactory().createSocket(socket, peer, endpoint.port(), true);
    tls.setSSLParameters(parameters(endpoint));
    tls.setUseClientMode(true);
    tls.startHandshake();
    return tls;
  }

  /**
   * Returns an engine for a connection to {@code endpoint}, created with host and port (so a
   * reconnect can resume the session), with {@link #parameters}.
   *
   * @param endpoint the server
   * @return a client-mode engine
   */
  public SSLEngine engine(Endpoint endpoint) {
    warnIfInsecure();
    SSLEngine e = context.createSSLEngine(sni.orElse(endpoint.host()), endpoint.port());
    e.setUseClientMode(true);
    e.setSSLParameters(parameters(endpoint));
    return e;
  }

  private void warnIfInsecure() {
    if (insecure && warned.compareAndSet(false, true)) {
      LOG.warn(
          "TLS certificate verification is off (--insecure): the connection is encrypted, but"
              + " the server is not authenticated");
    }
  }

  @Override
  public String toString() {
    return "RedisTls{sni=" + sni.orElse("(the host)") + (insecure ? ", insecure" : "") + "}";
  }
}
