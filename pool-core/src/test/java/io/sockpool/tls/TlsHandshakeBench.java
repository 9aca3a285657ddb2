package io.sockpool.tls;

import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.TlsConfig;
import io.sockpool.TlsStats;
import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TLS handshake time, full vs resumed, and the share of resumed reconnects after a kill storm, for
 * TLS 1.2 and 1.3, in interleaved rounds (run by benchmarks/scripts/tls_handshakes.sh). Per round
 * and protocol: warm the JSSE code, reload (a fresh session cache), open N connections one after
 * the other (full handshakes), let the server close them all, open N again one after the other
 * (each after the previous one read its TLS 1.3 ticket), let the server close them all, open N at
 * once (the kill storm's reconnects). A handshake is counted as resumed when it verified no server
 * certificate ({@link CountingTrust}). Prints each round, then medians and spread.
 *
 * <p>usage: {@code TlsHandshakeBench [ROUNDS] [CONNECTIONS]} (default 5 rounds of 16)
 */
public final class TlsHandshakeBench {
  private TlsHandshakeBench() {}

  /**
   * @param args rounds, connections
   * @throws Exception if a round fails
   */
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    Path dir = Files.createTempDirectory("tls-bench");
    TestCertificates certs = TestCertificates.generate(dir);
    Map<String, List<double[]>> results = new LinkedHashMap<>();
    for (int r = 1; r <= rounds; r++) {
      for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
        double[] one = round(certs, protocol, n);
        results.computeIfAbsent(protocol, p -> new ArrayList<>()).add(one);
        System.out.printf(
            "round %d %s: full %.3f ms; reconnects one at a time %.3f ms, %d/%d resumed;"
                + " reconnects at once %.3f ms, %d/%d resumed%n",
            r, protocol, one[0], one[1], (long) one[2], n, one[3], (long) one[4], n);
      }
    }
    System.out.printf("Java %s, %d connections%n", Runtime.version(), n);
    for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
      System.out.printf(
          "%s median of %d rounds: full %s ms; one at a time %s ms, resumed %s; at once %s ms,"
              + " resumed %s%n",
          e.getKey(),
          rounds,
          summary(e.getValue(), 0),
          summary(e.getValue(), 1),
          summary(e.getValue(), 2),
          summary(e.getValue(), 3),
          summary(e.getValue(), 4));
    }
  }

  private static String summary(List<double[]> rows, int column) {
    List<Double> v = new ArrayList<>();
    rows.forEach(row -> v.add(row[column]));
    Collections.sort(v);
    return String.format(
        "%.3f (min %.3f, max %.3f)", v.get(v.size() / 2), v.get(0), v.get(v.size() - 1));
  }

  /**
   * Returns {full ms per handshake, one-at-a-time reconnect ms, resumed of them, at-once reconnect
   * ms, resumed of them}.
   */
  private static double[] round(TestCertificates certs, String protocol, int n)
      throws IOException, InterruptedException, GeneralSecurityException {
    CountingTrust trust = new CountingTrust(certs);
    try (FakePeer peer = FakePeer.tls(certs.serverContext(certs.server(), false), false);
        SocketPool pool =
            SocketPool.create(
                PoolConfig.builder()
                    .maxPerEndpoint(n)
                    .maxConnectingPerEndpoint(n)
                    .maxTotal(Math.max(64, n))
                    .tls(
                        TlsConfig.builder()
                            .sslContext(trust.contexts())
                            .protocols(protocol)
                            .build())
                    .checkoutTimeout(Duration.ofSeconds(30))
                    .connectTimeout(Duration.ofSeconds(30))
                    .build())) {
      Endpoint e = Endpoint.of(peer.host(), peer.port());
      use(pool, e, n);
      pool.evict(e);
      pool.reloadTls();
      TlsStats start = pool.tlsStats();
      use(pool, e, n);
      TlsStats full = pool.tlsStats();
      kill(peer, pool, e);
      long verified = trust.verified();
      use(pool, e, n);
      TlsStats sequential = pool.tlsStats();
      long sequentialResumed = n - (trust.verified() - verified);
      kill(peer, pool, e);
      verified = trust.verified();
      pool.warmUp(e, n);
      use(pool, e, n);
      TlsStats storm = pool.tlsStats();
      return new double[] {
        perHandshake(full, start),
        perHandshake(sequential, full),
        sequentialResumed,
        perHandshake(storm, sequential),
        (storm.handshakes() - sequential.handshakes()) - (trust.verified() - verified)
      };
    }
  }

  private static void kill(FakePeer peer, SocketPool pool, Endpoint e) throws InterruptedException {
    peer.closeAll();
    peer.awaitOpenAtMost(0, Duration.ofSeconds(30));
    pool.evict(e);
  }

  private static double perHandshake(TlsStats now, TlsStats before) {
    return (now.handshakeTime().toNanos() - before.handshakeTime().toNanos())
        / 1e6
        / (now.handshakes() - before.handshakes());
  }

  /** Opens n connections one after the other (each one handshake) and uses each once. */
  private static void use(SocketPool pool, Endpoint e, int n) throws IOException {
    List<PooledConnection> held = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      PooledConnection c = pool.checkout(e);
      held.add(c);
      TlsConnectionTest.ping(c);
    }
    held.forEach(PooledConnection::close);
  }
}
