package io.sockpool.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Socket and raw-HTTP helpers for the tests. */
final class Net {
  static final int READ_TIMEOUT_MS = 8000;

  private Net() {}

  static int port(String hostAndPort) {
    return Integer.parseInt(hostAndPort.substring(hostAndPort.lastIndexOf(':') + 1));
  }

  /** Connects to {@code 127.0.0.1:port} of a listen string, with a read timeout. */
  static Socket connect(String listen) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port(listen)), 5000);
    s.setSoTimeout(READ_TIMEOUT_MS);
    s.setTcpNoDelay(true);
    return s;
  }

  static byte[] readExactly(InputStream in, int n) throws IOException {
    byte[] b = in.readNBytes(n);
    assertEquals(n, b.length, "bytes before EOF");
    return b;
  }

  /** Sends {@code msg} and reads the same bytes back; returns the elapsed milliseconds. */
  static long roundTripMillis(Socket s, byte[] msg) throws IOException {
    long t0 = System.nanoTime();
    OutputStream out = s.getOutputStream();
    out.write(msg);
    out.flush();
    byte[] back = readExactly(s.getInputStream(), msg.length);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertArrayEquals(msg, back);
    return ms;
  }

  static long roundTripMillis(Socket s) throws IOException {
    return roundTripMillis(s, "ping".getBytes(StandardCharsets.US_ASCII));
  }

  /** Reads until EOF; returns everything read. */
  static byte[] readToEof(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int n;
    while ((n = in.read(buf)) >= 0) {
      all.write(buf, 0, n);
    }
    return all.toByteArray();
  }

  static byte[] bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) ('a' + i % 26);
    }
    return b;
  }

  /** A raw HTTP answer. */
  record Http(int status, String contentType, String body) {}

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** One raw HTTP request (empty body when {@code body} is null). */
  static Http http(String method, String url, String body, String userAgent) throws IOException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(8))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (userAgent != null) {
      b.setHeader("User-Agent", userAgent);
    }
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Http(
          r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  static Http http(String method, String url, String body) throws IOException {
    return http(method, url, body, null);
  }

  /** A TCP socket from /proc/net/tcp{,6}: local and remote port and the kernel state (hex). */
  record TcpEntry(int localPort, int remotePort, String state) {}

  /** The machine's TCP sockets (Linux); empty when /proc is not available. */
  static List<TcpEntry> tcpSockets() throws IOException {
    List<TcpEntry> all = new ArrayList<>();
    for (String f : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
      Path p = Path.of(f);
      if (!Files.exists(p)) {
        continue;
      }
      List<String> lines = Files.readAllLines(p);
      for (String line : lines.subList(1, lines.size())) {
        String[] cols = line.trim().split("\\s+");
        all.add(new TcpEntry(hexPort(cols[1]), hexPort(cols[2]), cols[3]));
      }
    }
    return all;
  }

  private static int hexPort(String addr) {
    return Integer.parseInt(addr.substring(addr.indexOf(':') + 1), 16);
  }
}
