package io.sockpool;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * How a pool speaks TLS to an endpoint ({@link PoolConfig.Builder#tls(TlsConfig)}): the trust
 * material, an optional client certificate for mutual TLS, protocols and cipher suites, the SNI
 * name and how the server's certificate is checked. Immutable; built by {@link #builder()}, whose
 * {@link Builder#build()} reads every file once, so a missing or unreadable file, or a key that
 * does not belong to its certificate, fails there with a message naming the file.
 *
 * <p>The pool makes one {@link SSLContext} from this config ({@link #createContext()}) when it is
 * created and again at {@link SocketPool#reloadTls()}: files and suppliers are read again then (new
 * connections use the new material, open ones keep theirs until they retire). All connections of a
 * pool share the context, and engines are created with the peer's host and port, so reconnects
 * resume the TLS session.
 *
 * <p>{@link #toString()} names files and settings, never passwords or key bytes.
 */
public final class TlsConfig {
  private final Path trustPem;
  private final KeyStore trustStore;
  private final Supplier<SSLContext> sslContext;
  private final Path clientCertPem;
  private final Path clientKeyPem;
  private final KeyStore clientKeyStore;
  private final char[] clientKeyPassword;
  private final List<String> protocols;
  private final List<String> cipherSuites;
  private final String sniName;
  private final TlsVerification verification;

  private TlsConfig(Builder b) {
    trustPem = b.trustPem;
    trustStore = b.trustStore;
    sslContext = b.sslContext;
    clientCertPem = b.clientCertPem;
    clientKeyPem = b.clientKeyPem;
    clientKeyStore = b.clientKeyStore;
    clientKeyPassword = b.clientKeyPassword == null ? null : b.clientKeyPassword.clone();
    protocols = b.protocols;
    cipherSuites = b.cipherSuites;
    sniName = b.sniName;
    verification = b.verification;
  }

  /**
   * @return a builder: the JDK's default trust store, no client certificate, the JDK's default
   *     protocols and cipher suites, {@link TlsVerification#FULL}
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return the protocols enabled on each engine (e.g. {@code TLSv1.3}); empty: the JDK's defaults
   */
  public List<String> protocols() {
    return protocols;
  }

  /**
   * @return the cipher suites enabled on each engine; empty: the JDK's defaults
   */
  public List<String> cipherSuites() {
    return cipherSuites;
  }

  /**
   * @return the SNI name sent to every endpoint; empty: the endpoint's host name (none for an IP
   *     literal)
   */
  public Optional<String> sniName() {
    return Optional.ofNullable(sniName);
  }

  /**
   * @return how the server's certificate is checked
   */
  public TlsVerification verification() {
    return verification;
  }

  /**
   * @return whether a client certificate is configured (mutual TLS)
   */
  public boolean hasClientCertificate() {
    return clientCertPem != null || clientKeyStore != null;
  }

  /**
   * Makes the context from the material, reading every file (and calling the {@link
   * Builder#sslContext(Supplier) supplier}) again.
   *
   * @return a new context, initialised
   * @throws IOException if a file is missing, unreadable or malformed, or a key does not match its
   *     certificate (the message names the file)
   * @throws GeneralSecurityException if the JDK rejects the material
   */
  public SSLContext createContext() throws IOException, GeneralSecurityException {
    if (sslContext != null) {
      SSLContext given;
      try {
        given = sslContext.get();
      } catch (RuntimeException e) {
        throw new IOException("the SSLContext supplier failed: " + e, e);
      }
      if (given == null) {
        throw new IOException("the SSLContext supplier returned null");
      }
      return given;
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers(), trustManagers(), null);
    return context;
  }

  private KeyManager[] keyManagers() throws IOException, GeneralSecurityException {
    KeyStore store = clientKeyStore;
    char[] password = clientKeyPassword;
    if (clientCertPem != null) {
      List<X509Certificate> chain = PemFiles.certificates(clientCertPem, "client certificate");
      PrivateKey key = PemFiles.privateKey(clientKeyPem);
      PemFiles.checkPair(chain.get(0), key, clientCertPem, clientKeyPem);
      password = new char[0];
      store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("client", key, password, chain.toArray(new X509Certificate[0]));
    }
    if (store == null) {
      return null;
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    try {
      kmf.init(store, password);
    } catch (java.security.UnrecoverableKeyException e) {
      throw new IOException(
          "the client key store's key cannot be read with the given password: " + e.getMessage(),
          e);
    }
    return kmf.getKeyManagers();
  }

  private TrustManager[] trustManagers() throws IOException, GeneralSecurityException {
    if (verification == TlsVerification.INSECURE) {
      return new TrustManager[] {new TrustEverything()};
    }
    KeyStore store = trustStore;
    if (trustPem != null) {
      store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int i = 0;
      for (X509Certificate ca : PemFiles.certificates(trustPem, "trust file")) {
        store.setCertificateEntry("ca-" + i++, ca);
      }
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store); // null: the JDK's default trust store
    return tmf.getTrustManagers();
  }

  /**
   * @return the trust and client material and the settings; never a password or key
   */
  @Override
  public String toString() {
    String trust =
        verification == TlsVerification.INSECURE
            ? "none (INSECURE)"
            : sslContext != null
                ? "SSLContext supplier"
                : trustPem != null
                    ? trustPem.toString()
                    : trustStore != null ? "KeyStore" : "JDK default";
    String client =
        clientCertPem != null
            ? clientCertPem + " + " + clientKeyPem
            : clientKeyStore != null ? "KeyStore (password hidden)" : "none";
    return "TlsConfig{trust="
        + trust
        + ", clientCertificate="
        + client
        + ", verification="
        + verification
        + ", sniName="
        + (sniName == null ? "endpoint host" : sniName)
        + ", protocols="
        + (protocols.isEmpty() ? "JDK default" : protocols)
        + ", cipherSuites="
        + (cipherSuites.isEmpty() ? "JDK default" : cipherSuites)
        + "}";
  }

  /** Builds a {@link TlsConfig}; each setter checks its value at once. Not thread-safe. */
  public static final class Builder {
    private Path trustPem;
    private KeyStore trustStore;
    private Supplier<SSLContext> sslContext;
    private Path clientCertPem;
    private Path clientKeyPem;
    private KeyStore clientKeyStore;
    private char[] clientKeyPassword;
    private List<String> protocols = List.of();
    private List<String> cipherSuites = List.of();
    private String sniName;
    private TlsVerification verification = TlsVerification.FULL;

    private Builder() {}

    /**
     * @param pemFile a PEM file with the CA certificate(s) to trust (instead of the JDK's default
     *     trust store); read at {@link #build()} and at every reload
     * @return this builder
     */
    public Builder trustPem(Path pemFile) {
      this.trustPem = notNull(pemFile, "pemFile must not be null");
      return this;
    }

    /**
     * @param store the certificates to trust (instead of the JDK's default trust store); read again
     *     at every reload, so certificates added to it are trusted by the connections made after
     * @return this builder
     */
    public Builder trustStore(KeyStore store) {
      this.trustStore = notNull(store, "store must not be null");
      return this;
    }

    /**
     * @param context the whole context (trust, keys, everything); trust and client material set on
     *     this builder are then not allowed
     * @return this builder
     */
    public Builder sslContext(SSLContext context) {
      notNull(context, "context must not be null");
      this.sslContext = () -> context;
      return this;
    }

    /**
     * @param supplier called at pool creation and at every {@link SocketPool#reloadTls()} for the
     *     context to use from then on (rotated material); must not return null
     * @return this builder
     */
    public Builder sslContext(Supplier<SSLContext> supplier) {
      this.sslContext = notNull(supplier, "supplier must not be null");
      return this;
    }

    /**
     * Mutual TLS from PEM files.
     *
     * @param certificatePem the client certificate (and its chain), PEM
     * @param keyPem its private key, unencrypted PEM: PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}),
     *     PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}) or SEC1 EC ({@code BEGIN EC PRIVATE KEY})
     * @return this builder
     */
    public Builder clientCertificate(Path certificatePem, Path keyPem) {
      this.clientCertPem = notNull(certificatePem, "certificatePem must not be null");
      this.clientKeyPem = notNull(keyPem, "keyPem must not be null");
      this.clientKeyStore = null;
      return this;
    }

    /**
     * Mutual TLS from a key store.
     *
     * @param store holds the client's key and certificate chain
     * @param password the key's password; copied (clear your array after), never shown
     * @return this builder
     */
    public Builder clientKeyStore(KeyStore store, char[] password) {
      this.clientKeyStore = notNull(store, "store must not be null");
      this.clientKeyPassword = notNull(password, "password must not be null").clone();
      this.clientCertPem = null;
      this.clientKeyPem = null;
      return this;
    }

    /**
     * @param names the protocols to enable (e.g. {@code TLSv1.3}, {@code TLSv1.2}); none: the JDK's
     *     defaults. Checked against what the JDK supports at {@link #build()}
     * @return this builder
     */
    public Builder protocols(String... names) {
      this.protocols = names(names, "protocols");
      return this;
    }

    /**
     * @param names the cipher suites to enable; none: the JDK's defaults. Checked against what the
     *     JDK supports at {@link #build()}
     * @return this builder
     */
    public Builder cipherSuites(String... names) {
      this.cipherSuites = names(names, "cipherSuites");
      return this;
    }

    /**
     * @param name the server name sent in the TLS SNI extension to every endpoint using this
     *     config, and accepted as the certificate's name under {@link TlsVerification#FULL};
     *     default: the endpoint's host name (no SNI for an IP literal)
     * @return this builder
     */
    public Builder sniName(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException(
            "sniName must be a host name, but was " + (name == null ? "null" : "'" + name + "'"));
      }
      try {
        new javax.net.ssl.SNIHostName(name);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "sniName must be a host name, but '" + name + "' is not: " + e.getMessage(), e);
      }
      this.sniName = name;
      return this;
    }

    /**
     * @param mode how the server's certificate is checked; default {@link TlsVerification#FULL}
     * @return this builder
     */
    public Builder verification(TlsVerification mode) {
      this.verification = notNull(mode, "mode must not be null");
      return this;
    }

    /**
     * Checks the settings against each other and reads the material once.
     *
     * @return the config
     * @throws IllegalArgumentException if settings contradict each other, a file is missing,
     *     unreadable or malformed, a client key does not match its certificate, or a protocol or
     *     cipher suite is not supported (each message names the file or value)
     */
    public TlsConfig build() {
      boolean ownMaterial =
          trustPem != null || trustStore != null || clientCertPem != null || clientKeyStore != null;
      if (sslContext != null && ownMaterial) {
        throw new IllegalArgumentException(
            "sslContext holds the whole TLS material: do not also set trustPem, trustStore,"
                + " clientCertificate or clientKeyStore");
      }
      if (sslContext != null && verification == TlsVerification.INSECURE) {
        throw new IllegalArgumentException(
            "verification INSECURE replaces the trust check, which a given sslContext fixes: use"
                + " FULL or CA_ONLY with an sslContext, or INSECURE without one");
      }
      if (trustPem != null && trustStore != null) {
        throw new IllegalArgumentException("set one of trustPem and trustStore, not both");
      }
      if (verification == TlsVerification.INSECURE && (trustPem != null || trustStore != null)) {
        throw new IllegalArgumentException(
            "verification INSECURE trusts any certificate, so trust material would be ignored:"
                + " use CA_ONLY to check the chain without the host name");
      }
      TlsConfig config = new TlsConfig(this);
      SSLContext context;
      try {
        context = config.createContext();
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalArgumentException("TLS config: " + e.getMessage(), e);
      }
      var supported = context.getSupportedSSLParameters();
      check("protocol", protocols, supported.getProtocols());
      check("cipher suite", cipherSuites, supported.getCipherSuites());
      return config;
    }

    private static void check(String what, List<String> asked, String[] supported) {
      List<String> known = Arrays.asList(supported);
      for (String name : asked) {
        if (!known.contains(name)) {
          throw new IllegalArgumentException(
              what + " '" + name + "' is not supported by this JDK; supported: " + known);
        }
      }
    }

    /** A null argument is an {@link IllegalArgumentException} naming the parameter. */
    private static <T> T notNull(T value, String message) {
      if (value == null) {
        throw new IllegalArgumentException(message);
      }
      return value;
    }

    private static List<String> names(String[] names, String field) {
      notNull(names, "names must not be null");
      for (String n : names) {
        if (n == null || n.isBlank()) {
          throw new IllegalArgumentException(
              field + " must not contain a blank name, but was " + Arrays.toString(names));
        }
      }
      return List.of(names);
    }
  }
}
