package io.sockpool;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Reads PEM files the way {@link TlsConfig} does, for code that builds its own {@code SSLContext}
 * from the same files (the Redis demo's side connections): X.509 certificates, and unencrypted
 * private keys in PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}), PKCS#1 RSA ({@code BEGIN RSA
 * PRIVATE KEY}) or SEC1 EC ({@code BEGIN EC PRIVATE KEY}) form. Needs nothing but the JDK. Messages
 * name the file and what was wrong, never a key's bytes.
 */
public final class Pem {
  private Pem() {}

  /**
   * Reads the certificates of a PEM file.
   *
   * @param file a PEM file with one or more certificates
   * @param what what the file is for, for messages (e.g. "CA certificate")
   * @return the certificates, in file order; never empty
   * @throws IllegalArgumentException if the file is missing, unreadable or holds no certificate
   */
  public static List<X509Certificate> certificates(Path file, String what) {
    try {
      return PemFiles.certificates(file, what);
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * Reads an unencrypted private key.
   *
   * @param file a PEM file with a PKCS#8, PKCS#1 RSA or SEC1 EC private key
   * @return the key (RSA, EC, Ed25519 or Ed448)
   * @throws IllegalArgumentException if the file is missing or unreadable, the key is encrypted
   *     (the message says how to decrypt it), or it is none of the accepted forms
   */
  public static PrivateKey privateKey(Path file) {
    try {
      return PemFiles.privateKey(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * Checks that a private key belongs to a certificate (signs random bytes with the key and
   * verifies them with the certificate's public key).
   *
   * @param certificate the certificate
   * @param key the private key
   * @param certFile the certificate's file, for the message
   * @param keyFile the key's file, for the message
   * @throws IllegalArgumentException naming both files if they do not belong together
   */
  public static void checkPair(
      X509Certificate certificate, PrivateKey key, Path certFile, Path keyFile) {
    try {
      PemFiles.checkPair(certificate, key, certFile, keyFile);
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
