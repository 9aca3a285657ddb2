package io.sockpool.bench.preconnect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The step test's peer in a JVM of its own: it answers as the in-process one and counts. */
class PeerProcessTest {

  @Test
  @Timeout(60)
  void thePeerProcessAnswersTheFirstPingAfterTheConnectLatencyAndCountsItsConnections()
      throws IOException {
    try (PeerProcess peer = PeerProcess.start(0, Duration.ofMillis(200), Duration.ZERO)) {
      assertEquals(0, peer.accepted());
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), peer.port())) {
        long start = System.nanoTime();
        byte[] first = ping(s);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertArrayEquals("+PONG\r\n".getBytes(StandardCharsets.US_ASCII), first);
        assertTrue(tookMs >= 190, "the first reply came after " + tookMs + " ms, not 200 ms");
        assertArrayEquals(first, ping(s));
      }
      assertEquals(1, peer.accepted());
    }
  }

  @Test
  @Timeout(60)
  void aCpuTheMachineDoesNotHaveFailsTheStartNamingWhatThePeerPrinted() {
    IOException e =
        assertThrows(
            IOException.class, () -> PeerProcess.start(4096, Duration.ZERO, Duration.ZERO));
    assertTrue(e.getMessage().startsWith("the peer process did not start"), e.getMessage());
  }

  private static byte[] ping(Socket s) throws IOException {
    s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
    byte[] reply = new byte[7];
    InputStream in = s.getInputStream();
    for (int n = 0; n < reply.length; ) {
      int r = in.read(reply, n, reply.length - n);
      if (r < 0) {
        throw new IOException("the peer closed after " + n + " bytes");
      }
      n += r;
    }
    return reply;
  }
}
