package io.sockpool;

import java.net.Socket;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/** Accepts any server certificate: {@link TlsVerification#INSECURE}. */
final class TrustEverything extends X509ExtendedTrustManager {
  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
    // a client pool never checks clients
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
    // INSECURE: accepted
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    // a client pool never checks clients
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    // INSECURE: accepted
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) {
    // a client pool never checks clients
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) {
    // INSECURE: accepted
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
