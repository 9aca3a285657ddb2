package io.sockpool.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockpool.testkit.FakePeer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A new user's application, built by a nested Maven with {@code spring-boot-starter-parent} as its
 * parent and only the starter as sockpool dependency (src/it/boot-consumer), then started for real
 * against a local peer: it must start under Boot's managed commons-pool2 and check out a
 * connection. The nested build gets a local repository of its own under target/, seeded with this
 * tree's modules (so nothing is installed into ~/.m2) and reading everything else from ~/.m2 as a
 * file repository, then Maven Central.
 */
@Timeout(600)
class ConsumerBuildTest {
  private static final String VERSION = "0.1.0-SNAPSHOT";
  private static final Path ROOT = Paths.get("..").toAbsolutePath().normalize();

  @Test
  void aBootApplicationWithOnlyTheStarterStartsAndChecksOut() throws Exception {
    String boot = System.getProperty("consumer.boot.version", "3.5.16");
    Path work = Paths.get("target", "consumer-it-" + boot).toAbsolutePath();
    Path repo = work.resolve("repo");
    Path project = work.resolve("boot-consumer");
    deleteTree(work);
    seed(repo);
    copyTree(Paths.get("src", "it", "boot-consumer"), project);
    Path pom = project.resolve("pom.xml");
    Files.writeString(
        pom,
        Files.readString(pom)
            .replace("@boot.version@", boot)
            .replace("@sockpool.version@", VERSION));
    Path settings = work.resolve("settings.xml");
    Files.writeString(settings, settings());

    Path cpFile = project.resolve("cp.txt");
    String build =
        run(
            project,
            List.of(
                "mvn",
                "-B",
                "-q",
                "-s",
                settings.toString(),
                "-Dmaven.repo.local=" + repo,
                "compile",
                "org.apache.maven.plugins:maven-dependency-plugin:build-classpath",
                "-Dmdep.outputFile=" + cpFile),
            300);
    String classpath = Files.readString(cpFile).trim();
    assertThat(classpath)
        .as("Boot's managed commons-pool2, the starter and pool-core; build output: %s", build)
        .contains("commons-pool2-2.12.1.jar")
        .contains("sockpool-spring-boot-starter-" + VERSION + ".jar")
        .contains("pool-core-" + VERSION + ".jar");

    try (FakePeer peer = new FakePeer()) {
      String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
      String out =
          run(
              project,
              List.of(
                  java,
                  "-Dconsumer.endpoint=" + peer.hostAndPort(),
                  "-cp",
                  project.resolve("target/classes") + File.pathSeparator + classpath,
                  "consumer.ConsumerApp",
                  "--sockpool.max-total=12",
                  "--sockpool.pool-name=consumer",
                  "--spring.main.banner-mode=off"),
              120);
      assertThat(out)
          .contains("CONSUMER CHECKOUT OK pool=consumer maxTotal=12 commons-pool2=2.12.1")
          .contains("CONSUMER CLOSED");
    }
  }

  /** Installs this tree's modules into the nested build's own local repository. */
  private static void seed(Path repo) throws IOException {
    Path base = repo.resolve("io/sockpool");
    install(base, "sockpool-parent", ROOT.resolve("pom.xml"), null);
    install(
        base,
        "pool-core",
        ROOT.resolve("pool-core/pom.xml"),
        ROOT.resolve("pool-core/target/classes"));
    install(
        base,
        "pool-micrometer",
        ROOT.resolve("pool-micrometer/pom.xml"),
        ROOT.resolve("pool-micrometer/target/classes"));
    install(
        base,
        "sockpool-spring-boot-starter",
        ROOT.resolve("sockpool-spring-boot-starter/pom.xml"),
        ROOT.resolve("sockpool-spring-boot-starter/target/classes"));
  }

  private static void install(Path base, String artifact, Path pom, Path classes)
      throws IOException {
    Path dir = base.resolve(artifact).resolve(VERSION);
    Files.createDirectories(dir);
    Files.copy(pom, dir.resolve(artifact + "-" + VERSION + ".pom"));
    if (classes != null) {
      assertThat(classes).as("compiled by the reactor before this test").isDirectory();
      jar(classes, dir.resolve(artifact + "-" + VERSION + ".jar"));
    }
  }

  private static void jar(Path classes, Path jar) throws IOException {
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        Files.copy(f, out);
        out.closeEntry();
      }
    }
  }

  /** ~/.m2 as a file repository ahead of Maven Central: no download where it has everything. */
  private static String settings() {
    String m2 = Paths.get(System.getProperty("user.home"), ".m2", "repository").toUri().toString();
    String repo =
        "<id>user-m2</id><url>"
            + m2
            + "</url><releases><enabled>true</enabled></releases>"
            + "<snapshots><enabled>false</enabled></snapshots>";
    return "<settings><profiles><profile><id>user-m2</id>"
        + "<repositories><repository>"
        + repo
        + "</repository></repositories>"
        + "<pluginRepositories><pluginRepository>"
        + repo
        + "</pluginRepository></pluginRepositories>"
        + "</profile></profiles><activeProfiles><activeProfile>user-m2</activeProfile>"
        + "</activeProfiles></settings>";
  }

  private static String run(Path dir, List<String> command, int timeoutSeconds)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile(dir, "run", ".log");
    Process p =
        new ProcessBuilder(new ArrayList<>(command))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly().waitFor();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(done).as("%s still running after %d s: %s", command, timeoutSeconds, out).isTrue();
    assertThat(p.exitValue()).as("%s failed: %s", command, out).isZero();
    return out;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files.sorted()::iterator) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files.sorted((a, b) -> b.compareTo(a))::iterator) {
        Files.delete(f);
      }
    }
  }
}
