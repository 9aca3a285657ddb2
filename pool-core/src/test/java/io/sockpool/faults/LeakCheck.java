package io.sockpool.faults;

import io.sockpool.testkit.ProcessResources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a fault test compares before and after: this process's open file descriptors (Linux {@code
 * /proc/self/fd}), its TCP connections to a given port ({@link ProcessResources#tcpConnectionsTo})
 * and its live threads by name prefix. Where /proc is missing the fd and socket checks report -1
 * and are skipped by the callers.
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
    return (int) ProcessResources.tcpConnectionsTo(port);
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
