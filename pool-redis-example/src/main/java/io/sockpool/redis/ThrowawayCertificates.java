package io.sockpool.redis;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway CA with a server and a client certificate, written as PEM files into a fresh private
 * directory (mode 0700, keys 0600) and deleted by {@link #close()}: what {@code ping --tls} gives
 * its embedded redis-server, and what the TLS tests and benchmarks use. Keys are EC P-256
 * (generated in milliseconds). Nothing here is meant to protect anything beyond one run.
 *
 * <p>The server certificate lists the names given as subject alternative names (DNS names, or IP
 * addresses for IP literals); the client certificate is for client authentication (mutual TLS).
 */
public final class ThrowawayCertificates implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;
  private final X509Certificate ca;

  private ThrowawayCertificates(Path dir, X509Certificate ca) {
    this.dir = dir;
    this.ca = ca;
  }

  /**
   * Creates a CA and its certificates valid from an hour ago for a day.
   *
   * @param serverNames the server's names: DNS names and IP literals (e.g. {@code localhost},
   *     {@code 127.0.0.1})
   * @return the files
   * @throws IOException if the files could not be written
   */
  public static ThrowawayCertificates create(List<String> serverNames) throws IOException {
    Instant now = Instant.now();
    return create(serverNames, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
  }

  /**
   * Creates a CA and its certificates, the server and client certificates valid in the window given
   * (a past window makes an expired certificate).
   *
   * @param serverNames the server's names: DNS names and IP literals
   * @param notBefore start of the server and client certificates' validity
   * @param notAfter end of their validity
   * @return the files
   * @throws IOException if the files could not be written
   * @throws IllegalArgumentException if no server name is given or the window is empty
   */
  public static ThrowawayCertificates create(
      List<String> serverNames, Instant notBefore, Instant notAfter) throws IOException {
    if (serverNames.isEmpty()) {
      throw new IllegalArgumentException("serverNames must name at least one host, but was empty");
    }
    if (!notAfter.isAfter(notBefore)) {
      throw new IllegalArgumentException(
          "notAfter must be after notBefore, but was " + notAfter + " <= " + notBefore);
    }
    Path dir = Files.createTempDirectory("sockpool-tls-");
    // if the JVM exits without close() (Ctrl-C): files first, then the directory (reverse order)
    dir.toFile().deleteOnExit();
    try {
      Instant now = Instant.now();
      KeyPair caKeys = keyPair();
      X500Name caName = new X500Name("CN=sockpool throwaway CA " + now.toEpochMilli());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder caBuilder =
          new JcaX509v3CertificateBuilder(
                  caName,
                  serial(),
                  Date.from(now.minus(Duration.ofDays(1))),
                  Date.from(now.plus(Duration.ofDays(2))),
                  caName,
                  caKeys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  ext.createSubjectKeyIdentifier(caKeys.getPublic()));
      X509Certificate ca = sign(caBuilder, caKeys);
      write(dir.resolve("ca.pem"), ca, false);

      List<GeneralName> sans = new ArrayList<>();
      for (String n : serverNames) {
        boolean ip =
            n.indexOf(':') >= 0 || n.chars().allMatch(c -> Character.isDigit(c) || c == '.');
        sans.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, n));
      }
      leaf(dir, "server", serverNames.get(0), ca, caKeys, notBefore, notAfter, sans, true);
      leaf(dir, "client", "sockpool client", ca, caKeys, notBefore, notAfter, List.of(), false);
      return new ThrowawayCertificates(dir, ca);
    } catch (GeneralSecurityException | OperatorCreationException | RuntimeException e) {
      deleteTree(dir);
      throw new IOException("cannot create throwaway certificates: " + e, e);
    } catch (IOException e) {
      deleteTree(dir);
      throw e;
    }
  }

  private static void leaf(
      Path dir,
      String name,
      String commonName,
      X509Certificate ca,
      KeyPair caKeys,
      Instant notBefore,
      Instant notAfter,
      List<GeneralName> sans,
      boolean server)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    KeyPair keys = keyPair();
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
                ca,
                serial(),
                Date.from(notBefore),
                Date.from(notAfter),
                new X500Name("CN=" + commonName.replace(",", "\\,")),
                keys.getPublic())
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
            .addExtension(
                Extension.keyUsage,
                true,
                new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
            .addExtension(
                Extension.extendedKeyUsage,
                false,
                new ExtendedKeyUsage(
                    server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth))
            .addExtension(
                Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca))
            .addExtension(
                Extension.subjectKeyIdentifier,
                false,
                ext.createSubjectKeyIdentifier(keys.getPublic()));
    if (!sans.isEmpty()) {
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(sans.toArray(new GeneralName[0])));
    }
    X509Certificate cert = sign(b, caKeys);
    write(dir.resolve(name + ".pem"), cert, false);
    write(dir.resolve(name + ".key"), keys.getPrivate(), true);
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(64, RANDOM).add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(
            b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
  }

  private static void write(Path file, Object pemObject, boolean secret) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(text)) {
      w.writeObject(
          pemObject instanceof java.security.PrivateKey k
              ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null)
              : pemObject);
    }
    Files.createFile(file);
    file.toFile().deleteOnExit();
    if (secret && file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
    Files.writeString(file, text.toString(), StandardCharsets.US_ASCII);
  }

  /** Returns the directory holding the files (deleted by {@link #close()}). */
  public Path directory() {
    return dir;
  }

  /** Returns the CA certificate (PEM), what a client trusts ({@code --cacert}). */
  public Path caCert() {
    return dir.resolve("ca.pem");
  }

  /** Returns the CA certificate itself. */
  public X509Certificate caCertificate() {
    return ca;
  }

  /** Returns the server certificate (PEM; {@code tls-cert-file}). */
  public Path serverCert() {
    return dir.resolve("server.pem");
  }

  /** Returns the server's private key (PKCS#8 PEM; {@code tls-key-file}). */
  public Path serverKey() {
    return dir.resolve("server.key");
  }

  /** Returns the client certificate (PEM; {@code --cert}), for mutual TLS. */
  public Path clientCert() {
    return dir.resolve("client.pem");
  }

  /** Returns the client's private key (PKCS#8 PEM; {@code --key}). */
  public Path clientKey() {
    return dir.resolve("client.key");
  }

  /** Deletes the files and the directory. Idempotent. */
  @Override
  public void close() {
    deleteTree(dir);
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  @Override
  public String toString() {
    return "ThrowawayCertificates{" + dir + ", CA " + ca.getSubjectX500Principal() + "}";
  }
}
