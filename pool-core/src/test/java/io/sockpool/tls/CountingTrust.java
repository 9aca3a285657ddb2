package io.sockpool.tls;

import io.sockpool.testkit.TestCertificates;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Client contexts that trust the test CA and count the server certificates they verify: a full
 * handshake verifies one, a resumed one (a TLS 1.2 session id or ticket, a TLS 1.3 PSK) none, since
 * the server sends no certificate. That makes "handshakes minus verifications" the number of
 * resumed handshakes, whatever the JDK and however it shows the session.
 */
final class CountingTrust extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager pkix;
  private final AtomicLong verified = new AtomicLong();

  CountingTrust(TestCertificates certs) throws GeneralSecurityException {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(certs.trustStore());
    this.pkix = (X509ExtendedTrustManager) tmf.getTrustManagers()[0];
  }

  /** Returns server certificates verified so far: one per full handshake. */
  long verified() {
    return verified.get();
  }

  /**
   * Returns a supplier of new contexts with this trust manager: each {@code reloadTls()} gets one,
   * and so a fresh session cache.
   */
  Supplier<SSLContext> contexts() {
    return () -> {
      try {
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, new TrustManager[] {this}, null);
        return c;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    };
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    verified.incrementAndGet();
    pkix.checkServerTrusted(chain, authType, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    verified.incrementAndGet();
    pkix.checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    verified.incrementAndGet();
    pkix.checkServerTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    pkix.checkClientTrusted(chain, authType, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    pkix.checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    pkix.checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return pkix.getAcceptedIssuers();
  }
}
