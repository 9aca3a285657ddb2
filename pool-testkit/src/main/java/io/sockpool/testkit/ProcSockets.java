package io.sockpool.testkit;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What Linux's /proc/net tables say about this process's sockets, keyed by inode: the protocol, the
 * addresses and the TCP state. For leak messages that name the socket left open, not only the
 * count.
 */
final class ProcSockets {
  private static final Path NET = Path.of("/proc/self/net");
  private static final Pattern FIELDS = Pattern.compile("\\s+");
  private static final String[] TCP_STATES = {
    "?",
    "ESTABLISHED",
    "SYN_SENT",
    "SYN_RECV",
    "FIN_WAIT1",
    "FIN_WAIT2",
    "TIME_WAIT",
    "CLOSE",
    "CLOSE_WAIT",
    "LAST_ACK",
    "LISTEN",
    "CLOSING"
  };

  private ProcSockets() {}

  /**
   * One socket as the tables list it.
   *
   * @param kind tcp, tcp6, udp, udp6 or unix
   * @param local the local address (a unix socket's path, or "(unnamed)")
   * @param remote the remote address ("" for a unix socket)
   * @param remotePort the remote port (-1 for a unix socket)
   * @param state the TCP state ("" for the other kinds)
   */
  record Entry(String kind, String local, String remote, int remotePort, String state) {
    /** Whether it is a TCP or UDP socket, over IPv4 or 6. */
    boolean inet() {
      return !"unix".equals(kind);
    }

    /** Whether it is a TCP socket that is not a listener. */
    boolean tcpConnection() {
      return kind.startsWith("tcp") && !"LISTEN".equals(state);
    }

    /** "tcp 127.0.0.1:40312 -> 127.0.0.1:6379 ESTABLISHED", "unix (unnamed)". */
    String describe() {
      return inet()
          ? kind + " " + local + " -> " + remote + (state.isEmpty() ? "" : " " + state)
          : kind + " " + local;
    }
  }

  /** Reads every inet and unix socket table, by inode; empty where none is readable. */
  static Map<String, Entry> byInode() {
    Map<String, Entry> sockets = new HashMap<>();
    for (String kind : List.of("tcp", "tcp6", "udp", "udp6")) {
      for (String line : lines(kind)) {
        inet(kind, line, sockets);
      }
    }
    for (String line : lines("unix")) {
      String[] f = FIELDS.split(line.trim(), -1);
      if (f.length >= 7 && !f[0].startsWith("Num")) {
        sockets.put(f[6], new Entry("unix", f.length > 7 ? f[7] : "(unnamed)", "", -1, ""));
      }
    }
    return sockets;
  }

  private static void inet(String kind, String line, Map<String, Entry> sockets) {
    String[] f = FIELDS.split(line.trim(), -1);
    if (f.length < 10 || "sl".equals(f[0])) {
      return;
    }
    String state = kind.startsWith("tcp") ? tcpState(f[3]) : "";
    sockets.put(f[9], new Entry(kind, address(f[1]), address(f[2]), port(f[2]), state));
  }

  private static int port(String hostAndPort) {
    return Integer.parseInt(hostAndPort.substring(hostAndPort.indexOf(':') + 1), 16);
  }

  private static String tcpState(String hex) {
    int state = Integer.parseInt(hex, 16);
    return state < TCP_STATES.length ? TCP_STATES[state] : "state " + hex;
  }

  /**
   * "0100007F:1FA3" is 127.0.0.1:8099: the address is 32-bit words in the kernel's (little-endian)
   * byte order; an IPv4-mapped IPv6 address shows as IPv4.
   */
  private static String address(String hostAndPort) {
    int colon = hostAndPort.indexOf(':');
    String hex = hostAndPort.substring(0, colon);
    int port = port(hostAndPort);
    byte[] bytes = new byte[hex.length() / 2];
    for (int word = 0; word < bytes.length; word += 4) {
      for (int i = 0; i < 4; i++) {
        int at = 2 * (word + 3 - i);
        bytes[word + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
      }
    }
    try {
      InetAddress host = InetAddress.getByAddress(bytes);
      return (host instanceof Inet6Address
              ? "[" + host.getHostAddress() + "]"
              : host.getHostAddress())
          + ":"
          + port;
    } catch (UnknownHostException notFourOrSixteenBytes) {
      return hostAndPort;
    }
  }

  private static List<String> lines(String table) {
    try {
      return Files.readAllLines(NET.resolve(table));
    } catch (IOException | RuntimeException missing) {
      return List.of();
    }
  }
}
