package io.sockpool.testkit;

import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * Command line entry point of {@code toxiproxy-server.jar}: {@code java -jar toxiproxy-server.jar
 * [--host 127.0.0.1] [--port 8474]}. Prints the API address, runs until SIGTERM/SIGINT, then closes
 * every proxy. Exit status 2 for bad arguments, 1 when the address cannot be bound.
 */
public final class ToxiproxyServerMain {
  static final String USAGE =
      "usage: java -jar toxiproxy-server.jar [--host HOST] [--port PORT]\n"
          + "  --host HOST  address of the HTTP API (default "
          + ToxiproxyServer.DEFAULT_HOST
          + ")\n"
          + "  --port PORT  port of the HTTP API, 0 to 65535, 0 = any free port (default "
          + ToxiproxyServer.DEFAULT_PORT
          + ")";

  private ToxiproxyServerMain() {}

  /** The parsed command line. */
  record Options(String host, int port) {}

  /** Thrown for a command line that cannot be used; the message says what is wrong. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /**
   * Parses {@code --host H}, {@code --port P} (also {@code --host=H}, and Toxiproxy's {@code
   * -host}, {@code -port}).
   *
   * @throws UsageException for an unknown option, a missing value or a bad port
   */
  static Options parse(String[] args) throws UsageException {
    String host = ToxiproxyServer.DEFAULT_HOST;
    int port = ToxiproxyServer.DEFAULT_PORT;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String value = null;
      int eq = a.indexOf('=');
      if (eq > 0) {
        value = a.substring(eq + 1);
        a = a.substring(0, eq);
      }
      if (!a.equals("--host") && !a.equals("-host") && !a.equals("--port") && !a.equals("-port")) {
        throw new UsageException(
            "unknown argument '" + args[i] + "' (allowed: --host HOST, --port PORT)");
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new UsageException("missing value after " + a);
        }
        value = args[++i];
      }
      if (a.endsWith("host")) {
        if (value.isBlank()) {
          throw new UsageException("--host must not be empty");
        }
        host = value;
      } else {
        port = parsePort(value);
      }
    }
    return new Options(host, port);
  }

  private static int parsePort(String value) throws UsageException {
    try {
      int p = Integer.parseInt(value);
      if (p >= 0 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException("--port must be a number from 0 to 65535, but was '" + value + "'");
  }

  /**
   * Runs the server until the JVM is asked to stop.
   *
   * @param args {@code [--host HOST] [--port PORT]}
   */
  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      out.println(USAGE);
      return 0;
    }
    Options o;
    try {
      o = parse(args);
    } catch (UsageException e) {
      err.println("toxiproxy-server: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    ToxiproxyServer server;
    try {
      server = ToxiproxyServer.start(o.host(), o.port());
    } catch (IOException e) {
      err.println(
          "toxiproxy-server: cannot listen on "
              + o.host()
              + ":"
              + o.port()
              + ": "
              + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  out.println("toxiproxy-server stopped");
                  out.flush();
                  stopped.countDown();
                },
                "toxiproxy-shutdown"));
    out.println("toxiproxy-server listening on " + server.url());
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
