package io.sockpool.testkit;

import static io.sockpool.testkit.Net.connect;
import static io.sockpool.testkit.Net.readToEof;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many concurrent connections, and nothing (threads, sockets) left behind when the server stops.
 */
class ServerLifecycleTest {

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void hundredsOfConcurrentConnectionsAllEchoCorrectly() throws IOException {
    int n = 300;
    try (FakePeer echo = FakePeer.echo();
        ToxiproxyServer server = ToxiproxyServer.start()) {
      ToxiproxyClient client = new ToxiproxyClient(server.host(), server.port());
      Proxy p = client.createProxy("many", "127.0.0.1:0", echo.hostAndPort());
      List<Socket> sockets = new ArrayList<>();
      try {
        for (int i = 0; i < n; i++) {
          sockets.add(connect(p.getListen()));
        }
        for (int i = 0; i < n; i++) {
          sockets.get(i).getOutputStream().write(message(i));
        }
        for (int i = 0; i < n; i++) {
          byte[] want = message(i);
          assertArrayEquals(want, Net.readExactly(sockets.get(i).getInputStream(), want.length));
        }
        assertEquals(n, server.liveConnections());
      } finally {
        for (Socket s : sockets) {
          s.close();
        }
      }
    }
  }

  private static byte[] message(int i) {
    byte[] b = Net.bytes(1000 + i);
    b[0] = (byte) i;
    return b;
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void closingTheServerClosesEverythingAndLeavesNoThreadsOrSockets()
      throws IOException, InterruptedException {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    int apiPort;
    int proxyPort;
    int echoPort;
    List<Socket> clients = new ArrayList<>();
    try (FakePeer echo = FakePeer.echo()) {
      echoPort = echo.port();
      ToxiproxyServer server = ToxiproxyServer.start();
      apiPort = server.port();
      ToxiproxyClient client = new ToxiproxyClient(server.host(), server.port());
      Proxy p = client.createProxy("leak", "127.0.0.1:0", echo.hostAndPort());
      Proxy held = client.createProxy("held", "127.0.0.1:0", echo.hostAndPort());
      held.toxics().latency("lat", ToxicDirection.DOWNSTREAM, 60_000);
      held.toxics().timeout("t", ToxicDirection.UPSTREAM, 60_000);
      proxyPort = Net.port(p.getListen());
      for (int i = 0; i < 20; i++) {
        Socket s = connect(p.getListen());
        Net.roundTripMillis(s);
        clients.add(s);
        Socket h = connect(held.getListen());
        h.getOutputStream().write(Net.bytes(10));
        clients.add(h);
      }
      server.close();
      server.close();
      for (Socket s : clients) {
        assertClosedByPeer(s);
      }
      assertThrows(ConnectException.class, () -> connect(p.getListen()).close());
      assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", apiPort).close());
    } finally {
      for (Socket s : clients) {
        s.close();
      }
    }
    // threads and sockets end an instant after close() returns: wait (bounded) for them
    ProcessResources.awaitAtMost(() -> leakedThreads(before).size(), 0, Duration.ofSeconds(5));
    List<String> leaked = leakedThreads(before);
    assertEquals(List.of(), leaked, "threads left running");
    ProcessResources.awaitAtMost(
        () -> heldSockets(apiPort, proxyPort, echoPort).size(), 0, Duration.ofSeconds(5));
    List<Net.TcpEntry> open = heldSockets(apiPort, proxyPort, echoPort);
    assertEquals(List.of(), open, "sockets left open (state in hex as in /proc/net/tcp)");
    assertTrue(before.size() > 0);
  }

  private static List<String> leakedThreads(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !before.contains(t) && t.isAlive())
        .map(Thread::getName)
        .filter(
            name ->
                name.startsWith("toxiproxy-")
                    || name.startsWith("HTTP-Dispatcher")
                    || name.startsWith(FakePeer.THREAD_PREFIX))
        .collect(Collectors.toList());
  }

  /** Sockets a process still holds on those ports (ESTABLISHED, CLOSE_WAIT, LISTEN). */
  private static List<Net.TcpEntry> heldSockets(int apiPort, int proxyPort, int echoPort) {
    try {
      return Net.tcpSockets().stream()
          // ESTABLISHED, CLOSE_WAIT, LISTEN: states in which a process still holds the socket
          // (FIN_WAIT*, TIME_WAIT and so on are closed sockets the kernel finishes alone).
          .filter(e -> Set.of("01", "08", "0A").contains(e.state()))
          .filter(
              e ->
                  e.localPort() == apiPort
                      || e.localPort() == proxyPort
                      || e.remotePort() == echoPort)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The peer closed the connection: EOF with nothing more to read, or a reset (a socket closed with
   * received bytes it had not read yet sends a RST instead of a FIN, and whether the proxy had read
   * the client's last bytes is a matter of timing).
   */
  private static void assertClosedByPeer(Socket s) throws IOException {
    try {
      assertEquals(0, readToEof(s.getInputStream()).length, "every proxied connection is closed");
    } catch (SocketException reset) {
      assertTrue(
          String.valueOf(reset.getMessage()).contains("reset"), "closed by a reset: " + reset);
    }
  }
}
