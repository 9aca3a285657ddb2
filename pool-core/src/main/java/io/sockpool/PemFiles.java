package io.sockpool;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads PEM files for {@link TlsConfig}: X.509 certificates and unencrypted private keys (PKCS#8,
 * PKCS#1 RSA, SEC1 EC; see {@link PemKeys}). Every failure names the file and what was wrong with
 * it.
 */
final class PemFiles {
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

  private PemFiles() {}

  /**
   * @param file a PEM file with one or more certificates
   * @param what what the file is for, for messages ("trust file", "client certificate")
   * @return the certificates, in file order; never empty
   * @throws IOException if the file is missing, unreadable or holds no certificate
   */
  static List<X509Certificate> certificates(Path file, String what) throws IOException {
    byte[] bytes = read(file, what);
    List<X509Certificate> out = new ArrayList<>();
    try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        out.add((X509Certificate) c);
      }
    } catch (CertificateException e) {
      throw new IOException(
          what + " " + file + " holds no readable PEM certificate: " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new IOException(
          what + " " + file + " holds no certificate (expected '-----BEGIN CERTIFICATE-----')");
    }
    return out;
  }

  /**
   * @param file a PEM file with an unencrypted private key: PKCS#8 ({@code -----BEGIN PRIVATE
   *     KEY-----}), PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}) or SEC1 EC ({@code BEGIN EC PRIVATE
   *     KEY})
   * @return the key (RSA, EC, Ed25519 or Ed448)
   * @throws IOException if the file is missing, unreadable, encrypted, or not such a key
   */
  static PrivateKey privateKey(Path file) throws IOException {
    String text = new String(read(file, "client key"), StandardCharsets.US_ASCII);
    byte[] der = PemKeys.pkcs8(text, file);
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
        // try the next algorithm
      }
    }
    throw new IOException(
        "client key "
            + file
            + " holds a key that none of "
            + KEY_ALGORITHMS
            + " can read (a corrupt file, or another algorithm); allowed: "
            + PemKeys.FORMS);
  }

  /**
   * Checks that {@code key} is the private key of {@code certificate}: signs random bytes with it
   * and verifies them with the certificate's public key.
   *
   * @throws IOException naming both files if they do not belong together
   */
  static void checkPair(X509Certificate certificate, PrivateKey key, Path certFile, Path keyFile)
      throws IOException {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> key.getAlgorithm(); // Ed25519, Ed448
        };
    byte[] data = new byte[32];
    new SecureRandom().nextBytes(data);
    boolean matches;
    try {
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(data);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(certificate.getPublicKey());
      verify.update(data);
      matches = verify.verify(signature);
    } catch (GeneralSecurityException e) {
      matches = false; // e.g. an RSA key for an EC certificate
    }
    if (!matches) {
      throw new IOException(
          "client key "
              + keyFile
              + " does not match the certificate in "
              + certFile
              + " (subject "
              + certificate.getSubjectX500Principal().getName()
              + ", "
              + certificate.getPublicKey().getAlgorithm()
              + " key)");
    }
  }

  private static byte[] read(Path file, String what) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IOException(what + " " + file + " does not exist", e);
    } catch (IOException e) {
      throw new IOException(what + " " + file + " cannot be read: " + e, e);
    }
  }
}
