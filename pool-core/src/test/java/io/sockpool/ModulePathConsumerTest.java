package io.sockpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.EventConsumer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.pool2.impl.GenericKeyedObjectPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

/**
 * pool-core as a named module: a tiny consumer module is compiled against target/classes and the
 * dependencies' jars on the module path, then run in its own JVM with {@code java --module-path ...
 * -m consumer/app.Main}. (The other tests run on the class path; see the surefire note in
 * pool-core's pom.)
 */
@Timeout(120)
class ModulePathConsumerTest {
  private static final String MAIN =
      String.join(
          "\n",
          "package app;",
          "import io.sockpool.*;",
          "import java.net.*;",
          "public class Main {",
          "  public static void main(String[] args) throws Exception {",
          "    Module m = SocketPool.class.getModule();",
          "    System.out.println(\"module \" + m.getName() + \" exports \"",
          "        + new java.util.TreeSet<>(m.getDescriptor().exports().stream()",
          "            .map(e -> e.source()).collect(java.util.stream.Collectors.toList())));",
          "    try (ServerSocket peer = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());",
          "        SocketPool pool = SocketPool.create(PoolConfig.builder().poolName(\"modular\")",
          // a loopback connect in a fresh JVM took over 1 s on a busy machine: room for it
          "            .jmxEnabled(true).connectTimeout(java.time.Duration.ofSeconds(20))",
          "            .checkoutTimeout(java.time.Duration.ofSeconds(30)).build())) {",
          "      Endpoint e = Endpoint.of(\"127.0.0.1\", peer.getLocalPort());",
          "      try (PooledConnection c = pool.checkout(e)) {",
          "        System.out.println(\"checked out \" + c.endpoint() + \", active \" + pool.stats(e).active());",
          "      }",
          "      System.out.println(\"sizing \" + pool.sizing(e).sample().checkouts() + \" checkout(s)\");",
          "    }",
          "  }",
          "}");

  @TempDir Path dir;

  /** The module path: pool-core's classes and the jars of the modules it requires. */
  private static String modulePath() throws Exception {
    List<String> entries = new ArrayList<>();
    for (Class<?> c :
        List.of(
            SocketPool.class,
            CircuitBreaker.class,
            EventConsumer.class,
            GenericKeyedObjectPool.class,
            Logger.class)) {
      entries.add(
          Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
    }
    return String.join(File.pathSeparator, entries);
  }

  /**
   * @return javac's errors, empty if it compiled (javac runs as a process: the tests are patched
   *     into io.sockpool, which does not read java.compiler)
   */
  private String compile(Path src, Path out) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(tool("javac"), "--module-path", modulePath(), "-d", out.toString()));
    try (Stream<Path> files = Files.walk(src)) {
      cmd.addAll(
          files
              .filter(p -> p.toString().endsWith(".java"))
              .map(Path::toString)
              .collect(Collectors.toList()));
    }
    Run r = run(cmd);
    return r.exit == 0 ? "" : r.output;
  }

  private static String tool(String name) {
    return Path.of(System.getProperty("java.home"), "bin", name).toString();
  }

  private record Run(int exit, String output) {}

  private static Run run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "finished: " + cmd);
    return new Run(p.exitValue(), output);
  }

  private Path source(String name, String moduleInfo, String mainClass) throws Exception {
    Path src = dir.resolve(name);
    Files.createDirectories(src.resolve("app"));
    Files.writeString(src.resolve("module-info.java"), moduleInfo);
    Files.writeString(src.resolve("app/Main.java"), mainClass);
    return src;
  }

  @Test
  void aConsumerModuleUsesThePoolOnTheModulePath() throws Exception {
    Path src = source("consumer", "module consumer { requires io.sockpool; }", MAIN);
    Path out = dir.resolve("consumer-out");
    assertEquals("", compile(src, out), "the consumer compiles against module io.sockpool");

    Run r =
        run(
            List.of(
                tool("java"),
                "--module-path",
                modulePath() + File.pathSeparator + out,
                "-m",
                "consumer/app.Main"));
    String output = r.output;
    assertEquals(0, r.exit, output);
    assertTrue(
        output.contains("module io.sockpool exports [io.sockpool, io.sockpool.sizing]"), output);
    assertTrue(output.contains("checked out 127.0.0.1:"), output);
    assertTrue(output.contains(", active 1"), output);
    assertTrue(output.contains("sizing 1 checkout(s)"), output);
  }

  @Test
  void theInternalPackageIsNotExported() throws Exception {
    Path src =
        source(
            "snooper",
            "module snooper { requires io.sockpool; }",
            "package app;\npublic class Main { io.sockpool.internal.KeyedChannelPool p; }\n");
    String errors = compile(src, dir.resolve("snooper-out"));
    assertTrue(
        errors.contains("package io.sockpool.internal is not visible")
            && errors.contains("does not export it"),
        errors);
  }
}
