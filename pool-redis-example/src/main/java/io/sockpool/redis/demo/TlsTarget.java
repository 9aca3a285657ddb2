package io.sockpool.redis.demo;

import io.sockpool.Endpoint;
import io.sockpool.TlsConfig;
import io.sockpool.TlsVerification;
import io.sockpool.redis.EmbeddedRedis;
import io.sockpool.redis.RedisTls;
import io.sockpool.redis.ThrowawayCertificates;
import io.sockpool.redis.demo.cli.PingArguments;
import io.sockpool.redis.demo.cli.TlsArguments;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;

/**
 * The TLS half of {@link RedisTarget#find}: an explicit {@code --redis} reached with the TLS flags,
 * or, without {@code --redis}, an embedded redis-server that speaks only TLS, with a throwaway CA
 * and server certificate generated for the run (both stopped and deleted when the target closes,
 * and on Ctrl-C by shutdown hooks).
 */
final class TlsTarget {
  /** The names the embedded server's certificate lists. */
  static final List<String> EMBEDDED_NAMES = List.of("localhost", "127.0.0.1");

  private TlsTarget() {}

  static RedisTarget find(PingArguments options, PrintStream out, PrintStream err)
      throws RedisTarget.UnreachableException {
    TlsArguments t = options.tls();
    if (options.redis().isPresent()) {
      Endpoint e = options.redis().get().tcpEndpoint().orElseThrow();
      RedisTls tls = settings(t.caCert(), t);
      TlsConfig pool = poolConfig(t.caCert(), t);
      try {
        return RedisTarget.inspect(
                e, tls, RedisTarget.EXPLICIT_TIMEOUT, "Redis at rediss://" + e, null, err)
            .withPoolTls(pool);
      } catch (IOException ex) {
        throw new RedisTarget.UnreachableException(
            "--redis rediss://" + e + " does not answer: " + ex.getMessage());
      }
    }
    ThrowawayCertificates certs;
    try {
      certs = ThrowawayCertificates.create(EMBEDDED_NAMES);
    } catch (IOException ex) {
      throw new RedisTarget.UnreachableException(
          "cannot generate the certificates for the embedded TLS server: " + ex.getMessage());
    }
    EmbeddedRedis server;
    try {
      server = EmbeddedRedis.startTls(certs, false, List.of());
    } catch (IOException ex) {
      certs.close();
      throw new RedisTarget.UnreachableException(
          "the embedded redis-server did not start with TLS: " + ex.getMessage());
    }
    Closeable owned =
        () -> {
          try {
            server.close();
          } finally {
            certs.close();
          }
        };
    out.println(
        "started an embedded redis-server with TLS on "
            + server.endpoint()
            + " for this run (CA and server certificate generated in "
            + certs.directory()
            + "); it stops on exit");
    try {
      RedisTls tls = settings(Optional.of(certs.caCert()), t);
      TlsConfig pool = poolConfig(Optional.of(certs.caCert()), t);
      return RedisTarget.inspect(
              server.endpoint(),
              tls,
              RedisTarget.EXPLICIT_TIMEOUT,
              "embedded redis-server with TLS on " + server.endpoint(),
              owned,
              err)
          .withPoolTls(pool);
    } catch (RedisTarget.UnreachableException ex) {
      RedisTarget.closeQuietly(owned, err);
      throw ex;
    } catch (IOException ex) {
      RedisTarget.closeQuietly(owned, err);
      throw new RedisTarget.UnreachableException(
          "the embedded redis-server on "
              + server.endpoint()
              + " does not answer over TLS: "
              + ex.getMessage());
    }
  }

  /**
   * The pool's TLS config from the same flags: trust the CA file (else the JDK's trust store), the
   * client certificate for mutual TLS, the SNI name, and {@code --insecure} as {@link
   * TlsVerification#INSECURE}.
   */
  private static TlsConfig poolConfig(Optional<java.nio.file.Path> caCert, TlsArguments t)
      throws RedisTarget.UnreachableException {
    try {
      TlsConfig.Builder b = TlsConfig.builder();
      caCert.ifPresent(b::trustPem);
      if (t.cert().isPresent()) {
        b.clientCertificate(t.cert().get(), t.key().orElseThrow());
      }
      t.sni().ifPresent(b::sniName);
      if (t.insecure()) {
        b.verification(TlsVerification.INSECURE);
      }
      return b.build();
    } catch (IllegalArgumentException ex) {
      throw new RedisTarget.UnreachableException(ex.getMessage());
    }
  }

  private static RedisTls settings(Optional<java.nio.file.Path> caCert, TlsArguments t)
      throws RedisTarget.UnreachableException {
    try {
      return RedisTls.fromPem(caCert, t.cert(), t.key(), t.sni(), t.insecure());
    } catch (IllegalArgumentException ex) {
      throw new RedisTarget.UnreachableException(ex.getMessage());
    }
  }
}
