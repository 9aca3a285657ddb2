package io.sockpool.spring.boot;

import io.sockpool.TlsConfig;
import io.sockpool.TlsVerification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns bound {@link TlsSettings} into a {@link TlsConfig}, naming the {@code tls.*} property as
 * written in every rejection.
 */
final class TlsConfigs {
  private TlsConfigs() {}

  /**
   * @param s the bound settings
   * @param prefix {@code sockpool} or {@code sockpool.pools.<name>}
   * @return the config, or empty when TLS is off
   * @throws InvalidPoolPropertyException naming the property if a value is rejected
   */
  static Optional<TlsConfig> build(TlsSettings s, String prefix) {
    if (!s.isOn()) {
      return Optional.empty();
    }
    String tls = prefix + ".tls";
    TlsConfig.Builder b = TlsConfig.builder();
    if (s.getTrustPem() != null) {
      b.trustPem(readable(s.getTrustPem(), tls + ".trust-pem", "the CA certificate(s) to trust"));
    }
    if (s.getClientCertificate() != null || s.getClientKey() != null) {
      if (s.getClientCertificate() == null || s.getClientKey() == null) {
        throw new InvalidPoolPropertyException(
            tls + (s.getClientKey() == null ? ".client-key" : ".client-certificate"),
            tls
                + ".client-certificate and "
                + tls
                + ".client-key must be set together, but only "
                + tls
                + (s.getClientKey() == null ? ".client-certificate" : ".client-key")
                + " was set",
            null);
      }
      b.clientCertificate(
          readable(
              s.getClientCertificate(),
              tls + ".client-certificate",
              "the client certificate and its chain"),
          readable(s.getClientKey(), tls + ".client-key", "the client's unencrypted private key"));
    }
    try {
      if (s.getSniName() != null) {
        b.sniName(s.getSniName());
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidPoolPropertyException(tls + ".sni-name", rename(tls, e.getMessage()), e);
    }
    if (s.getVerification() != null) {
      b.verification(verification(s.getVerification(), tls + ".verification"));
    }
    try {
      b.protocols(s.getProtocols().stream().map(String::trim).toArray(String[]::new));
      b.cipherSuites(s.getCipherSuites().stream().map(String::trim).toArray(String[]::new));
      return Optional.of(b.build());
    } catch (IllegalArgumentException e) {
      String property = property(tls, String.valueOf(e.getMessage()));
      String message = rename(tls, e.getMessage());
      throw new InvalidPoolPropertyException(
          property, message.contains(tls + ".") ? message : property + ": " + message, e);
    }
  }

  private static Path readable(String file, String property, String what) {
    Path path = Path.of(file);
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new InvalidPoolPropertyException(
          property,
          property
              + ": no readable file at '"
              + path.toAbsolutePath()
              + "' (allowed: the path of a readable PEM file with "
              + what
              + ")",
          null);
    }
    return path;
  }

  private static TlsVerification verification(String text, String property) {
    try {
      return TlsVerification.valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new InvalidPoolPropertyException(
          property,
          property
              + " must be one of "
              + Arrays.toString(TlsVerification.values())
              + ", but was '"
              + text
              + "'",
          e);
    }
  }

  /** The property a {@link TlsConfig.Builder#build()} rejection is about, by its wording. */
  private static String property(String tls, String message) {
    if (message.startsWith("protocol")) {
      return tls + ".protocols";
    }
    if (message.startsWith("cipher")) {
      return tls + ".cipher-suites";
    }
    if (message.startsWith("verification")) {
      return tls + ".verification";
    }
    return tls;
  }

  /** The rejection's message with the builder's names replaced by the properties as written. */
  private static String rename(String tls, String message) {
    return String.valueOf(message)
        .replace("trustPem", tls + ".trust-pem")
        .replace("clientCertificate", tls + ".client-certificate")
        .replace("sniName", tls + ".sni-name")
        .replace("verification INSECURE", tls + ".verification=INSECURE");
  }
}
