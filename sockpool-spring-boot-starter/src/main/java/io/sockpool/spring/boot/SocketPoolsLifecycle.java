package io.sockpool.spring.boot;

import io.sockpool.Endpoint;
import io.sockpool.SocketPool;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Warms up the configured endpoints when the context starts, before the web server takes requests,
 * and closes the pools when it stops, after the web server's graceful shutdown has drained the
 * requests: checkouts stop, checked-out connections get the close grace period to come back.
 */
public final class SocketPoolsLifecycle implements SmartLifecycle {
  /**
   * Below the web server's phases ({@code DEFAULT_PHASE - 1024} graceful shutdown, {@code - 2048}
   * start/stop): started before, stopped after them.
   */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  private static final Logger LOG = LoggerFactory.getLogger(SocketPoolsLifecycle.class);

  private final SocketPools pools;
  private volatile boolean running;

  /**
   * @param pools the pools to warm up and close
   */
  public SocketPoolsLifecycle(SocketPools pools) {
    this.pools = pools;
  }

  @Override
  public void start() {
    for (Map.Entry<String, SocketPool> e : pools.created().entrySet()) {
      for (Endpoint endpoint : pools.endpoints(e.getKey())) {
        int opened = e.getValue().warmUp(endpoint);
        LOG.debug(
            "sockpool pool '{}': warmed up {} with {} connection(s)", e.getKey(), endpoint, opened);
      }
    }
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    pools.close();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
