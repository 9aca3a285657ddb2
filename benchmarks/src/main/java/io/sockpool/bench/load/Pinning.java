package io.sockpool.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The harness' {@code --pin} mode: the load JVM on core 0 and redis-server on core 1, with {@code
 * taskset}. On a 2-core machine that stops the scheduler from moving the two processes onto the
 * same core and back, which is most of the run-to-run noise there.
 *
 * <p>The JVM pins all its threads (existing ones with {@code taskset -a}; threads started later
 * inherit the mask of the thread that starts them), after start-up, so it keeps the collector and
 * thread counts it chose for the whole machine. redis-server is found among this JVM's descendants
 * (the embedded one); an external one is left alone and the report says so.
 */
final class Pinning {
  private Pinning() {}

  /**
   * Pins, where possible, and says what it did.
   *
   * @param redisPort the port redis-server listens on (to find its process)
   * @return one line for the log, e.g. "pinned: load JVM (pid 12) to core 0, redis-server (pid 13)
   *     to core 1"
   */
  static String pin(int redisPort) {
    int cores = Runtime.getRuntime().availableProcessors();
    if (cores < 2) {
      return "not pinned: this machine has " + cores + " core";
    }
    long self = ProcessHandle.current().pid();
    Optional<ProcessHandle> redis =
        ProcessHandle.current()
            .descendants()
            .filter(p -> p.info().command().orElse("").contains("redis-server"))
            .findFirst();
    try {
      taskset(self, 0);
      String report = "pinned: load JVM (pid " + self + ") to core 0";
      if (redis.isEmpty()) {
        return report
            + "; redis-server on port "
            + redisPort
            + " is not a child of this JVM: not pinned (pin it with taskset -a -p -c 1 PID)";
      }
      taskset(redis.get().pid(), 1);
      return report + ", redis-server (pid " + redis.get().pid() + ") to core 1";
    } catch (IOException e) {
      return "not pinned: " + e.getMessage();
    }
  }

  private static void taskset(long pid, int core) throws IOException {
    List<String> command =
        List.of("taskset", "-a", "-p", "-c", Integer.toString(core), Long.toString(pid));
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException("taskset could not be started (" + e.getMessage() + ")", e);
    }
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running taskset", e);
    }
  }
}
