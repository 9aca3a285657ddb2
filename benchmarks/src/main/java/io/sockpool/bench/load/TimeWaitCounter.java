package io.sockpool.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Counts TCP sockets in TIME_WAIT that have a given port at either end, with {@code ss -tan state
 * time-wait} or, if {@code ss} is missing, from {@code /proc/net/tcp} and {@code /proc/net/tcp6}
 * (state {@code 06}). On other systems the count is unavailable.
 */
public final class TimeWaitCounter {
  private static final String PROC_TIME_WAIT = "06";

  private TimeWaitCounter() {}

  /**
   * Counts now.
   *
   * @param port the Redis port; sockets whose local or peer port is this one are counted
   * @return the count, or empty if neither {@code ss} nor {@code /proc/net/tcp} could be read
   */
  public static Optional<Long> count(int port) {
    Optional<Long> viaSs = countWithSs(port);
    return viaSs.isPresent() ? viaSs : countWithProc(port);
  }

  private static Optional<Long> countWithSs(int port) {
    Process process;
    try {
      process =
          new ProcessBuilder("ss", "-tan", "state", "time-wait").redirectErrorStream(true).start();
    } catch (IOException e) {
      return Optional.empty();
    }
    try (InputStream in = process.getInputStream()) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(5, TimeUnit.SECONDS) || process.exitValue() != 0) {
        return Optional.empty();
      }
      return Optional.of(countSsLines(text.lines().toList(), port));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } finally {
      process.destroy();
    }
  }

  /**
   * Counts lines of {@code ss -tan state time-wait} output ({@code Recv-Q Send-Q Local:Port
   * Peer:Port}; the state column is absent when filtering by state) touching {@code port}.
   */
  static long countSsLines(List<String> lines, int port) {
    long n = 0;
    for (String line : lines) {
      String[] cols = line.trim().split("\\s+", -1);
      if (cols.length < 4 || !cols[0].chars().allMatch(Character::isDigit)) {
        continue; // header or blank
      }
      if (portOf(cols[2]) == port || portOf(cols[3]) == port) {
        n++;
      }
    }
    return n;
  }

  private static int portOf(String addressAndPort) {
    int colon = addressAndPort.lastIndexOf(':');
    try {
      return colon < 0 ? -1 : Integer.parseInt(addressAndPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      return -1; // "*" and the like: not a port, never equal to a real one
    }
  }

  private static Optional<Long> countWithProc(int port) {
    long n = 0;
    boolean readAny = false;
    for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      try {
        n += countProcLines(Files.readAllLines(Path.of(file), StandardCharsets.US_ASCII), port);
        readAny = true;
      } catch (IOException e) {
        // tcp6 may be missing when IPv6 is off; the other file still counts
      }
    }
    return readAny ? Optional.of(n) : Optional.empty();
  }

  /**
   * Counts lines of {@code /proc/net/tcp[6]} ({@code sl local rem st ...}, addresses as {@code
   * HEXADDR:HEXPORT}) in state 06 touching {@code port}.
   */
  static long countProcLines(List<String> lines, int port) {
    long n = 0;
    for (String line : lines) {
      String[] cols = line.trim().split("\\s+", -1);
      if (cols.length < 4 || !cols[0].endsWith(":") || !PROC_TIME_WAIT.equals(cols[3])) {
        continue;
      }
      if (hexPort(cols[1]) == port || hexPort(cols[2]) == port) {
        n++;
      }
    }
    return n;
  }

  private static int hexPort(String hexAddressAndPort) {
    int colon = hexAddressAndPort.lastIndexOf(':');
    return colon < 0 ? -1 : Integer.parseInt(hexAddressAndPort.substring(colon + 1), 16);
  }
}
