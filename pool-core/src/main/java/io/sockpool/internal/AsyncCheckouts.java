package io.sockpool.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every {@link AsyncCheckout} of one pool works with: the executor that runs the steps that
 * may block and completes the futures, and one timer thread for fairness windows and deadlines.
 * Both are made on the first asynchronous checkout, so a pool that never uses one starts no thread.
 *
 * <p>The pool's own executor ({@code <pool>-async-N}, daemon) makes a thread per step running at
 * once, up to {@link #THREADS} (more steps queue), and ends each 10 s after its last step: a
 * waiting future runs no step, so it occupies no thread; the steps that run long are connects
 * (bounded per endpoint by {@code maxConnectingPerEndpoint}) and validation round trips.
 */
final class AsyncCheckouts {
  /** The most threads of the pool's own executor. */
  static final int THREADS = Math.max(16, 4 * Runtime.getRuntime().availableProcessors());

  private final String poolName;
  private final Executor given; // null: the pool's own
  private final boolean inlineWhenReady;
  private volatile Executor executor;
  private volatile ScheduledThreadPoolExecutor timer;
  private boolean closed; // guarded by this

  /**
   * @param poolName the pool's name, for its threads
   * @param given the user's executor, or null for the pool's own
   * @param inlineWhenReady whether a checkout that finds a ready connection completes in the
   *     caller's thread ({@link io.sockpool.PoolConfig#asyncInlineWhenReady()})
   */
  AsyncCheckouts(String poolName, Executor given, boolean inlineWhenReady) {
    this.poolName = poolName;
    this.given = given;
    this.inlineWhenReady = inlineWhenReady;
  }

  /**
   * Returns whether a checkout whose first look finds an idle connection that owes no round trip
   * completes in the caller's thread, without the hop to the executor.
   */
  boolean inlineWhenReady() {
    return inlineWhenReady;
  }

  /** Returns the completion executor (made on first use). */
  Executor executor() {
    Executor e = executor;
    if (e == null) {
      e = start();
    }
    return e;
  }

  /**
   * Runs {@code task} on the timer thread after {@code delayNanos}.
   *
   * @return its handle, to cancel it
   */
  ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
    ScheduledThreadPoolExecutor t = timer;
    if (t == null) {
      start();
      t = timer;
    }
    return t.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
  }

  private synchronized Executor start() {
    if (executor == null) {
      ScheduledThreadPoolExecutor t =
          new ScheduledThreadPoolExecutor(1, named(poolName + "-async-timer", false));
      t.setRemoveOnCancelPolicy(true);
      if (closed) {
        t.shutdown(); // scheduling fails: a step then gives up at once
      }
      timer = t;
      executor = given != null ? given : ownExecutor();
      if (closed && executor instanceof ExecutorService own && given == null) {
        own.shutdown();
      }
    }
    return executor;
  }

  /** Threads made as steps arrive, up to {@link #THREADS}, each ended after 10 s without work. */
  private Executor ownExecutor() {
    ThreadPoolExecutor e =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            10,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            named(poolName + "-async", true));
    e.allowCoreThreadTimeOut(true);
    return e;
  }

  /** Stops the timer and the pool's own executor (at close, after waiting callers were failed). */
  synchronized void close() {
    closed = true;
    if (timer != null) {
      timer.shutdownNow();
    }
    if (given == null && executor instanceof ExecutorService own) {
      own.shutdown(); // steps under way finish: their connects are closed by the pool's close
    }
  }

  private static ThreadFactory named(String prefix, boolean numbered) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, numbered ? prefix + "-" + n.incrementAndGet() : prefix);
      t.setDaemon(true);
      return t;
    };
  }
}
