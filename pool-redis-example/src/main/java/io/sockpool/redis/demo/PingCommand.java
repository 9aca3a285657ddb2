package io.sockpool.redis.demo;

import io.sockpool.PoolConfig;
import io.sockpool.SocketPool;
import io.sockpool.TlsStats;
import io.sockpool.redis.RedisClient;
import io.sockpool.redis.RedisPingValidator;
import io.sockpool.redis.RedisUri;
import io.sockpool.redis.demo.cli.Cli;
import io.sockpool.redis.demo.cli.PingArguments;
import io.sockpool.redis.demo.cli.Quantities;
import io.sockpool.redis.demo.cli.TlsArguments;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ping}: a PING load against Redis through a {@link SocketPool}, with one progress line a
 * second and a final report (ops, errors, latency percentiles, pool stats, and the pool size the
 * measured load calls for next to the size used).
 *
 * <p>Steps: find the server ({@code --redis}, else localhost:6379 if it answers, else an embedded
 * redis-server); read its {@code timeout} and {@code maxclients} and configure the pool to close
 * idle connections before the server does and to stay under the client limit; pre-connect the pool;
 * warm up (not measured); run the load for {@code --duration} (optionally killing every client
 * connection from the side every {@code --kill-every}); report.
 */
@Command(
    name = "ping",
    description = "A PING load against Redis through the pool, then a report.",
    footer = {
      "Durations: " + Quantities.DURATION_SYNTAX + ".",
      "Exit codes: 0 every PING succeeded, 1 some failed, 2 bad arguments or no usable Redis.%n"
    })
public final class PingCommand implements Callable<Integer> {
  /** Checkout deadline and per-command timeout used by the demo. */
  static final Duration TIMEOUT = Duration.ofSeconds(2);

  private static final Duration MAX_IDLE = Duration.ofSeconds(60);

  @Spec private CommandSpec spec;

  @Option(
      names = "--redis",
      paramLabel = "URI",
      converter = Quantities.RedisAddress.class,
      description = {
        "the server: redis://host:port, rediss://host:port (TLS), unix:///path.sock or host:port;",
        "default localhost:6379 if it answers, else an embedded one (with --tls: always embedded)"
      })
  private RedisUri redis;

  @Option(
      names = "--threads",
      paramLabel = "N",
      defaultValue = "8",
      converter = Quantities.Count.class,
      description = "load threads, 1..1024 (default ${DEFAULT-VALUE})")
  private int threads;

  @Option(
      names = "--duration",
      paramLabel = "D",
      defaultValue = "10s",
      description = "how long the measured load runs, 100ms..24h (default ${DEFAULT-VALUE})")
  private Duration duration;

  @Option(
      names = "--pool-size",
      paramLabel = "N",
      converter = Quantities.Count.class,
      description = "connections, 1..1024 (default: the thread count)")
  private Integer poolSize;

  @Option(names = "--json", description = "print the report as JSON too (the last line)")
  private boolean json;

  @Option(
      names = "--kill-every",
      paramLabel = "D",
      description = "kill every client connection from the side this often, 100ms..24h")
  private Duration killEvery;

  @Option(names = "--tls", description = "speak TLS (implied by rediss://)")
  private boolean tls;

  @Option(
      names = "--cacert",
      paramLabel = "FILE",
      description = "PEM file of the CA certificates to trust (default: the JDK's trust store)")
  private Path caCert;

  @Option(
      names = "--cert",
      paramLabel = "FILE",
      description = "PEM file of the client certificate, for mutual TLS (with --key)")
  private Path cert;

  @Option(
      names = "--key",
      paramLabel = "FILE",
      description = "PEM file of the client certificate's private key (with --cert)")
  private Path key;

  @Option(
      names = "--sni",
      paramLabel = "NAME",
      description = "server name for the handshake and the certificate check (default: the host)")
  private String sni;

  @Option(
      names = "--insecure",
      description = "do not verify the server's certificate (encrypted, not authenticated)")
  private boolean insecure;

  private final PrintStream out;
  private final PrintStream err;

  /**
   * @param out progress lines and the report (with {@code --json}, the JSON object is the last
   *     line)
   * @param err error messages
   */
  public PingCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /**
   * Runs the command in-process.
   *
   * @param args the arguments after {@code ping}
   * @param out progress lines and the report
   * @param err error messages
   * @return 0 when every request succeeded, 1 when some failed (or the run was interrupted), 2 for
   *     bad arguments or when no Redis could be used
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return Cli.execute(new PingCommand(out, err), args, out, err);
  }

  /**
   * @return the options as checked arguments
   * @throws picocli.CommandLine.ParameterException if a value is out of range
   */
  PingArguments arguments() {
    return Cli.checked(
        spec,
        () ->
            new PingArguments(
                Optional.ofNullable(redis),
                threads,
                duration,
                poolSize == null ? OptionalInt.empty() : OptionalInt.of(poolSize),
                json,
                Optional.ofNullable(killEvery),
                new TlsArguments(
                    tls,
                    Optional.ofNullable(caCert),
                    Optional.ofNullable(cert),
                    Optional.ofNullable(key),
                    Optional.ofNullable(sni),
                    insecure)));
  }

