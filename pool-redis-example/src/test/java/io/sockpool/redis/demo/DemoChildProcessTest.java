package io.sockpool.redis.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo's embedded redis-server is its child process: Ctrl-C (SIGINT to the demo's JVM) stops
 * it, and the certificates generated for the run are deleted. Runs the demo in its own JVM.
 */
class DemoChildProcessTest {
  private static final Pattern STARTED =
      Pattern.compile(
          "started an embedded redis-server with TLS on 127\\.0\\.0\\.1:(\\d+) for this run"
              + " \\(CA and server certificate generated in (\\S+)\\)");

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void ctrlCStopsTheEmbeddedTlsServerAndDeletesItsCertificates() throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process demo =
        new ProcessBuilder(
                // a build started in the background by a non-interactive shell (`mvn verify &`,
                // nohup, some CI runners) passes SIGINT down as ignored, and a JVM leaves an
                // ignored SIGINT ignored: the demo would never see the Ctrl-C this test sends.
                // A terminal's Ctrl-C reaches a program whose SIGINT is at its default, so start
                // the demo that way (coreutils env resets it before exec; same pid)
                "env",
                "--default-signal=INT",
                javaBin,
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "ping",
                "--tls",
                "--duration",
                "60s",
                "--threads",
                "1")
            .redirectErrorStream(true)
            .start();
    List<String> seen = new ArrayList<>();
    try {
      BufferedReader lines =
          new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8));
      Matcher started = null;
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        seen.add(line);
        Matcher m = STARTED.matcher(line);
        if (m.find()) {
          started = m;
          break;
        }
      }
      assertTrue(started != null, "the demo did not start the embedded server: " + seen);
      int port = Integer.parseInt(started.group(1));
      Path certificates = Path.of(started.group(2));
      ProcessHandle redis =
          demo.descendants()
              .filter(h -> h.info().command().orElse("").contains("redis-server"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no redis-server child of the demo"));
      // the demo runs on; drain its output so it never blocks on a full pipe
      Thread drain =
          new Thread(
              () -> {
                try {
                  lines.transferTo(java.io.Writer.nullWriter());
                } catch (IOException e) {
                  // the demo is gone: nothing more to read
                }
              },
              "demo-output");
      drain.setDaemon(true);
      drain.start();

      // Ctrl-C
      Process kill = new ProcessBuilder("kill", "-INT", Long.toString(demo.pid())).start();
      assertEquals(0, kill.waitFor());

      if (!demo.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError(
            "the demo did not exit within 60 s of SIGINT; its threads:\n" + threadDump(demo));
      }
      redis.onExit().get(60, TimeUnit.SECONDS);
      assertFalse(redis.isAlive(), "redis-server outlived the demo");
      assertThrows(
          IOException.class,
          () -> {
            try (Socket s = new Socket()) {
              s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            }
          },
          "something still listens on the embedded server's port " + port);
      assertFalse(Files.exists(certificates), "certificates left behind in " + certificates);
    } finally {
      demo.destroyForcibly();
      demo.descendants().forEach(ProcessHandle::destroyForcibly);
    }
  }

  /** What a hung demo is doing, for the failure message: jcmd's thread dump and its children. */
  private static String threadDump(Process demo) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process dump =
        new ProcessBuilder(jcmd.toString(), Long.toString(demo.pid()), "Thread.print")
            .redirectErrorStream(true)
            .start();
    String threads = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    dump.waitFor(30, TimeUnit.SECONDS);
    StringBuilder children = new StringBuilder();
    demo.descendants()
        .forEach(
            h ->
                children
                    .append(h.pid())
                    .append(' ')
                    .append(h.info().commandLine().orElse("?"))
                    .append('\n'));
    return threads + "\nchildren:\n" + children;
  }
}
