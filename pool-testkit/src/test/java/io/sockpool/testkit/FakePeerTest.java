package io.sockpool.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(20)
@ExtendWith(FakePeerExtension.class)
class FakePeerTest {
  private FakePeer peer;

  private static Socket connect(FakePeer p) throws IOException {
    Socket s = new Socket();
    s.connect(p.address(), 2000);
    s.setSoTimeout(5000);
    return s;
  }

  private static void send(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
  }

  private static String read(Socket s, int n) throws IOException {
    byte[] b = s.getInputStream().readNBytes(n);
    return new String(b, StandardCharsets.US_ASCII);
  }

  @Test
  void extensionStartsAPeerAnsweringPingAndEcho() throws Exception {
    assertNotNull(peer, "the extension set the field");
    try (Socket s = connect(peer)) {
      send(s, "PING\r\nECHO abc\r\nNOPE\r\n");
      assertEquals("+PONG\r\n+abc\r\n", read(s, 13));
      assertEquals("-ERR unknown command 'NOPE'\r\n", read(s, 29));
    }
    assertEquals(1, peer.accepted());
    assertEquals(3, peer.requests());
  }

  @Test
  void countsOpenAndPeakConnectionsExactly() throws Exception {
    Socket a = connect(peer);
    Socket b = connect(peer);
    send(a, "PING\r\n");
    send(b, "PING\r\n");
    read(a, 7);
    read(b, 7);
    assertEquals(2, peer.open());
    a.close();
    assertTrue(peer.awaitOpenAtMost(1, Duration.ofSeconds(5)), peer.toString());
    peer.resetPeak();
    assertEquals(1, peer.peakOpen());
    b.close();
    assertTrue(peer.awaitOpenAtMost(0, Duration.ofSeconds(5)), peer.toString());
    assertEquals(2, peer.accepted());
  }

  @Test
  void stalledPeerReadsButNeverAnswers() throws Exception {
    peer.stall(true);
    try (Socket s = connect(peer)) {
      s.setSoTimeout(300);
      send(s, "PING\r\n");
      assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read());
      assertEquals(1, peer.requests(), "the request was read");
      peer.stall(false);
      send(s, "PING\r\n");
      s.setSoTimeout(5000);
      assertEquals("+PONG\r\n", read(s, 7));
    }
  }

  @Test
  void answerAfterADelayWaitsBeforeTheReply() throws Exception {
    peer.answerAfter(Duration.ofMillis(200));
    try (Socket s = connect(peer)) {
      long start = System.nanoTime();
      send(s, "PING\r\n");
      assertEquals("+PONG\r\n", read(s, 7));
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(tookMs >= 190, "took " + tookMs + " ms");
    }
  }

  @Test
  void answerInPiecesArrivesPieceByPiece() throws Exception {
    try (FakePeer pieces = new FakePeer(() -> Responder.always("+PONG\r\n"));
        Socket s = connect(pieces)) {
      pieces.answerInPieces(1, Duration.ofMillis(100));
      send(s, "PING\r\n");
      InputStream in = s.getInputStream();
      byte[] buf = new byte[16];
      int first = in.read(buf);
      assertEquals("+", new String(buf, 0, first, StandardCharsets.US_ASCII));
      assertEquals("PONG\r\n", read(s, 6));
    }
  }

  @Test
  void resetAllSendsARstAndCloseAllAFin() throws Exception {
    try (Socket rst = connect(peer)) {
      send(rst, "PING\r\n");
      read(rst, 7);
      peer.resetAll();
      assertThrows(SocketException.class, () -> rst.getInputStream().read());
    }
    try (Socket fin = connect(peer)) {
      send(fin, "PING\r\n");
      read(fin, 7);
      peer.closeAll();
      assertEquals(-1, fin.getInputStream().read(), "orderly EOF");
    }
  }

  @Test
  void refusedPortAndClosedPortRefuseConnects() {
    peer.refuse();
    assertThrows(ConnectException.class, () -> connect(peer).close());
    int port = FakePeer.closedPort();
    assertThrows(
        ConnectException.class,
        () -> new Socket().connect(new InetSocketAddress("127.0.0.1", port), 2000));
  }

  @Test
  void closedPortsAreDistinctAndRefuseConnects() {
    int[] ports = FakePeer.closedPorts(8);
    assertEquals(8, java.util.Arrays.stream(ports).distinct().count(), "distinct ports");
    for (int port : ports) {
      assertThrows(
          ConnectException.class,
          () -> new Socket().connect(new InetSocketAddress("127.0.0.1", port), 2000));
    }
  }

  @Test
  void unsolicitedBytesAndWatchedRepliesAreSeen() throws Exception {
    CountDownLatch answered = peer.watch("+tok\r\n");
    try (Socket s = connect(peer)) {
      send(s, "PING\r\n");
      read(s, 7);
      peer.sendToAll("+SURPRISE\r\n");
      assertEquals("+SURPRISE\r\n", read(s, 11));
      send(s, "ECHO tok\r\n");
      assertTrue(answered.await(5, TimeUnit.SECONDS));
      assertEquals("+tok\r\n", read(s, 6));
    }
  }

  @Test
  void echoPeerSendsBackEveryByteAndCountsThem() throws Exception {
    try (FakePeer echo = FakePeer.echo();
        Socket s = connect(echo)) {
      byte[] data = new byte[40_000];
      for (int i = 0; i < data.length; i++) {
        data[i] = (byte) i;
      }
      s.getOutputStream().write(data);
      assertArrayEquals(data, s.getInputStream().readNBytes(data.length));
      assertEquals(data.length, echo.bytesReceived());
    }
  }
}
