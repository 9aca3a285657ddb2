package io.sockpool.redis.demo.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;

/**
 * The TLS flags of the demo, in {@code redis-cli}'s names: {@code --tls}, {@code --cacert FILE},
 * {@code --cert FILE --key FILE} (mutual TLS), {@code --sni NAME}, {@code --insecure}.
 *
 * <p>Checked here, each with one line saying what was wrong: {@code --cert} and {@code --key} go
 * together; every file exists, is a regular file and is readable; the SNI name is a DNS host name.
 * Whether the flags fit the server address is {@link PingArguments}' check.
 *
 * @param tls {@code --tls}: speak TLS to a {@code redis://} or {@code host:port} address
 * @param caCert {@code --cacert}: PEM file with the CA certificates to trust; empty: the JDK's
 *     default trust store
 * @param cert {@code --cert}: PEM file with the client certificate (chain), for mutual TLS
 * @param key {@code --key}: PEM file with the client certificate's private key (unencrypted PKCS#8,
 *     PKCS#1 RSA or SEC1 EC)
 * @param sni {@code --sni}: the server name sent in the handshake and checked against the
 *     certificate; empty: the host of the address (none for an IP literal)
 * @param insecure {@code --insecure}: skip certificate verification (the connection is encrypted
 *     but the server is not authenticated)
 */
public record TlsArguments(
    boolean tls,
    Optional<Path> caCert,
    Optional<Path> cert,
    Optional<Path> key,
    Optional<String> sni,
    boolean insecure) {
  static final String TLS = "--tls";
  static final String CACERT = "--cacert";
  static final String CERT = "--cert";
  static final String KEY = "--key";
  static final String SNI = "--sni";
  static final String INSECURE = "--insecure";

  /** No TLS flag given. */
  public static final TlsArguments NONE =
      new TlsArguments(
          false, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false);

  /**
   * Checks the flags and the files.
   *
   * @throws IllegalArgumentException naming the flag, what was wrong and what is allowed
   */
  public TlsArguments {
    if (cert.isPresent() != key.isPresent()) {
      throw new IllegalArgumentException(
          CERT
              + " and "
              + KEY
              + " go together (the client certificate and its private key), but only "
              + (cert.isPresent() ? CERT : KEY)
              + " was given");
    }
    caCert.ifPresent(p -> readableFile(CACERT, p));
    cert.ifPresent(p -> readableFile(CERT, p));
    key.ifPresent(p -> readableFile(KEY, p));
    sni.ifPresent(TlsArguments::hostName);
  }

  private static void readableFile(String flag, Path p) {
    if (!Files.exists(p)) {
      throw new IllegalArgumentException(flag + " " + p + ": no such file");
    }
    if (!Files.isRegularFile(p)) {
      throw new IllegalArgumentException(flag + " " + p + ": not a regular file (a PEM file)");
    }
    if (!Files.isReadable(p)) {
      throw new IllegalArgumentException(flag + " " + p + ": not readable (permission denied)");
    }
  }

  private static void hostName(String name) {
    try {
      new SNIHostName(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          SNI + " must be a DNS host name (not an IP address), but was '" + name + "'", e);
    }
    if (name.chars().allMatch(c -> Character.isDigit(c) || c == '.') || name.indexOf(':') >= 0) {
      throw new IllegalArgumentException(
          SNI + " must be a DNS host name (not an IP address), but was '" + name + "'");
    }
  }

  /** Returns whether any flag other than {@code --tls} and {@code --insecure} was given. */
  boolean namesServerMaterial() {
    return caCert.isPresent() || cert.isPresent() || sni.isPresent();
  }

  /** Returns whether any TLS flag was given. */
  boolean any() {
    return tls || insecure || namesServerMaterial();
  }

  /** Returns the flags given, in their order on a command line; the first names a problem. */
  List<String> flags() {
    List<String> f = new ArrayList<>();
    if (tls) {
      f.add(TLS);
    }
    caCert.ifPresent(p -> f.add(CACERT + " " + p));
    cert.ifPresent(p -> f.add(CERT + " " + p));
    key.ifPresent(p -> f.add(KEY + " " + p));
    sni.ifPresent(s -> f.add(SNI + " " + s));
    if (insecure) {
      f.add(INSECURE);
    }
    return f;
  }

  /** Returns the flags as a command line fragment ({@code ""} without any). */
  @Override
  public String toString() {
    return String.join(" ", flags());
  }
}
