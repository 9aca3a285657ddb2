package io.sockpool.testkit.bench;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.ToxiproxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.Locale;

/**
 * Measures the proxy's own overhead: echo round-trip latency direct to an {@link FakePeer} versus
 * through a {@link ToxiproxyServer} proxy without toxics, in one run, interleaved in blocks so both
 * see the same machine load. Not a test; run with {@code mvn -B -q -pl pool-testkit test-compile
 * exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.sockpool.testkit.bench.ProxyOverhead
 * [-Dexec.args="ROUND_TRIPS MESSAGE_BYTES"]}.
 */
public final class ProxyOverhead {
  private static final int BLOCK = 1000;

  private ProxyOverhead() {}

  /**
   * @param args optional: round trips per path (default 20000, a multiple of 1000), message bytes
   *     (default 64)
   * @throws IOException when a socket fails
   */
  public static void main(String[] args) throws IOException {
    int roundTrips = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int size = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    if (roundTrips < BLOCK || roundTrips % BLOCK != 0 || size < 1) {
      throw new IllegalArgumentException(
          "round trips must be a positive multiple of "
              + BLOCK
              + " and message bytes >= 1, but were "
              + roundTrips
              + " and "
              + size);
    }
    try (FakePeer echo = FakePeer.echo();
        ToxiproxyServer server = ToxiproxyServer.start()) {
      Proxy proxy =
          new ToxiproxyClient(server.host(), server.port())
              .createProxy("overhead", "127.0.0.1:0", echo.hostAndPort());
      int proxyPort =
          Integer.parseInt(proxy.getListen().substring(proxy.getListen().lastIndexOf(':') + 1));
      byte[] msg = new byte[size];
      Arrays.fill(msg, (byte) 'x');
      try (Socket direct = open(echo.port());
          Socket proxied = open(proxyPort)) {
        long[] warm = new long[5000];
        measure(direct, msg, warm, 0, warm.length);
        measure(proxied, msg, warm, 0, warm.length);
        long[] d = new long[roundTrips];
        long[] p = new long[roundTrips];
        for (int off = 0; off < roundTrips; off += BLOCK) {
          measure(direct, msg, d, off, BLOCK);
          measure(proxied, msg, p, off, BLOCK);
        }
        report(roundTrips, size, d, p);
      }
    }
  }

  private static Socket open(int port) throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    s.setSoTimeout(10_000);
    return s;
  }

  private static void measure(Socket s, byte[] msg, long[] into, int off, int n)
      throws IOException {
    OutputStream out = s.getOutputStream();
    InputStream in = s.getInputStream();
    byte[] back = new byte[msg.length];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      out.write(msg);
      int got = 0;
      while (got < back.length) {
        int r = in.read(back, got, back.length - got);
        if (r < 0) {
          throw new IOException("echo closed after " + got + " of " + back.length + " bytes");
        }
        got += r;
      }
      into[off + i] = System.nanoTime() - t0;
    }
  }

  private static double pct(long[] sorted, double p) {
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)]
        / 1000.0;
  }

  private static void report(int n, int size, long[] d, long[] p) {
    Arrays.sort(d);
    Arrays.sort(p);
    double dMean = Arrays.stream(d).average().orElse(0) / 1000;
    double pMean = Arrays.stream(p).average().orElse(0) / 1000;
    System.out.printf(
        Locale.ROOT,
        "machine: %d cores, %s %s, Java %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name"),
        System.getProperty("os.arch"),
        System.getProperty("java.version"));
    System.out.printf(
        Locale.ROOT,
        "%d round trips of %d bytes per path, interleaved in blocks of %d%n",
        n,
        size,
        BLOCK);
    System.out.printf(
        Locale.ROOT, "%-8s %9s %9s %9s %9s%n", "path", "p50 us", "p90 us", "p99 us", "mean us");
    System.out.printf(
        Locale.ROOT,
        "%-8s %9.1f %9.1f %9.1f %9.1f%n",
        "direct",
        pct(d, 50),
        pct(d, 90),
        pct(d, 99),
        dMean);
    System.out.printf(
        Locale.ROOT,
        "%-8s %9.1f %9.1f %9.1f %9.1f%n",
        "proxy",
        pct(p, 50),
        pct(p, 90),
        pct(p, 99),
        pMean);
    System.out.printf(
        Locale.ROOT,
        "%-8s %9.2f %9.2f %9.2f %9.2f%n",
        "ratio",
        pct(p, 50) / pct(d, 50),
        pct(p, 90) / pct(d, 90),
        pct(p, 99) / pct(d, 99),
        pMean / dMean);
    System.out.printf(
        Locale.ROOT,
        "added by the proxy at p50: %.1f us per round trip%n",
        pct(p, 50) - pct(d, 50));
  }
}
