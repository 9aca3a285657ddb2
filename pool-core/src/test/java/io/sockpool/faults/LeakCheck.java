package io.sockpool.faults;

import io.sockpool.testkit.ProcessResources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a fault test compares before and after: this process's open file descriptors (Linux {@code
 * /proc/self/fd}), its TCP sockets to a given port (matched through the socket inodes in {@code
 * /proc/net/tcp} and {@code tcp6}) and its live threads by name prefix. Where /proc is missing the
 * fd and socket checks report -1 and are skipped by the callers.
 */
final class LeakCheck {
  private LeakCheck() {}

  /**
   * @return whether /proc/self/fd is there to count
   */
  static boolean procAvailable() {
    return Files.isDirectory(Path.of("/proc/self/fd"));
  }

  /**
   * @return open file descriptors of this process, or -1 without /proc
   */
  static long openFds() {
    return fdKinds().values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * @return open file descriptors by kind (socket, anon_inode:[eventpoll], pipe, file ...)
   */
  static Map<String, Long> fdKinds() {
    Map<String, Long> kinds = new TreeMap<>();
    if (!procAvailable()) {
      return kinds;
    }
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        String target;
        try {
          target = Files.readSymbolicLink(fd).toString();
        } catch (NoSuchFileException gone) {
          continue; // closed meanwhile, or the directory stream's own fd
        } catch (IOException e) {
          continue;
        }
        String kind =
            target.startsWith("socket:")
                ? "socket"
                : target.startsWith("pipe:")
                    ? "pipe"
                    : target.startsWith("anon_inode:") ? target : "file";
        kinds.merge(kind, 1L, Long::sum);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return kinds;
  }

  /**
   * Counts this process's TCP sockets (not listeners) whose remote port is {@code port}: for a
   * proxy's listen port, the pool's client connections to it.
   *
   * @return the count, or -1 without /proc
   */
  static int ownSocketsTo(int port) {
    if (!procAvailable()) {
      return -1;
    }
    Set<String> inodes = ownSocketInodes();
    int n = 0;
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> lines;
      try {
        lines = Files.readAllLines(Path.of(table));
      } catch (NoSuchFileException missing) {
        continue;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 10 || "0A".equals(f[3])) { // 0A = LISTEN
          continue;
        }
        int remotePort = Integer.parseInt(f[2].substring(f[2].lastIndexOf(':') + 1), 16);
        if (remotePort == port && inodes.contains(f[9])) {
          n++;
        }
      }
    }
    return n;
  }

  private static Set<String> ownSocketInodes() {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String t = Files.readSymbolicLink(fd).toString();
          if (t.startsWith("socket:[")) {
            inodes.add(t.substring(8, t.length() - 1));
          }
        } catch (IOException gone) {
          // closed meanwhile
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return inodes;
  }

  /**
   * Waits until the open fds are at most {@code baseline} (closes on the proxy's side of a
   * connection happen asynchronously, an instant after ours).
   *
   * @return the last count seen
   */
  static long awaitFdsAtMost(long baseline, Duration within) throws InterruptedException {
    return ProcessResources.awaitAtMost(LeakCheck::openFds, baseline, within);
  }
}
