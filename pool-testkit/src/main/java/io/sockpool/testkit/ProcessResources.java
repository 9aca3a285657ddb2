package io.sockpool.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * This JVM's threads, file descriptors and sockets, for leak checks; and bounded waits for counts
 * that drop asynchronously (a library closing its sockets on a thread of its own, the kernel
 * finishing a close an instant later). A leak check that counts once, right after the code under
 * test returned, cries wolf now and then: wait for the count instead.
 */
public final class ProcessResources {
  private static final Path FDS = Path.of("/proc/self/fd");
  private static final long POLL_MILLIS = 10;

  private ProcessResources() {}

  /**
   * Returns the names of live threads whose name starts with {@code prefix}.
   *
   * @param prefix the start of the thread names to look for
   */
  public static List<String> threadsNamed(String prefix) {
    List<String> names = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && t.getName().startsWith(prefix)) {
        names.add(t.getName());
      }
    }
    return names;
  }

  /** Returns this process's open file descriptors, or -1 where /proc is missing (not Linux). */
  public static long openFds() {
    return countFds(target -> true);
  }

  /** Returns this process's open sockets (of any kind), or -1 where /proc is missing. */
  public static long openSockets() {
    return countFds(target -> target.startsWith("socket:"));
  }

  /**
   * Describes this process's open sockets, one line each: the descriptor, then the protocol,
   * addresses and TCP state from /proc/net ("fd 41: tcp 127.0.0.1:40312 -> 127.0.0.1:6379
   * ESTABLISHED"), or the bare inode for kinds the tables do not list (netlink). Empty where /proc
   * is missing. For leak messages that say which socket stayed open.
   */
  public static List<String> describeOpenSockets() {
    return ownSockets().stream().map(OwnSocket::describe).toList();
  }

  /**
   * Returns this process's TCP and UDP sockets (IPv4 or 6; listeners included), the kinds a network
   * client opens; not the unix sockets the JVM and libc open on first use. -1 where /proc is
   * missing.
   */
  public static long openInetSockets() {
    if (!Files.isDirectory(FDS)) {
      return -1;
    }
    return ownSockets().stream().filter(s -> s.entry() != null && s.entry().inet()).count();
  }

  /**
   * Returns this process's TCP connections (not listeners) to a remote port: for a proxy's or
   * peer's listen port, the client connections to it. -1 where /proc is missing.
   *
   * @param port the remote port
   */
  public static long tcpConnectionsTo(int port) {
    if (!Files.isDirectory(FDS)) {
      return -1;
    }
    return ownSockets().stream()
        .filter(s -> s.entry() != null && s.entry().tcpConnection())
        .filter(s -> s.entry().remotePort() == port)
        .count();
  }

  /** An open socket descriptor and what the /proc/net tables say of it (null: not listed). */
  private record OwnSocket(String fd, String inode, ProcSockets.Entry entry) {
    String describe() {
      return "fd " + fd + ": " + (entry != null ? entry.describe() : "socket inode " + inode);
    }
  }

  /** This process's open socket descriptors; empty where /proc is missing. */
  private static List<OwnSocket> ownSockets() {
    if (!Files.isDirectory(FDS)) {
      return List.of();
    }
    Map<String, ProcSockets.Entry> known = ProcSockets.byInode();
    List<OwnSocket> sockets = new ArrayList<>();
    try (Stream<Path> fds = Files.list(FDS)) {
      fds.forEach(
          fd -> {
            String target = linkTarget(fd);
            if (target.startsWith("socket:[")) {
              String inode = target.substring("socket:[".length(), target.length() - 1);
              sockets.add(new OwnSocket(fd.getFileName().toString(), inode, known.get(inode)));
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sockets;
  }

  private static String linkTarget(Path fd) {
    try {
      return Files.readSymbolicLink(fd).toString();
    } catch (IOException closedMeanwhile) {
      return "";
    }
  }

  private static long countFds(Predicate<String> kind) {
    if (!Files.isDirectory(FDS)) {
      return -1;
    }
    try (Stream<Path> fds = Files.list(FDS)) {
      return fds.filter(
              fd -> {
                String target = linkTarget(fd);
                return !target.isEmpty() && kind.test(target);
              })
          .count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits until a count drops to at most {@code max}, polling every 10 ms (the kernel's tables and
   * other libraries' threads give nothing to wait on).
   *
   * @param count what to count
   * @param max the most allowed
   * @param within the longest to wait
   * @return the last count seen: at most {@code max}, or the count when the time ran out
   * @throws InterruptedException if interrupted while waiting
   */
  public static long awaitAtMost(LongSupplier count, long max, Duration within)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    long now = count.getAsLong();
    while (now > max && System.nanoTime() - deadline < 0) {
      Thread.sleep(POLL_MILLIS);
      now = count.getAsLong();
    }
    return now;
  }

  /**
   * Waits until a condition holds, polling every 10 ms: for what a test cannot wait on with a latch
   * (a pool's counters, a peer seeing a close, a thread reaching a park).
   *
   * @param condition what to wait for
   * @param within the longest to wait
   * @return whether it held before the time ran out
   * @throws InterruptedException if interrupted while waiting
   */
  public static boolean awaitTrue(BooleanSupplier condition, Duration within)
      throws InterruptedException {
    return awaitAtMost(() -> condition.getAsBoolean() ? 0 : 1, 0, within) == 0;
  }

  /**
   * Waits until a count has stayed the same for {@code quiet} (so that what was still closing has
   * closed), then returns it: a baseline to compare a later count with.
   *
   * @param count what to count
   * @param quiet how long the count must not change
   * @param within the longest to wait in all
   * @return the count once stable, or the last count when the time ran out
   * @throws InterruptedException if interrupted while waiting
   */
  public static long awaitStable(LongSupplier count, Duration quiet, Duration within)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    long last = count.getAsLong();
    long stableSince = System.nanoTime();
    while (System.nanoTime() - stableSince < quiet.toNanos() && System.nanoTime() - deadline < 0) {
      Thread.sleep(POLL_MILLIS);
      long now = count.getAsLong();
      if (now != last) {
        last = now;
        stableSince = System.nanoTime();
      }
    }
    return last;
  }
}
