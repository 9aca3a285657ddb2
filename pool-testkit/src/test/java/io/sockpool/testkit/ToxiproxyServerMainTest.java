package io.sockpool.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.rekawek.toxiproxy.ToxiproxyClient;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The command line: argument checking in-process, and a real process stopped with SIGTERM. */
class ToxiproxyServerMainTest {

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void defaultsAreLoopbackAndToxiproxysPort() throws ToxiproxyServerMain.UsageException {
    assertEquals(
        new ToxiproxyServerMain.Options("127.0.0.1", 8474),
        ToxiproxyServerMain.parse(new String[0]));
    assertEquals(
        new ToxiproxyServerMain.Options("0.0.0.0", 0),
        ToxiproxyServerMain.parse(new String[] {"--host", "0.0.0.0", "--port=0"}));
    assertEquals(
        new ToxiproxyServerMain.Options("localhost", 9000),
        ToxiproxyServerMain.parse(new String[] {"-host", "localhost", "-port", "9000"}));
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void badArgumentsExitWithStatus2AndSayWhatIsWrong() {
    assertBad("--port must be a number from 0 to 65535, but was '70000'", "--port", "70000");
    assertBad("--port must be a number from 0 to 65535, but was 'abc'", "--port", "abc");
    assertBad("missing value after --host", "--host");
    assertBad("unknown argument '--verbose' (allowed: --host HOST, --port PORT)", "--verbose");
  }

  private static void assertBad(String message, String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status =
        ToxiproxyServerMain.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, status);
    String text = err.toString(StandardCharsets.UTF_8);
    assertTrue(text.startsWith("toxiproxy-server: " + message + "\n"), text);
    assertTrue(text.contains("usage: java -jar toxiproxy-server.jar"), text);
    assertThrows(ToxiproxyServerMain.UsageException.class, () -> ToxiproxyServerMain.parse(args));
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void standaloneProcessPrintsItsAddressServesTheApiAndStopsOnSigterm()
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                List.of(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    ToxiproxyServerMain.class.getName(),
                    "--port",
                    "0"))
            .redirectErrorStream(true)
            .start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      Pattern addr = Pattern.compile("toxiproxy-server listening on http://127\\.0\\.0\\.1:(\\d+)");
      int port = -1;
      String line;
      while ((line = out.readLine()) != null) {
        Matcher m = addr.matcher(line);
        if (m.find()) {
          port = Integer.parseInt(m.group(1));
          break;
        }
      }
      assertTrue(port > 0, "the address was printed");
      ToxiproxyClient client = new ToxiproxyClient("127.0.0.1", port);
      client.createProxy("p", "127.0.0.1:0", "127.0.0.1:1");
      assertEquals(1, client.getProxies().size());
      assertTrue(
          p.toHandle().destroy(), "SIGTERM sent"); // unlike Process.destroy(), keeps stdout open
      StringBuilder tail = new StringBuilder();
      while ((line = out.readLine()) != null) {
        tail.append(line).append('\n');
      }
      assertTrue(p.waitFor(15, TimeUnit.SECONDS), "stopped after SIGTERM");
      assertTrue(
          tail.toString().contains("toxiproxy-server stopped"),
          "clean shutdown, but printed: " + tail);
      int finalPort = port;
      assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", finalPort).close());
    } finally {
      p.destroyForcibly();
    }
  }
}
