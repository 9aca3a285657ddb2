package io.sockpool.redis;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509KeyManager;

/** The key and trust managers behind {@link RedisTls}. */
final class RedisTlsManagers {
  private RedisTlsManagers() {}

  /**
   * The client's key manager: the certificate and key if given, none otherwise, and in both cases
   * it notes which connections the server asked for a client certificate.
   */
  static final class ClientKeys extends X509ExtendedKeyManager {
    private final X509KeyManager delegate; // null: no client certificate
    private final Set<Object> asked =
        Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    ClientKeys(X509KeyManager delegate) {
      this.delegate = delegate;
    }

    boolean requested(Object connection) {
      return asked.contains(connection);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      asked.add(socket);
      return delegate == null ? null : delegate.chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      asked.add(engine);
      return delegate == null ? null : delegate.chooseClientAlias(keyType, issuers, null);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return delegate == null ? null : delegate.getClientAliases(keyType, issuers);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null; // client side only
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null; // client side only
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return delegate == null ? null : delegate.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return delegate == null ? null : delegate.getPrivateKey(alias);
    }
  }

  /** {@code --insecure}: accepts every certificate. */
  static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      // client side only: never asked
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      // --insecure: every server certificate is accepted, on purpose
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
      // client side only: never asked
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
      // --insecure: every server certificate is accepted, on purpose
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      // client side only: never asked
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      // --insecure: every server certificate is accepted, on purpose
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
