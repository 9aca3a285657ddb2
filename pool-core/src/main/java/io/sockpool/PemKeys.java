package io.sockpool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The private key forms of a PEM file that {@link PemFiles} reads, each turned into PKCS#8 DER for
 * the JDK's {@code KeyFactory}: PKCS#8 ({@code BEGIN PRIVATE KEY}) as it is, PKCS#1 RSA ({@code
 * BEGIN RSA PRIVATE KEY}) and SEC1 EC ({@code BEGIN EC PRIVATE KEY}, with its named curve) wrapped
 * in a PKCS#8 envelope. Encrypted keys are refused with a message saying how to decrypt them.
 * Messages never show the key's bytes.
 */
final class PemKeys {
  /** The forms accepted, named in every refusal. */
  static final String FORMS =
      "unencrypted PKCS#8 (BEGIN PRIVATE KEY), PKCS#1 RSA (BEGIN RSA PRIVATE KEY) or SEC1 EC"
          + " (BEGIN EC PRIVATE KEY)";

  private static final List<String> LABELS =
      List.of("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY");

  /** rsaEncryption, 1.2.840.113549.1.1.1, with NULL parameters. */
  private static final byte[] RSA_ALGORITHM = {
    0x30,
    0x0d,
    0x06,
    0x09,
    0x2a,
    (byte) 0x86,
    0x48,
    (byte) 0x86,
    (byte) 0xf7,
    0x0d,
    0x01,
    0x01,
    0x01,
    0x05,
    0x00
  };

  /** id-ecPublicKey, 1.2.840.10045.2.1, DER of the OID alone. */
  private static final byte[] EC_PUBLIC_KEY_OID = {
    0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01
  };

  private PemKeys() {}

  /**
   * @param text the PEM file's text
   * @param file the file, for messages
   * @return the key as PKCS#8 DER
   * @throws IOException naming the file and what is wrong: no key block, an encrypted key, bad
   *     base64, a SEC1 key without a named curve
   */
  static byte[] pkcs8(String text, Path file) throws IOException {
    if (text.contains("BEGIN ENCRYPTED PRIVATE KEY") || text.contains("Proc-Type: 4,ENCRYPTED")) {
      throw new IOException(
          "client key "
              + file
              + " is encrypted, which is not supported: decrypt it with 'openssl pkcs8 -topk8"
              + " -nocrypt -in KEY -out KEY.pk8' (keep the result readable only by its user), or"
              + " use clientKeyStore(KeyStore, password); allowed: "
              + FORMS);
    }
    for (String label : LABELS) {
      String begin = "-----BEGIN " + label + "-----";
      String end = "-----END " + label + "-----";
      int b = text.indexOf(begin);
      int e = b < 0 ? -1 : text.indexOf(end, b);
      if (b < 0 || e < 0) {
        continue;
      }
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
      } catch (IllegalArgumentException x) {
        throw new IOException("client key " + file + " has invalid base64 in its " + label, x);
      }
      return switch (label) {
        case "RSA PRIVATE KEY" -> envelope(RSA_ALGORITHM, der);
        case "EC PRIVATE KEY" -> envelope(ecAlgorithm(der, file), der);
        default -> der;
      };
    }
    throw new IOException("client key " + file + " holds no PEM private key; allowed: " + FORMS);
  }

  /** PrivateKeyInfo ::= SEQUENCE { INTEGER 0, AlgorithmIdentifier, OCTET STRING key }. */
  private static byte[] envelope(byte[] algorithm, byte[] key) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(algorithm);
    body.writeBytes(tlv(0x04, key));
    return tlv(0x30, body.toByteArray());
  }

  /**
   * The AlgorithmIdentifier of a SEC1 key: id-ecPublicKey with the named curve from the key's
   * {@code [0] parameters}. ECPrivateKey ::= SEQUENCE { INTEGER 1, OCTET STRING, [0] OID, [1] BIT
   * STRING }.
   */
  private static byte[] ecAlgorithm(byte[] sec1, Path file) throws IOException {
    try {
      int[] seq = header(sec1, 0, 0x30);
      int at = seq[0];
      int end = seq[0] + seq[1];
      while (at < end) {
        int tag = sec1[at] & 0xff;
        int[] element = header(sec1, at, tag);
        if (tag == 0xa0) {
          byte[] oid = Arrays.copyOfRange(sec1, element[0], element[0] + element[1]);
          if ((oid[0] & 0xff) != 0x06) {
            break; // explicit curve parameters, not a named curve
          }
          ByteArrayOutputStream a = new ByteArrayOutputStream();
          a.writeBytes(EC_PUBLIC_KEY_OID);
          a.writeBytes(oid);
          return tlv(0x30, a.toByteArray());
        }
        at = element[0] + element[1];
      }
    } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
      throw new IOException("client key " + file + " is not a well-formed SEC1 EC key", e);
    }
    throw new IOException(
        "client key "
            + file
            + " is a SEC1 EC key without a named curve; convert it with 'openssl pkcs8 -topk8"
            + " -nocrypt'");
  }

  /**
   * @return {offset of the content, content length} of the element at {@code at}
   * @throws IllegalArgumentException if the tag is not {@code tag} or the length is malformed
   */
  private static int[] header(byte[] der, int at, int tag) {
    if ((der[at] & 0xff) != tag) {
      throw new IllegalArgumentException("tag " + (der[at] & 0xff) + ", expected " + tag);
    }
    int first = der[at + 1] & 0xff;
    if (first < 0x80) {
      return new int[] {at + 2, first};
    }
    int bytes = first & 0x7f;
    if (bytes < 1 || bytes > 3) {
      throw new IllegalArgumentException("length of " + bytes + " bytes");
    }
    int length = 0;
    for (int i = 0; i < bytes; i++) {
      length = (length << 8) | (der[at + 2 + i] & 0xff);
    }
    return new int[] {at + 2 + bytes, length};
  }

  private static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else if (n < 0x10000) {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n);
    } else {
      out.write(0x83);
      out.write(n >> 16);
      out.write(n >> 8);
      out.write(n);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }
}
