package io.sockpool.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.ProcessResources;
import java.io.File;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A new user's web application with the actuator, built by a nested Maven with {@code
 * spring-boot-starter-parent} as its parent and only the starter as sockpool dependency
 * (src/it/boot-consumer), once per Spring Boot line ({@code consumer.boot.versions}: 3.5 and 4.0,
 * whose actuator moved the health API), then started for real against a local peer: it must start
 * under Boot's managed commons-pool2, check out a connection, and answer {@code
 * /actuator/health/sockpool} and {@code /actuator/sockpool} over HTTP. The nested build gets a
 * local repository of its own under target/, seeded with this tree's modules (so nothing is
 * installed into ~/.m2) and reading everything else from ~/.m2 as a file repository, then Maven
 * Central; what it downloads stays there for the next run.
 */
@Timeout(900)
class ConsumerBuildTest {
  private static final String VERSION = "0.1.0-SNAPSHOT";
  private static final Path ROOT = Paths.get("..").toAbsolutePath().normalize();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static final Pattern PORT = Pattern.compile("CONSUMER PORT (\\d+)");

  static List<String> bootVersions() {
    return Arrays.stream(System.getProperty("consumer.boot.versions", "3.5.16,4.0.7").split(","))
        .map(String::trim)
        .filter(v -> !v.isEmpty())
        .toList();
  }

  @ParameterizedTest(name = "Spring Boot {0}")
  @MethodSource("bootVersions")
  void aBootApplicationWithOnlyTheStarterStartsChecksOutAndAnswersHealthAndTheEndpoint(String boot)
      throws Exception {
    Path work = Paths.get("target", "consumer-it-" + boot).toAbsolutePath();
    Path repo = work.resolve("repo");
    Path project = work.resolve("boot-consumer");
    deleteTree(project);
    deleteTree(repo.resolve("io/sockpool"));
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
            600);
    String classpath = Files.readString(cpFile).trim();
    assertThat(classpath)
        .as("Boot's own jars, the starter and pool-core; build output: %s", build)
        .contains("spring-boot-" + boot + ".jar")
        .contains("sockpool-spring-boot-starter-" + VERSION + ".jar")
        .contains("pool-core-" + VERSION + ".jar");
    Matcher pool2 = Pattern.compile("commons-pool2-([0-9.]+)\\.jar").matcher(classpath);
    assertThat(pool2.find()).as("commons-pool2 on %s", classpath).isTrue();

    try (FakePeer peer = new FakePeer()) {
      String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
      Path log = Files.createTempFile(project, "app", ".log");
      Process app =
          new ProcessBuilder(
                  java,
                  "-Dconsumer.endpoint=" + peer.hostAndPort(),
                  "-cp",
                  project.resolve("target/classes") + File.pathSeparator + classpath,
                  "consumer.ConsumerApp",
                  "--server.port=0",
                  "--sockpool.max-total=12",
                  "--sockpool.pool-name=consumer",
                  "--sockpool.endpoints=" + peer.hostAndPort(),
                  "--management.endpoints.web.exposure.include=health,sockpool",
                  "--management.endpoint.health.show-details=always",
                  "--spring.main.banner-mode=off")
              .directory(project.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      try {
        int port = awaitPort(app, log);
        String out = Files.readString(log);
        assertThat(out)
            .contains(
                "CONSUMER CHECKOUT OK pool=consumer maxTotal=12 commons-pool2=" + pool2.group(1));

        JsonNode health = get(port, "/actuator/health/sockpool", out);
        assertThat(health.path("status").asText()).as("health: %s", health).isEqualTo("UP");
        JsonNode endpoint = health.path("details").path("pools").path("default").path("endpoints");
        assertThat(endpoint.path(peer.hostAndPort()).path("configured").asBoolean())
            .as("health: %s", health)
            .isTrue();
        assertThat(endpoint.path(peer.hostAndPort()).path("available").asBoolean())
            .as("health: %s", health)
            .isTrue();
        assertThat(get(port, "/actuator/health", out).path("components").has("sockpool")).isTrue();

        JsonNode view = get(port, "/actuator/sockpool", out);
        assertThat(view.path("default").path("name").asText()).isEqualTo("consumer");
        assertThat(
                view.path("default")
                    .path("endpoints")
                    .path(peer.hostAndPort())
                    .path("checkouts")
                    .asLong())
            .as("/actuator/sockpool: %s", view)
            .isGreaterThanOrEqualTo(1);
      } finally {
        try (Writer stdin = new OutputStreamWriter(app.getOutputStream(), StandardCharsets.UTF_8)) {
          stdin.write("stop\n");
        } catch (IOException alreadyGone) {
          // the process ended on its own: its output says why
        }
        boolean done = app.waitFor(120, TimeUnit.SECONDS);
        if (!done) {
          app.destroyForcibly().waitFor();
        }
      }
      String out = Files.readString(log);
      assertThat(app.exitValue()).as("the application's exit; output: %s", out).isZero();
      assertThat(out).contains("CONSUMER CLOSED");
    }
  }

  /** Reads the port the application printed once started (bounded: a slow machine gets 3 min). */
  private static int awaitPort(Process app, Path log) throws IOException, InterruptedException {
    AtomicReference<String> seen = new AtomicReference<>("");
    boolean started =
        ProcessResources.awaitTrue(
            () -> {
              try {
                seen.set(Files.readString(log));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              return PORT.matcher(seen.get()).find() || !app.isAlive();
            },
            Duration.ofMinutes(3));
    Matcher m = PORT.matcher(seen.get());
    assertThat(started && m.find())
        .as("the application printed no port within 3 minutes (alive: %s): %s", app.isAlive(), seen)
        .isTrue();
    return Integer.parseInt(m.group(1));
  }

  private static JsonNode get(int port, String path, String appOutput)
      throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode())
        .as("GET %s: %s; application output: %s", path, r.body(), appOutput)
        .isEqualTo(200);
    return JSON.readTree(r.body());
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
