package io.sockpool.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Throwaway certificates for TLS tests, generated at run time (no private key is ever committed): a
 * CA, a server certificate for {@code localhost} and {@code 127.0.0.1} signed by it, a client
 * certificate for mutual TLS, and the variants a client must reject (expired, not yet valid, for
 * another host, signed by a CA nobody trusts). Each is written as PEM (certificate, and its key as
 * unencrypted PKCS#8) and as a PKCS#12 key store with the password {@link #PASSWORD}; the CA also
 * as a PKCS#12 trust store. Keys are EC P-256 (fast to make; every TLS 1.2/1.3 stack takes them).
 *
 * <pre>{@code
 * TestCertificates certs = TestCertificates.generate(tempDir);
 * SSLContext server = certs.serverContext(certs.server(), false);
 * TlsConfig tls = TlsConfig.builder().trustPem(certs.caPem()).build();
 * }</pre>
 */
public final class TestCertificates {
  /** The password of every PKCS#12 file written here (a test value, not a secret). */
  public static final String PASSWORD = "changeit";

  private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());
  private static final String SIGNATURE = "SHA256withECDSA";

  private final Path dir;
  private final Path caPem;
  private final Path trustStoreP12;
  private final X509Certificate caCert;
  private final Identity server;
  private final Identity client;
  private final Identity expiredServer;
  private final Identity notYetValidServer;
  private final Identity wrongHostServer;
  private final Identity untrustedServer;

  /**
   * A certificate with its key, written to files.
   *
   * @param name the file names' stem (e.g. {@code server})
   * @param certPem the certificate, PEM
   * @param keyPem its private key, unencrypted PKCS#8 PEM
   * @param p12 both in a PKCS#12 key store (alias {@code key}, password {@link #PASSWORD})
   */
  public record Identity(String name, Path certPem, Path keyPem, Path p12) {
    /**
     * @return the PKCS#12 key store, loaded
     * @throws IOException if it cannot be read
     * @throws GeneralSecurityException if it cannot be loaded
     */
    public KeyStore keyStore() throws IOException, GeneralSecurityException {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (var in = Files.newInputStream(p12)) {
        ks.load(in, PASSWORD.toCharArray());
      }
      return ks;
    }
  }

  private TestCertificates(Path dir) throws IOException, GeneralSecurityException {
    this.dir = dir;
    Instant now = Instant.now();
    KeyPair caKeys = keys();
    X500Name caName = new X500Name("CN=sockpool test CA " + SERIALS.get());
    caCert = sign(caName, caKeys, caName, caKeys.getPublic(), now, Duration.ofDays(2), true, null);
    caPem = writePem(dir.resolve("ca.pem"), caCert);
    trustStoreP12 = dir.resolve("trust.p12");
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", caCert);
    try (OutputStream out = Files.newOutputStream(trustStoreP12)) {
      trust.store(out, PASSWORD.toCharArray());
    }
    List<GeneralName> local =
        List.of(
            new GeneralName(GeneralName.dNSName, "localhost"),
            new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
    Instant validFrom = now.minus(Duration.ofHours(1));
    server = issue("server", caName, caKeys, validFrom, Duration.ofDays(1), local, false);
    client =
        issue(
            "client",
            caName,
            caKeys,
            validFrom,
            Duration.ofDays(1),
            List.of(new GeneralName(GeneralName.dNSName, "client.sockpool.test")),
            true);
    expiredServer =
        issue(
            "expired",
            caName,
            caKeys,
            now.minus(Duration.ofDays(3)),
            Duration.ofDays(1),
            local,
            false);
    notYetValidServer =
        issue(
            "not-yet-valid",
            caName,
            caKeys,
            now.plus(Duration.ofDays(1)),
            Duration.ofDays(1),
            local,
            false);
    wrongHostServer =
        issue(
            "wrong-host",
            caName,
            caKeys,
            validFrom,
            Duration.ofDays(1),
            List.of(new GeneralName(GeneralName.dNSName, "other.sockpool.test")),
            false);
    KeyPair otherCa = keys();
    X500Name otherName = new X500Name("CN=untrusted test CA");
    untrustedServer =
        issue("untrusted", otherName, otherCa, validFrom, Duration.ofDays(1), local, false);
  }

  /**
   * Generates everything into {@code dir} (e.g. a JUnit {@code @TempDir}).
   *
   * @param dir an existing, writable directory
   * @return the certificates and their files
   * @throws IllegalStateException if generating or writing failed
   */
  public static TestCertificates generate(Path dir) {
    try {
      return new TestCertificates(dir);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate test certificates in " + dir + ": " + e, e);
    }
  }

  /**
   * @return the directory the files are in
   */
  public Path dir() {
    return dir;
  }

  /**
   * @return the CA certificate, PEM: what a client trusts
   */
  public Path caPem() {
    return caPem;
  }

  /**
   * @return the CA certificate in a PKCS#12 trust store (password {@link #PASSWORD})
   */
  public Path trustStoreP12() {
    return trustStoreP12;
  }

  /**
   * @return the CA certificate
   */
  public X509Certificate caCertificate() {
    return caCert;
  }

  /**
   * @return the server certificate: {@code localhost} and {@code 127.0.0.1}, valid now
   */
  public Identity server() {
    return server;
  }

  /**
   * @return a client certificate for mutual TLS, signed by the CA
   */
  public Identity client() {
    return client;
  }

  /**
   * @return a server certificate for localhost that expired two days ago
   */
  public Identity expiredServer() {
    return expiredServer;
  }

  /**
   * @return a server certificate for localhost valid only from tomorrow
   */
  public Identity notYetValidServer() {
    return notYetValidServer;
  }

  /**
   * @return a server certificate valid now but for {@code other.sockpool.test} only
   */
  public Identity wrongHostServer() {
    return wrongHostServer;
  }

  /**
   * @return a server certificate for localhost signed by a CA that is not {@link #caPem()}
   */
  public Identity untrustedServer() {
    return untrustedServer;
  }

  /**
   * @return a trust store holding the CA
   */
  public KeyStore trustStore() {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setCertificateEntry("ca", caCert);
      return ks;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a trust store: " + e, e);
    }
  }

  /**
   * A server-side context for a test peer.
   *
   * @param identity the certificate the server presents
   * @param requireClientCertificate whether clients must present a certificate signed by the CA
   * @return the context
   */
  public SSLContext serverContext(Identity identity, boolean requireClientCertificate) {
    try {
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(identity.keyStore(), PASSWORD.toCharArray());
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trustStore());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          kmf.getKeyManagers(), requireClientCertificate ? tmf.getTrustManagers() : null, null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a server context: " + e, e);
    }
  }

  private Identity issue(
      String name,
      X500Name issuer,
      KeyPair issuerKeys,
      Instant from,
      Duration validity,
      List<GeneralName> names,
      boolean clientAuth)
      throws IOException, GeneralSecurityException {
    KeyPair keys = keys();
    X509Certificate cert =
        sign(
            issuer,
            issuerKeys,
            new X500Name("CN=" + name + ".sockpool.test"),
            keys.getPublic(),
            from,
            validity,
            false,
            new Usage(names, clientAuth));
    Path certPem = writePem(dir.resolve(name + ".pem"), cert);
    Path keyPem = dir.resolve(name + "-key.pem");
    Files.writeString(keyPem, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
    Path p12 = dir.resolve(name + ".p12");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    X509Certificate[] chain =
        caCert.getSubjectX500Principal().equals(cert.getIssuerX500Principal())
            ? chain(cert)
            : new X509Certificate[] {cert};
    ks.setKeyEntry("key", keys.getPrivate(), PASSWORD.toCharArray(), chain);
    try (OutputStream out = Files.newOutputStream(p12)) {
      ks.store(out, PASSWORD.toCharArray());
    }
    return new Identity(name, certPem, keyPem, p12);
  }

  private X509Certificate[] chain(X509Certificate leaf) {
    List<X509Certificate> chain = new ArrayList<>(List.of(leaf));
    chain.add(caCert);
    return chain.toArray(new X509Certificate[0]);
  }

  /** What a leaf certificate is for. */
  private record Usage(List<GeneralName> names, boolean clientAuth) {}

  private static X509Certificate sign(
      X500Name issuer,
      KeyPair issuerKeys,
      X500Name subject,
      java.security.PublicKey subjectKey,
      Instant from,
      Duration validity,
      boolean ca,
      Usage usage)
      throws GeneralSecurityException, IOException {
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            issuer,
            BigInteger.valueOf(SERIALS.incrementAndGet()),
            Date.from(from),
            Date.from(from.plus(validity)),
            subject,
            subjectKey);
    try {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      if (ca) {
        b.addExtension(
            Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        b.addExtension(
            Extension.keyUsage,
            true,
            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        b.addExtension(
            Extension.extendedKeyUsage,
            false,
            new ExtendedKeyUsage(
                usage.clientAuth()
                    ? KeyPurposeId.id_kp_clientAuth
                    : KeyPurposeId.id_kp_serverAuth));
        b.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(usage.names().toArray(new GeneralName[0])));
      }
      PrivateKey signer = issuerKeys.getPrivate();
      return new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder(SIGNATURE).build(signer)));
    } catch (CertIOException e) {
      throw new IOException(e);
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair keys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    return g.generateKeyPair();
  }

  private static Path writePem(Path file, X509Certificate cert)
      throws IOException, GeneralSecurityException {
    Files.writeString(file, pem("CERTIFICATE", cert.getEncoded()));
    return file;
  }

  private static String pem(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
