package io.sockpool.bench.load;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * async-profiler attached to the load JVM for the measured window of each point only ({@code
 * --profile}): started when the window opens, stopped when it closes, written as collapsed stacks
 * ({@code profile-CLIENT-THREADSxPOOL-rN.collapsed}) with a small {@code .meta} file beside it
 * (PINGs counted, CPU µs per PING) that {@code benchmarks/scripts/profile_summary.py} reads.
 *
 * <p>async-profiler ({@code tools.profiler:async-profiler}, whose jar carries the native library
 * and extracts it) is not part of {@code benchmarks.jar}: it has to be on the class path, which
 * {@code benchmarks/scripts/profile_point.sh} arranges. It is called by reflection, so the harness
 * runs without it when {@code --profile} is not given.
 */
final class WindowProfiler {
  private final Object profiler;
  private final Method execute;
  private final String event;

  private WindowProfiler(Object profiler, Method execute, String event) {
    this.profiler = profiler;
    this.execute = execute;
    this.event = event;
  }

  /**
   * Loads async-profiler.
   *
   * @param event what to sample, as async-profiler's {@code event=...,interval=...} options without
   *     the action, e.g. {@code cpu}, {@code itimer}, {@code wall,interval=1ms}
   * @throws IOException if async-profiler is not on the class path or its library does not load
   */
  static WindowProfiler load(String event) throws IOException {
    try {
      Class<?> type = Class.forName("one.profiler.AsyncProfiler");
      Object instance = type.getMethod("getInstance").invoke(null);
      return new WindowProfiler(
          instance, type.getMethod("execute", String.class), withEvent(event));
    } catch (ClassNotFoundException e) {
      throw new IOException(
          "--profile needs async-profiler (tools.profiler:async-profiler) on the class path;"
              + " run benchmarks/scripts/profile_point.sh, which fetches it",
          e);
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IOException("async-profiler did not load: " + e, e);
    }
  }

  private static String withEvent(String options) {
    String o = options.strip();
    return o.startsWith("event=") || o.contains(",event=") ? o : "event=" + o;
  }

  /** Returns the sampling options in use, e.g. {@code event=cpu,interval=1ms}. */
  String event() {
    return event;
  }

  /** Starts sampling (discarding earlier samples). */
  void start() throws IOException {
    run("start," + event);
  }

  /** Stops sampling; the samples stay until the next {@link #start}. */
  void stop() throws IOException {
    run("stop");
  }

  /**
   * Writes the samples of the last window as collapsed stacks, and their meta file.
   *
   * @param file the collapsed-stack file to write
   * @param meta lines for {@code file + ".meta"} (key=value)
   */
  void write(Path file, List<String> meta) throws IOException {
    run("collapsed,file=" + file.toAbsolutePath());
    Files.write(Path.of(file + ".meta"), meta);
  }

  /** Returns the collapsed-stack file of one point and round. */
  static Path fileFor(Path dir, String client, LoadPoint point, int round) {
    return dir.resolve(
        String.format(
            Locale.ROOT,
            "profile-%s-%dx%d-r%d.collapsed",
            client,
            point.threads(),
            point.poolSize(),
            round));
  }

  private String run(String command) throws IOException {
    try {
      return (String) execute.invoke(profiler, command);
    } catch (InvocationTargetException e) {
      throw new IOException(
          "async-profiler refused '" + command + "': " + e.getCause().getMessage(), e.getCause());
    } catch (IllegalAccessException e) {
      throw new IOException("async-profiler: " + e, e);
    }
  }
}
