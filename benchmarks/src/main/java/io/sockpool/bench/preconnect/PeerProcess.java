package io.sockpool.bench.preconnect;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@link HandshakePeer} in a JVM of its own, pinned to one core with {@code taskset}, so that
 * the peer's threads (one per connection, a sleep per reply) do not compete for the cores of the
 * pool and the open-loop driver. It is asked for its accepted count over its standard input and
 * exits when that closes.
 */
final class PeerProcess implements StepPeer {
  private final Process process;
  private final PrintStream requests;
  private final BufferedReader replies;
  private final int port;

  private PeerProcess(Process process) throws IOException {
    this.process = process;
    this.requests =
        new PrintStream(process.getOutputStream(), true, StandardCharsets.US_ASCII.name());
    this.replies =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
    String first = replies.readLine();
    if (first == null || !first.startsWith("port ")) {
      String exit = exitValue(); // before the kill: a process that failed has exited already
      process.destroyForcibly();
      throw new IOException(
          "the peer process did not start: it printed '"
              + first
              + "' instead of 'port N' (exit "
              + exit
              + ")");
    }
    this.port = Integer.parseInt(first.substring(5));
  }

  /**
   * Starts the peer in a JVM of its own on one core.
   *
   * @param core the CPU it is pinned to ({@code taskset -c core})
   * @param connect the connect latency (its first reply)
   * @param service its reply time after that
   */
  static PeerProcess start(int core, Duration connect, Duration service) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("taskset", "-c", Integer.toString(core)));
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            HandshakePeer.class.getName(),
            Long.toString(connect.toNanos()),
            Long.toString(service.toNanos())));
    return new PeerProcess(
        new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start());
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public int accepted() throws IOException {
    requests.println("accepted");
    String line = replies.readLine();
    if (line == null) {
      throw new IOException("the peer process exited (exit " + exitValue() + ")");
    }
    return Integer.parseInt(line.trim());
  }

  private String exitValue() {
    return process.isAlive() ? "none yet" : Integer.toString(process.exitValue());
  }

  @Override
  public void close() throws IOException {
    requests.close(); // the peer exits at the end of its input
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