  /**
   * Finds the server and runs the load; picocli calls it after parsing.
   *
   * @return the exit code
   */
  @Override
  public Integer call() {
    PingArguments options = arguments();
    RedisTarget target;
    try {
      target = RedisTarget.find(options, out, err);
    } catch (RedisTarget.UnreachableException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
    try (target) {
      return runOn(target, options, out, err);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("error: interrupted");
      return 1;
    }
  }

  private static int runOn(
      RedisTarget target, PingArguments options, PrintStream out, PrintStream err)
      throws InterruptedException {
    out.println("target: " + target.description);
    int poolSize = options.poolSize().orElse(options.threads());
    int sideConnections = options.killEvery().isPresent() ? 1 : 0;
    if (target.maxClients.isPresent()) {
      // connectedClients counts the probe that has closed since: one slot of margin
      int room = target.maxClients.getAsInt() - target.connectedClients - sideConnections;
      if (room < 1) {
        err.println(
            "error: the server has no free client slot: maxclients "
                + target.maxClients.getAsInt()
                + ", "
                + target.connectedClients
                + " connected");
        return 2;
      }
      if (poolSize > room) {
        if (options.poolSize().isPresent()) {
          err.println(
              "error: --pool-size "
                  + poolSize
                  + " would exceed the server's maxclients "
                  + target.maxClients.getAsInt()
                  + " ("
                  + target.connectedClients
                  + " clients connected, "
                  + sideConnections
                  + " needed on the side); use at most "
                  + room);
          return 2;
        }
        out.println(
            "server: maxclients "
                + target.maxClients.getAsInt()
                + " with "
                + target.connectedClients
                + " connected leaves room for "
                + room
                + " connections: pool size "
                + poolSize
                + " (the thread count)"
                + " lowered to "
                + room);
        poolSize = room;
      } else {
        out.println(
            "server: maxclients "
                + target.maxClients.getAsInt()
                + ", "
                + target.connectedClients
                + " connected: pool size "
                + poolSize
                + " fits");
      }
    } else {
      out.println("server: maxclients unknown (CONFIG GET not allowed): pool size " + poolSize);
    }
    PoolConfig.Builder config =
        PoolConfig.builder()
            .poolName("redis-demo")
            .maxTotal(poolSize)
            .maxPerEndpoint(poolSize)
            .minIdlePerEndpoint(poolSize)
            .checkoutTimeout(TIMEOUT)
            .validator(new RedisPingValidator());
    if (target.serverTimeoutSeconds.isPresent() && target.serverTimeoutSeconds.getAsInt() > 0) {
      Duration server = Duration.ofSeconds(target.serverTimeoutSeconds.getAsInt());
      Duration idle = server.multipliedBy(3).dividedBy(4);
      idle = idle.compareTo(MAX_IDLE) > 0 ? MAX_IDLE : idle;
      config.serverIdleTimeout(server).idleTimeout(idle);
      out.println(
          "server: timeout "
              + server.toSeconds()
              + " s: the pool closes connections idle for "
              + idle.toMillis()
              + " ms, before the server does");
    } else {
      out.println(
          "server: timeout "
              + (target.serverTimeoutSeconds.isPresent() ? "0 (never)" : "unknown")
              + ": the pool closes connections idle for "
              + MAX_IDLE.toSeconds()
              + " s");
      config.idleTimeout(MAX_IDLE);
    }
    if (target.poolTls != null) {
      config.tls(target.poolTls);
    }
    try (SocketPool pool = SocketPool.create(config.build())) {
      RedisClient client = new RedisClient(pool, target.endpoint, TIMEOUT);
      long t0 = System.nanoTime();
      int opened = pool.warmUp(target.endpoint, poolSize);
      out.printf(
          "pool: %d of %d connections pre-connected in %d ms%n",
          opened, poolSize, (System.nanoTime() - t0) / 1_000_000);
      PingLoad load = new PingLoad(pool, client, options.threads());
      Duration warmUp =
          options.duration().dividedBy(4).compareTo(Duration.ofSeconds(1)) > 0
              ? Duration.ofSeconds(1)
              : options.duration().dividedBy(4);
      load.run(warmUp, null, null);
      out.printf(
          "warm-up: %d ms (not measured); running %d threads for %d ms%s%n",
          warmUp.toMillis(),
          options.threads(),
          options.duration().toMillis(),
          options
              .killEvery()
              .map(k -> ", killing every client connection every " + k.toMillis() + " ms")
              .orElse(""));
      ClientKiller killer = null;
      try {
        if (options.killEvery().isPresent()) {
          killer = ClientKiller.start(target.endpoint, target.tls, options.killEvery().get());
        }
        ClientKiller k = killer;
        TlsStats before = pool.tlsStats();
        PingLoad.Result result = load.run(options.duration(), out, k == null ? null : k::killed);
        TlsStats after = pool.tlsStats();
        if (killer != null) {
          killer.close();
        }
        PingReport report = new PingReport(result, poolSize, target.maxClients, killer);
        report.printText(out);
        if (target.poolTls != null) {
          report.tls(before, after);
          out.printf(
              "  tls             %d handshakes in the pool (%d resumed a session, %d failed, mean"
                  + " %.1f ms); during the measured run: %d (each one a new connection)%n",
              after.handshakes(),
              after.resumedHandshakes(),
              after.failedHandshakes(),
              after.handshakes() == 0
                  ? 0.0
                  : after.handshakeTime().toNanos() / 1e6 / after.handshakes(),
              after.handshakes() - before.handshakes());
        }
        if (options.json()) {
          out.println(report.json());
        }
        return result.errors == 0 ? 0 : 1;
      } catch (IOException e) {
        err.println(
            "error: could not open the side connection for --kill-every: " + e.getMessage());
        return 2;
      } finally {
        if (killer != null) {
          killer.close();
        }
      }
    }
  }
}
