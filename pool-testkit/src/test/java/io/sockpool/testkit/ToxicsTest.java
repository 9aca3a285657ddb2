package io.sockpool.testkit;

import static io.sockpool.testkit.Net.bytes;
import static io.sockpool.testkit.Net.connect;
import static io.sockpool.testkit.Net.readExactly;
import static io.sockpool.testkit.Net.readToEof;
import static io.sockpool.testkit.Net.roundTripMillis;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import eu.rekawek.toxiproxy.model.toxic.Latency;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every toxic, driven through the toxiproxy-java client against a real echo server, asserting what
 * a client of the proxy observes. Time bounds are generous lower bounds plus loose upper bounds.
 */
class ToxicsTest {
  @RegisterExtension static final ToxiproxyExtension TOXIPROXY = new ToxiproxyExtension();

  private static FakePeer echo;
  private ToxiproxyClient client;
  private Proxy proxy;

  @BeforeAll
  static void startEcho() throws IOException {
    echo = FakePeer.echo();
  }

  @AfterAll
  static void stopEcho() {
    echo.close();
  }

  @BeforeEach
  void createProxy(ToxiproxyClient client) throws IOException {
    this.client = client;
    proxy = client.createProxy("echo", TOXIPROXY.listenAddress(), echo.hostAndPort());
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void latencyDelaysEachDirectionAndBothAddUp() throws IOException {
    proxy.toxics().latency("down", ToxicDirection.DOWNSTREAM, 300);
    try (Socket s = connect(proxy.getListen())) {
      assertTrue(roundTripMillis(s) >= 280, "downstream latency 300 ms");
      proxy.toxics().latency("up", ToxicDirection.UPSTREAM, 100);
      long both = roundTripMillis(s);
      assertTrue(both >= 380, "300 ms down + 100 ms up, but was " + both);
      assertTrue(both < 5000, "but was " + both);
    }
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void latencyAddedToALiveConnectionAppliesAtOnceAndRemovingItRestoresSpeed() throws IOException {
    // 3 s against 300 ms: a busy machine's late wake-ups (up to 2 s) fit between the two
    try (Socket s = connect(proxy.getListen())) {
      roundTripMillis(s);
      Latency l = proxy.toxics().latency("slow", ToxicDirection.DOWNSTREAM, 3000);
      assertTrue(roundTripMillis(s) >= 2950);
      l.setLatency(300);
      long updated = roundTripMillis(s);
      assertTrue(updated >= 280 && updated < 2950, "updated to 300 ms, but took " + updated);
      l.remove();
      assertTrue(roundTripMillis(s) < 2950, "latency removed");
    }
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void latencyWithJitterStaysWithinItsRange() throws IOException {
    Latency l = proxy.toxics().latency("jittery", ToxicDirection.DOWNSTREAM, 400);
    l.setJitter(200);
    try (Socket s = connect(proxy.getListen())) {
      for (int i = 0; i < 3; i++) {
        long ms = roundTripMillis(s);
        assertTrue(ms >= 190 && ms < 5000, "400 +- 200 ms, but was " + ms);
      }
    }
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void toxicityZeroHasNoEffectAndToxicityOneAppliesOnTheNextConnection() throws IOException {
    // 3 s against a bound of 2.5 s: a busy machine's late wake-ups fit below it
    Latency l = proxy.toxics().latency("maybe", ToxicDirection.DOWNSTREAM, 3000);
    l.setToxicity(0f);
    try (Socket s = connect(proxy.getListen())) {
      for (int i = 0; i < 3; i++) {
        assertTrue(roundTripMillis(s) < 2500, "toxicity 0 never applies");
      }
    }
    l.setToxicity(1f);
    try (Socket s = connect(proxy.getListen())) {
      assertTrue(roundTripMillis(s) >= 2950, "toxicity 1 always applies");
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void bandwidthLimitsTheRate() throws IOException {
    // 20 KB/s: 20 000 bytes need about 1 s.
    proxy.toxics().bandwidth("narrow", ToxicDirection.DOWNSTREAM, 20);
    byte[] data = bytes(20_000);
    try (Socket s = connect(proxy.getListen())) {
      long ms = roundTripMillis(s, data);
      assertTrue(ms >= 700, "20 000 B at 20 KB/s, but took " + ms + " ms");
      assertTrue(ms < 15_000, "but took " + ms + " ms");
    }
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void limitDataCutsTheStreamAtTheLimitAndCloses() throws IOException {
    proxy.toxics().limitData("ten", ToxicDirection.DOWNSTREAM, 10);
    try (Socket s = connect(proxy.getListen())) {
      s.getOutputStream().write(bytes(16));
      byte[] got = readToEof(s.getInputStream());
      assertArrayEquals(Arrays.copyOf(bytes(16), 10), got);
    }
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void limitDataCountsAcrossChunksAndKeepsItsCountWhenUpdated() throws IOException {
    eu.rekawek.toxiproxy.model.toxic.LimitData limit =
        proxy.toxics().limitData("limit", ToxicDirection.DOWNSTREAM, 10);
    try (Socket s = connect(proxy.getListen())) {
      roundTripMillis(s, bytes(6));
      limit.setBytes(12);
      s.getOutputStream().write(bytes(10));
      byte[] got = readToEof(s.getInputStream());
      assertEquals(6, got.length, "6 more bytes allowed after 6 of 12, then closed");
    }
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void resetPeerPresentAtConnectResetsTheConnection() throws IOException {
    proxy.toxics().resetPeer("rst", ToxicDirection.UPSTREAM, 0);
    try (Socket s = connect(proxy.getListen())) {
      s.getOutputStream().write(bytes(5));
      SocketException e = assertThrows(SocketException.class, () -> readToEof(s.getInputStream()));
      assertTrue(e.getMessage().toLowerCase().contains("reset"), e.getMessage());
    }
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void resetPeerWaitsForItsTimeoutAfterTheFirstData() throws IOException {
    proxy.toxics().resetPeer("rst", ToxicDirection.DOWNSTREAM, 400);
    try (Socket s = connect(proxy.getListen())) {
      long t0 = System.nanoTime();
      s.getOutputStream().write(bytes(5));
      assertThrows(SocketException.class, () -> readToEof(s.getInputStream()));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms >= 350 && ms < 5000, "reset after 400 ms, but after " + ms);
    }
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void resetPeerAddedToAnOpenConnectionClosesItWithoutData() throws IOException {
    try (Socket s = connect(proxy.getListen())) {
      roundTripMillis(s);
      proxy.toxics().resetPeer("rst", ToxicDirection.DOWNSTREAM, 0);
      s.getOutputStream().write(bytes(5));
      assertEquals(0, readToEof(s.getInputStream()).length);
    }
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void timeoutDropsDataAndClosesAfterTheTimeout() throws IOException {
    proxy.toxics().timeout("t", ToxicDirection.UPSTREAM, 500);
    long echoedBefore = echo.bytesReceived();
    try (Socket s = connect(proxy.getListen())) {
      long t0 = System.nanoTime();
      s.getOutputStream().write(bytes(5));
      byte[] got = readToEof(s.getInputStream());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(0, got.length, "data is dropped");
      assertTrue(ms >= 450 && ms < 5000, "closed 500 ms after the last data, but after " + ms);
    }
    assertEquals(echoedBefore, echo.bytesReceived(), "nothing reached the upstream");
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void timeoutZeroHoldsTheConnectionUntilTheToxicIsRemovedWhichClosesIt() throws IOException {
    eu.rekawek.toxiproxy.model.toxic.Timeout t =
        proxy.toxics().timeout("t", ToxicDirection.DOWNSTREAM, 0);
    try (Socket s = connect(proxy.getListen())) {
      s.getOutputStream().write(bytes(5));
      s.setSoTimeout(600);
      assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read(), "data held");
      s.setSoTimeout(Net.READ_TIMEOUT_MS);
      t.remove();
      assertEquals(0, readToEof(s.getInputStream()).length, "removing a timeout closes");
    }
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void slicerDeliversEveryByteInSeveralPieces() throws IOException {
    proxy.toxics().slicer("slices", ToxicDirection.DOWNSTREAM, 10, 20_000);
    byte[] data = bytes(100);
    try (Socket s = connect(proxy.getListen())) {
      long t0 = System.nanoTime();
      s.getOutputStream().write(data);
      InputStream in = s.getInputStream();
      byte[] got = new byte[100];
      int total = 0;
      int reads = 0;
      while (total < 100) {
        int n = in.read(got, total, 100 - total);
        assertTrue(n > 0, "EOF after " + total + " bytes");
        total += n;
        reads++;
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertArrayEquals(data, got);
      assertTrue(reads >= 5, "16 pieces of 6-7 bytes 20 ms apart, but read in " + reads);
      assertTrue(ms >= 200, "pieces are 20 ms apart, but all came in " + ms + " ms");
    }
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void slowCloseDelaysTheClose() throws IOException {
    proxy.toxics().slowClose("slow", ToxicDirection.DOWNSTREAM, 700);
    try (Socket s = connect(proxy.getListen())) {
      roundTripMillis(s);
      long t0 = System.nanoTime();
      s.shutdownOutput();
      assertEquals(-1, s.getInputStream().read());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms >= 650 && ms < 5000, "close delayed by 700 ms, but after " + ms);
    }
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void noopToxicPassesDataAndIsListedWithEmptyAttributes() throws IOException {
    Net.Http r = Net.http("POST", TOXIPROXY.url() + "/proxies/echo/toxics", "{\"type\":\"noop\"}");
    assertEquals(200, r.status());
    assertEquals(
        "{\"attributes\":{},\"name\":\"noop_downstream\",\"type\":\"noop\","
            + "\"stream\":\"downstream\",\"toxicity\":1}",
        r.body());
    try (Socket s = connect(proxy.getListen())) {
      assertArrayEquals(bytes(3000), readBack(s, bytes(3000)));
    }
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void chainedToxicsApplyInOrder() throws IOException {
    proxy.toxics().latency("lat", ToxicDirection.DOWNSTREAM, 300);
    proxy.toxics().limitData("cut", ToxicDirection.DOWNSTREAM, 4);
    try (Socket s = connect(proxy.getListen())) {
      long t0 = System.nanoTime();
      s.getOutputStream().write(bytes(8));
      byte[] got = readToEof(s.getInputStream());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertArrayEquals(Arrays.copyOf(bytes(8), 4), got);
      assertTrue(ms >= 280, "latency before the cut, but after " + ms);
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void bigTransfersPassUnchangedWithoutToxics() throws IOException {
    byte[] data = bytes(3_000_000);
    try (Socket s = connect(proxy.getListen())) {
      assertArrayEquals(data, readBack(s, data));
    }
  }

  /** Writes on another thread while reading, so big payloads cannot deadlock on full buffers. */
  private static byte[] readBack(Socket s, byte[] data) throws IOException {
    Thread writer =
        new Thread(
            () -> {
              try {
                OutputStream out = s.getOutputStream();
                out.write(data);
                out.flush();
              } catch (IOException e) {
                // the reader fails then
              }
            },
            "test-writer");
    writer.start();
    byte[] got = readExactly(s.getInputStream(), data.length);
    try {
      writer.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return got;
  }
}
