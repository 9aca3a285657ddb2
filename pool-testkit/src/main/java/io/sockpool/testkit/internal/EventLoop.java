package io.sockpool.testkit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One selector thread that owns every proxy socket, every link and every timer. Other threads hand
 * it work through {@link #call(IoCallable)}, which waits until the work has been done and closed
 * channels have really been released by the selector (so a disabled proxy refuses connects as soon
 * as the API call returns).
 */
final class EventLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);

  /** Go's io.Copy buffer size: a link reads at most this many bytes at once. */
  static final int READ_SIZE = 32 * 1024;

  /** Work that runs on the loop thread and may fail with an API error or an I/O error. */
  @FunctionalInterface
  interface IoCallable<T> {
    T call() throws IOException, ApiException;
  }

  /** Something to run at a point in time (System.nanoTime()). */
  static final class Timer implements Comparable<Timer> {
    final long due;
    final Runnable action;
    private final long seq;

    Timer(long due, Runnable action, long seq) {
      this.due = due;
      this.action = action;
      this.seq = seq;
    }

    @Override
    public int compareTo(Timer o) {
      int c = Long.compare(due, o.due);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private record Task(IoCallable<?> work, CompletableFuture<Object> result) {}

  private final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Task> tasks = new ConcurrentLinkedQueue<>();
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_SIZE);
  private final Random random = new Random();
  private long timerSeq;
  private volatile boolean running = true;

  EventLoop(String threadName) throws IOException {
    this.selector = Selector.open();
    this.thread = new Thread(this::run, threadName);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  Selector selector() {
    return selector;
  }

  /** The loop's one read buffer; only valid for the duration of one read callback. */
  ByteBuffer readBuffer() {
    return readBuffer;
  }

  Random random() {
    return random;
  }

  boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  Timer schedule(long dueNanos, Runnable action) {
    Timer t = new Timer(dueNanos, action, timerSeq++);
    timers.add(t);
    return t;
  }

  void cancel(Timer t) {
    if (t != null) {
      timers.remove(t);
    }
  }

  /**
   * Runs {@code work} on the loop thread and waits for it (blocking the caller).
   *
   * @throws ApiException or IOException as thrown by the work
   * @throws IllegalStateException when the loop has been closed
   */
  <T> T call(IoCallable<T> work) throws IOException, ApiException {
    if (inLoop()) {
      return work.call();
    }
    if (!running) {
      throw new IllegalStateException("the proxy event loop is closed");
    }
    CompletableFuture<Object> f = new CompletableFuture<>();
    tasks.add(new Task(work, f));
    selector.wakeup();
    try {
      @SuppressWarnings("unchecked")
      T result = (T) f.get();
      return result;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the proxy event loop", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof ApiException api) {
        throw api;
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(c);
    }
  }

  private void run() {
    try {
      while (running) {
        long wait = millisToNextTimer();
        if (wait == 0) {
          selector.selectNow();
        } else {
          selector.select(wait);
        }
        handleSelected();
        runTasks();
        runTimers();
      }
    } catch (IOException e) {
      LOG.error("proxy event loop failed", e);
    } finally {
      running = false;
      failPendingTasks();
    }
  }

  private long millisToNextTimer() {
    Timer next = timers.peek();
    if (next == null) {
      return tasks.isEmpty() ? Long.MAX_VALUE / 2 : 0;
    }
    long nanos = next.due - System.nanoTime();
    if (nanos <= 0 || !tasks.isEmpty()) {
      return 0;
    }
    return Math.max(1, (nanos + 999_999) / 1_000_000);
  }

  private void handleSelected() {
    Iterator<SelectionKey> it = selector.selectedKeys().iterator();
    while (it.hasNext()) {
      SelectionKey key = it.next();
      it.remove();
      Object att = key.attachment();
      try {
        if (att instanceof ProxyRuntime p) {
          if (key.isValid() && key.isAcceptable()) {
            p.onAcceptable();
          }
        } else if (att instanceof Connection.Side side) {
          side.onReady(key);
        }
      } catch (RuntimeException e) {
        LOG.error("unexpected failure handling a proxy socket; closing it", e);
        if (att instanceof Connection.Side side) {
          side.connection().abort();
        }
      }
    }
  }

  private void runTasks() throws IOException {
    if (tasks.isEmpty()) {
      return;
    }
    List<Runnable> completions = new ArrayList<>();
    Task t;
    while ((t = tasks.poll()) != null) {
      CompletableFuture<Object> f = t.result();
      try {
        Object r = t.work().call();
        completions.add(() -> f.complete(r));
      } catch (IOException | ApiException | RuntimeException e) {
        completions.add(() -> f.completeExceptionally(e));
      }
    }
    // Let the selector deregister (and so really close) the channels the tasks closed.
    selector.selectNow();
    handleSelected();
    completions.forEach(Runnable::run);
  }

  private void runTimers() {
    long now = System.nanoTime();
    Timer t;
    while ((t = timers.peek()) != null && t.due - now <= 0) {
      timers.poll();
      try {
        t.action.run();
      } catch (RuntimeException e) {
        LOG.error("unexpected failure in a proxy timer", e);
      }
    }
  }

  private void failPendingTasks() {
    Task t;
    while ((t = tasks.poll()) != null) {
      t.result().completeExceptionally(new IllegalStateException("the proxy event loop is closed"));
    }
  }

  /**
   * Runs {@code lastWork} on the loop, stops the loop thread, waits for it and closes the selector.
   */
  void shutdown(IoCallable<Void> lastWork) {
    try {
      call(lastWork);
    } catch (IOException | ApiException | IllegalStateException e) {
      LOG.warn("closing the proxies failed: {}", e.getMessage());
    }
    running = false;
    selector.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      selector.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    shutdown(() -> null);
  }
}
