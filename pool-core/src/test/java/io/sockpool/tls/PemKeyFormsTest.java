package io.sockpool.tls;

import static io.sockpool.tls.TlsConnectionTest.endpoint;
import static io.sockpool.tls.TlsConnectionTest.ping;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.Pem;
import io.sockpool.PoolConfig;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.TlsConfig;
import io.sockpool.testkit.FakePeer;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemObjectGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The private key forms {@link TlsConfig} and {@link Pem} read without any library: PKCS#8, PKCS#1
 * RSA and SEC1 EC (made here by Bouncy Castle as openssl writes them), and the clear refusal of
 * encrypted keys.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PemKeyFormsTest extends TlsPeerTest {
  private static final char[] PASSPHRASE = "a passphrase".toCharArray();

  /** The OpenSSL key derivations of encrypted PEM keys are Bouncy Castle's, not the JDK's. */
  private static final Provider BC = new BouncyCastleProvider();

  private static Path write(String name, Object pem) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(text)) {
      if (pem instanceof PemObjectGenerator g) {
        w.writeObject(g);
      } else {
        w.writeObject(pem);
      }
    }
    return Files.writeString(dir.resolve(name), text.toString());
  }

  /** The test client's EC key as SEC1 ({@code BEGIN EC PRIVATE KEY}), with or without its curve. */
  private static Path sec1(String name, boolean withCurve) throws IOException {
    PrivateKeyInfo info =
        PrivateKeyInfo.getInstance(Pem.privateKey(certs.client().keyPem()).getEncoded());
    ASN1Encodable curve = info.getPrivateKeyAlgorithm().getParameters();
    BigInteger s = ((ECPrivateKey) Pem.privateKey(certs.client().keyPem())).getS();
    org.bouncycastle.asn1.sec.ECPrivateKey sec1 =
        new org.bouncycastle.asn1.sec.ECPrivateKey(256, s, withCurve ? curve : null);
    return write(name, new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
  }

  private static PrivateKey rsaKey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair().getPrivate();
  }

  @Test
  void aPkcs1RsaKeyIsReadAsTheSameKey() throws Exception {
    RSAPrivateKey key = (RSAPrivateKey) rsaKey();
    Path file = write("rsa-pkcs1.key", key); // a bare key: BEGIN RSA PRIVATE KEY
    assertTrue(Files.readString(file).startsWith("-----BEGIN RSA PRIVATE KEY-----"));

    RSAPrivateKey read = (RSAPrivateKey) Pem.privateKey(file);

    assertEquals(key.getModulus(), read.getModulus());
    assertEquals(key.getPrivateExponent(), read.getPrivateExponent());
  }

  @Test
  void aSec1EcKeyWorksForMutualTls() throws Exception {
    Path file = sec1("client-sec1.key", true);
    assertTrue(Files.readString(file).startsWith("-----BEGIN EC PRIVATE KEY-----"));
    assertEquals(
        ((ECPrivateKey) Pem.privateKey(certs.client().keyPem())).getS(),
        ((ECPrivateKey) Pem.privateKey(file)).getS());

    peer = FakePeer.tls(certs.serverContext(certs.server(), true), true);
    pool =
        SocketPool.create(
            PoolConfig.builder()
                .tls(
                    TlsConfig.builder()
                        .trustPem(certs.caPem())
                        .clientCertificate(certs.client().certPem(), file)
                        .build())
                .checkoutTimeout(Duration.ofSeconds(20))
                .connectTimeout(Duration.ofSeconds(20))
                .build());
    try (PooledConnection c = pool.checkout(endpoint(peer))) {
      assertEquals("+PONG\r\n", ping(c));
    }
  }

  @Test
  void aSec1KeyWithoutANamedCurveSaysHowToConvertIt() throws Exception {
    Path file = sec1("no-curve.key", false);
    String m =
        assertThrows(IllegalArgumentException.class, () -> Pem.privateKey(file)).getMessage();
    assertEquals(
        "client key "
            + file
            + " is a SEC1 EC key without a named curve; convert it with 'openssl pkcs8 -topk8"
            + " -nocrypt'",
        m);
  }

  @Test
  void encryptedKeysAreRefusedAtBuildSayingHowToDecryptThem() throws Exception {
    PrivateKey key = Pem.privateKey(certs.client().keyPem());
    Path pkcs1 =
        write(
            "encrypted-pkcs1.key",
            new org.bouncycastle.openssl.MiscPEMGenerator(
                PrivateKeyInfo.getInstance(key.getEncoded()),
                new JcePEMEncryptorBuilder("AES-128-CBC").setProvider(BC).build(PASSPHRASE)));
    Path pkcs8 = write("encrypted-pkcs8.key", encryptedPkcs8(key));
    assertTrue(Files.readString(pkcs1).contains("Proc-Type: 4,ENCRYPTED"));
    assertTrue(Files.readString(pkcs8).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"));

    for (Path file : new Path[] {pkcs1, pkcs8}) {
      String m =
          assertThrows(
                  IllegalArgumentException.class,
                  () ->
                      TlsConfig.builder()
                          .trustPem(certs.caPem())
                          .clientCertificate(certs.client().certPem(), file)
                          .build())
              .getMessage();
      assertTrue(
          m.contains(
              "client key "
                  + file
                  + " is encrypted, which is not supported: decrypt it"
                  + " with 'openssl pkcs8 -topk8 -nocrypt"),
          m);
      assertFalse(m.contains("ENCRYPTED"), "no PEM text in the message: " + m);
    }
  }

  private static PemObject encryptedPkcs8(PrivateKey key) throws IOException {
    try {
      return new JcaPKCS8Generator(
              key,
              new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_128_CBC)
                  .setProvider(BC)
                  .setPassword(PASSPHRASE)
                  .build())
          .generate();
    } catch (OperatorCreationException e) {
      throw new IOException(e);
    }
  }

  @Test
  void aCorruptRsaKeyNamesTheFileAndTheFormsAllowed() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("corrupt-rsa.key"),
            "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    String m =
        assertThrows(IllegalArgumentException.class, () -> Pem.privateKey(file)).getMessage();
    assertTrue(m.startsWith("client key " + file + " holds a key that none of [RSA, EC"), m);
    assertTrue(m.endsWith("SEC1 EC (BEGIN EC PRIVATE KEY)"), m);
  }
}
