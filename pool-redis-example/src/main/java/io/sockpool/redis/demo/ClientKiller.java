package io.sockpool.redis.demo;

import io.sockpool.Endpoint;
import io.sockpool.redis.DirectRedisConnection;
import io.sockpool.redis.RedisTls;
import io.sockpool.redis.RespValue;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code --kill-every}: from a side connection, runs {@code CLIENT KILL TYPE normal SKIPME yes}
 * periodically, closing every normal client connection on the server (the pool's included) except
 * its own. Stops at the first failure (e.g. the command is not allowed) and keeps the reason.
 */
final class ClientKiller implements AutoCloseable {
  private final DirectRedisConnection connection;
  private final ScheduledExecutorService timer;
  private final AtomicLong rounds = new AtomicLong();
  private final AtomicLong killed = new AtomicLong();
  private final AtomicReference<String> failure = new AtomicReference<>();

  private ClientKiller(DirectRedisConnection connection, Duration every) {
    this.connection = connection;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "redis-demo-client-killer");
              t.setDaemon(true);
              return t;
            });
    long ms = every.toMillis();
    // killOnce records its own failures (and stops killing); nothing waits on the schedule
    ScheduledFuture<?> unused =
        timer.scheduleAtFixedRate(this::killOnce, ms, ms, TimeUnit.MILLISECONDS);
  }

  /**
   * Opens the side connection and starts killing after one period.
   *
   * @param endpoint the server
   * @param tls the TLS settings, null for plaintext
   * @param every the period
   * @return the running killer
   * @throws IOException if the side connection could not be opened
   */
  static ClientKiller start(Endpoint endpoint, RedisTls tls, Duration every) throws IOException {
    return new ClientKiller(
        DirectRedisConnection.open(endpoint, Duration.ofSeconds(2), tls), every);
  }

  private void killOnce() {
    if (failure.get() != null) {
      return;
    }
    try {
      RespValue reply = connection.callOk("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");
      if (reply instanceof RespValue.RespInteger n) {
        killed.addAndGet(n.value());
        rounds.incrementAndGet();
      } else {
        failure.set("CLIENT KILL answered " + reply + " instead of a count");
      }
    } catch (IOException | RuntimeException e) {
      failure.set(e.getMessage());
    }
  }

  /** Returns how many times CLIENT KILL ran. */
  long rounds() {
    return rounds.get();
  }

  /** Returns connections the server closed, over all rounds. */
  long killed() {
    return killed.get();
  }

  /** Returns why killing stopped, or null if it did not fail. */
  String failure() {
    return failure.get();
  }

  /** Stops the timer (waiting up to 2 s for a running kill) and closes the side connection. */
  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    connection.close();
  }
}
