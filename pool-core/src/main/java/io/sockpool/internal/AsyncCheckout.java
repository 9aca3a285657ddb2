package io.sockpool.internal;

import io.sockpool.CheckoutException;
import io.sockpool.PooledConnection;
import io.sockpool.internal.queue.Handoff;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One asynchronous checkout: the same {@link Checkout} (admission, queue, fairness window,
 * deadline, breaker attribution, failures), driven by events instead of a parked thread.
 *
 * <p>Its steps run one at a time, never two at once (a work-in-progress count, as in a serial
 * executor). A step without I/O runs in the thread that caused it: the caller's first look (take an
 * idle connection or a slot, else a place in the queue), and every look at the queue after an
 * event: a hand-off to its place (the {@code wake} action of {@link
 * io.sockpool.internal.queue.Waiters#joinAsync}, in the handing thread), the end of its fairness
 * window and its deadline (one timer each, on the pool's timer thread), and the future completed by
 * someone else (a {@code cancel()}, in the cancelling thread: the place goes back at once, and
 * whatever was handed to it goes on to the next waiter). What needs I/O (a connect, a validation)
 * and every completion run on the completion executor, never under a pool lock. No thread is
 * parked, and no task is queued, per waiting future.
 */
final class AsyncCheckout {
  private final Checkout checkout;
  private final AsyncCheckouts ctx;
  private final CompletableFuture<PooledConnection> future = new CompletableFuture<>();
  private final AtomicInteger wip = new AtomicInteger();
  private boolean finished; // guarded by the one-at-a-time rule
  private boolean timersArmed;
  private Handoff<PooledChannel> found; // what a look without I/O found, for the executor's step
  private ScheduledFuture<?> windowTimer;
  private ScheduledFuture<?> deadlineTimer;

  AsyncCheckout(Checkout checkout, AsyncCheckouts ctx) {
    this.checkout = checkout;
    this.ctx = ctx;
  }

  /**
   * Starts the checkout; the future completes on the completion executor, or is returned completed
   * when the first look finds a ready connection and the pool serves those inline.
   */
  CompletableFuture<PooledConnection> start() {
    wip.incrementAndGet(); // this thread runs the first step: signals meanwhile wait for it
    try {
      checkout.begin();
      found = checkout.firstLook(this::signal);
      PooledConnection ready = ctx.inlineWhenReady() ? serveIfReady() : null;
      if (ready != null) {
        finished = true; // nothing queued, no timer armed: nobody signals this checkout again
        return CompletableFuture.completedFuture(ready);
      }
    } catch (CheckoutException | RuntimeException e) {
      finished = true;
      Handoff<PooledChannel> h = found;
      found = null;
      if (h != null) {
        checkout.giveBack(h);
      }
      checkout.abandon();
      if (!(e instanceof io.sockpool.EndpointUnavailableException)) {
        checkout.failed(); // the permission taken by begin() gets its outcome
      }
      return CompletableFuture.failedFuture(e);
    }
    // a cancel() or a foreign completion wakes the next step; the dependent stage is not needed
    CompletableFuture<?> unused = future.whenComplete((lease, failure) -> signal());
    if (found != null) {
      hop(); // connect or vet on the executor, with what the first look found
      return future;
    }
    lookWithoutIoLoop(); // queued: arms the timers, and sees what came while it joined
    return future;
  }

  /**
   * With {@link AsyncCheckouts#inlineWhenReady()}: serves an idle connection the first look found
   * in the caller's thread if it owes no validation round trip (the time rules and the probe do no
   * blocking I/O), instead of on the executor.
   *
   * @return the lease, or null: the executor goes on with {@link #found}
   */
  private PooledConnection serveIfReady() throws CheckoutException {
    if (!(found instanceof Handoff.Channel<PooledChannel> given)) {
      return null; // a slot (a connect), nothing, or queued
    }
    return switch (checkout.vetWithoutIo(given.channel())) {
      case READY -> {
        found = null;
        yield checkout.serve(given.channel());
      }
      case DESTROYED -> {
        found = Handoff.nothing(); // failed the rules: the executor looks again
        yield null;
      }
      case ROUND_TRIP -> null; // a validation round trip: on the executor
    };
  }

  /**
   * Something happened: unless a step runs (which then runs again), looks at it here without I/O
   * (in the thread that handed over, cancelled or fired a timer): still queued, it stays; given up
   * or past the deadline, it gives everything back here; anything to connect, vet or complete goes
   * to the executor.
   */
  private void signal() {
    if (wip.getAndIncrement() == 0) {
      lookWithoutIoLoop();
    }
  }

  /** Runs the signals that came (this thread owns the work-in-progress count). */
  private void lookWithoutIoLoop() {
    do {
      if (!finished && !lookWithoutIo()) {
        hop(); // the executor's drain takes the remaining signals over
        return;
      }
    } while (wip.decrementAndGet() != 0);
  }

  /**
   * @return false if the executor must go on (with {@link #found} set)
   */
  private boolean lookWithoutIo() {
    if (future.isDone()) {
      giveUp(null); // cancelled, or completed by someone else
      return true;
    }
    if (!checkout.isQueued()) {
      return false;
    }
    try {
      found = checkout.pollQueued();
      if (found == null) {
        armTimers();
        return true;
      }
      return false;
    } catch (CheckoutException | RuntimeException e) {
      giveUp(e); // past the deadline, or the pool closed
      return true;
    }
  }

  private void hop() {
    try {
      ctx.executor().execute(this::drain);
    } catch (RejectedExecutionException closing) {
      drain();
    }
  }

  private void drain() {
    do {
      if (!finished) {
        step();
      }
    } while (wip.decrementAndGet() != 0);
  }

  private void step() {
    Handoff<PooledChannel> h = found;
    found = null;
    if (future.isDone()) { // cancelled, or completed by someone else: give everything back
      if (h != null) {
        checkout.giveBack(h);
      }
      giveUp(null);
      return;
    }
    try {
      PooledChannel ch = checkout.advance(h, this::signal);
      if (ch == null) {
        armTimers(); // queued
        return;
      }
      PooledConnection lease = checkout.serve(ch);
      finished = true;
      cancelTimers();
      if (!future.complete(lease)) {
        lease.close(); // cancelled meanwhile: the connection goes back (to the next waiter)
      }
    } catch (CheckoutException | RuntimeException | Error e) {
      giveUp(e);
    }
  }

  private void giveUp(Throwable failure) {
    finished = true;
    checkout.abandon();
    cancelTimers();
    checkout.failed();
    if (failure == null) {
      return;
    }
    try {
      ctx.executor().execute(() -> future.completeExceptionally(failure));
    } catch (RejectedExecutionException closing) {
      future.completeExceptionally(failure);
    }
  }

  private void armTimers() {
    if (timersArmed || !checkout.isQueued()) {
      return;
    }
    timersArmed = true;
    long now = System.nanoTime();
    long windowEnd = checkout.windowEnd();
    if (windowEnd - now > 0 && windowEnd != checkout.deadline()) {
      windowTimer = ctx.schedule(this::signal, windowEnd - now);
    }
    deadlineTimer = ctx.schedule(this::signal, checkout.deadline() - now);
  }

  private void cancelTimers() {
    if (windowTimer != null) {
      windowTimer.cancel(false);
    }
    if (deadlineTimer != null) {
      deadlineTimer.cancel(false);
    }
  }
}
