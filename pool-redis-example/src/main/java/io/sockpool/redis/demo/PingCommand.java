package io.sockpool.redis.demo;

import io.sockpool.PoolConfig;
import io.sockpool.SocketPool;
import io.sockpool.redis.RedisClient;
import io.sockpool.redis.RedisPingValidator;
import io.sockpool.redis.demo.cli.PingArguments;
import io.sockpool.redis.demo.cli.UsageException;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;

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
public final class PingCommand {
  /** Checkout deadline and per-command timeout used by the demo. */
  static final Duration TIMEOUT = Duration.ofSeconds(2);

  private static final Duration MAX_IDLE = Duration.ofSeconds(60);

  private PingCommand() {}

  /**
   * Runs the command in-process.
   *
   * @param args the arguments after {@code ping}
   * @param out progress lines and the report (with {@code --json}, the JSON object is the last
   *     line)
   * @param err error messages
   * @return 0 when every request succeeded, 1 when some failed (or the run was interrupted), 2 for
   *     bad arguments or when no Redis could be used
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      out.println(PingArguments.USAGE);
      return 0;
    }
    PingArguments options;
    try {
      options = PingArguments.parse(args);
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      err.println(PingArguments.USAGE);
      return 2;
    }
    RedisTarget target;
    try {
      target = RedisTarget.find(options.redis(), out, err);
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
              + server.getSeconds()
              + " s: the pool closes connections idle for "
              + idle.toMillis()
              + " ms, before the server does");
    } else {
      out.println(
          "server: timeout "
              + (target.serverTimeoutSeconds.isPresent() ? "0 (never)" : "unknown")
              + ": the pool closes connections idle for "
              + MAX_IDLE.getSeconds()
              + " s");
      config.idleTimeout(MAX_IDLE);
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
          killer = ClientKiller.start(target.endpoint, options.killEvery().get());
        }
        ClientKiller k = killer;
        PingLoad.Result result = load.run(options.duration(), out, k == null ? null : k::killed);
        if (killer != null) {
          killer.close();
        }
        PingReport report = new PingReport(result, poolSize, target.maxClients, killer);
        report.printText(out);
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
