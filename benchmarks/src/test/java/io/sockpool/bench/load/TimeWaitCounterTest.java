package io.sockpool.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class TimeWaitCounterTest {

  @Test
  void countsSsLinesWhoseLocalOrPeerPortMatches() {
    List<String> ss =
        List.of(
            "Recv-Q Send-Q Local Address:Port Peer Address:PortProcess",
            "0      0          127.0.0.1:41000     127.0.0.1:6379",
            "0      0          127.0.0.1:6379      127.0.0.1:41001",
            "0      0     [::ffff:127.0.0.1]:41002 [::ffff:127.0.0.1]:6379",
            "0      0          127.0.0.1:41003     127.0.0.1:63790");
    assertEquals(3, TimeWaitCounter.countSsLines(ss, 6379));
  }

  @Test
  void countsProcNetTcpLinesInStateSixOnly() {
    List<String> proc =
        List.of(
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
            "   0: 0100007F:A028 0100007F:18EB 06 00000000:00000000 03:00000F8F 00000000     0        0 0 3",
            "   1: 0100007F:A029 0100007F:18EB 01 00000000:00000000 00:00000000 00000000     0        0 1 1",
            "   2: 0100007F:18EB 0100007F:A02A 06 00000000:00000000 03:00000F8F 00000000     0        0 0 3");
    assertEquals(2, TimeWaitCounter.countProcLines(proc, 0x18EB));
  }

  @Test
  void seesTheTimeWaitThatAClientSideCloseLeaves() throws Exception {
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
      long before = TimeWaitCounter.count(port).orElseThrow();
      try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
          SocketChannel accepted = server.accept()) {
        client.close(); // the active closer keeps TIME_WAIT
        accepted.read(java.nio.ByteBuffer.allocate(1)); // sees EOF, answers with its FIN
      }
      // the kernel moves the socket to TIME_WAIT when the peer's FIN arrives; poll for it briefly
      long deadline = System.nanoTime() + 5_000_000_000L;
      long after = TimeWaitCounter.count(port).orElseThrow();
      while (after <= before && System.nanoTime() < deadline) {
        Thread.sleep(10);
        after = TimeWaitCounter.count(port).orElseThrow();
      }
      assertTrue(after > before, "TIME_WAIT before " + before + ", after " + after);
    }
  }
}
