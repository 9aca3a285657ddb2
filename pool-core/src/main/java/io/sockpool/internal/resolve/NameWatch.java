package io.sockpool.internal.resolve;

import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A host name watched for someone other than a connect: the members of a group resolved from a
 * name. It keeps one {@link AddressBook} (its lookups on the pool's resolver threads, one at a
 * time) and tells its {@link Outcome} the result of every lookup, once, in the thread that ended
 * it. {@link Names} starts its re-resolutions from the maintenance pass and drops it once it has
 * not been used for the pool's idle timeout.
 */
public final class NameWatch {
  /** Told the outcome of each lookup. */
  public interface Outcome {
    /**
     * A lookup answered.
     *
     * @param addresses the addresses, in the resolver's order, without duplicates; not empty
     * @throws IllegalArgumentException if the answer cannot be used (the lookup's future fails)
     */
    void answered(List<InetSocketAddress> addresses);

    /**
     * A lookup failed (no answer in time, an error, an empty or unusable answer).
     *
     * @param failure what the resolver said
     */
    void failed(Throwable failure);
  }

  private final AddressBook book;
  private final Outcome outcome;
  private volatile long usedNanos;
  private volatile long lastEndNanos;
  private CompletableFuture<List<InetSocketAddress>> pending; // guarded by this
  private boolean started; // guarded by this

  NameWatch(AddressBook book, Outcome outcome, long nowNanos) {
    this.book = book;
    this.outcome = outcome;
    this.usedNanos = nowNanos;
    this.lastEndNanos = nowNanos;
  }

  /**
   * Marks the watch used now: it stays while used at least once per the pool's idle timeout.
   *
   * @param nowNanos {@link System#nanoTime()}
   */
  public void used(long nowNanos) {
    usedNanos = nowNanos;
  }

  long usedNanos() {
    return usedNanos;
  }

  /**
   * Starts the first lookup if none was started yet (in the background).
   *
   * @return whether this call started it
   */
  public boolean startOnce() {
    synchronized (this) {
      if (started) {
        return false;
      }
    }
    CompletableFuture<List<InetSocketAddress>> unused = refresh();
    return true;
  }

  /**
   * Starts a lookup unless one is under way (then returns that one). Never blocks.
   *
   * @return the lookup's addresses, completed after the {@link Outcome} was told; failed with what
   *     the resolver said, or with the outcome's {@link IllegalArgumentException}
   */
  public synchronized CompletableFuture<List<InetSocketAddress>> refresh() {
    if (pending != null && !pending.isDone()) {
      return pending;
    }
    started = true;
    CompletableFuture<List<InetSocketAddress>> next = book.refresh().handle(this::tell);
    pending = next;
    return next;
  }

  private List<InetSocketAddress> tell(AddressBook.Snapshot answer, Throwable failure) {
    lastEndNanos = System.nanoTime();
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause == null && answer == null) {
      cause = new UnknownHostException(book.endpoint().host() + ": no address");
    }
    if (cause == null && book.lastFailure() != null) {
      cause = book.lastFailure(); // the book kept its last answer; this lookup failed
    }
    if (cause != null) {
      outcome.failed(cause);
      throw new CompletionException(cause);
    }
    List<InetSocketAddress> addresses = answer.addresses();
    outcome.answered(addresses);
    return addresses;
  }

  /**
   * Starts a re-resolution if the last lookup ended at least the interval ago and none is under
   * way.
   *
   * @param nowNanos {@link System#nanoTime()}
   * @param intervalNanos the re-resolution interval, > 0
   */
  void refreshIfDue(long nowNanos, long intervalNanos) {
    synchronized (this) {
      if (!started || (pending != null && !pending.isDone())) {
        return;
      }
    }
    if (nowNanos - lastEndNanos >= intervalNanos) {
      CompletableFuture<List<InetSocketAddress>> unused = refresh();
    }
  }

  @Override
  public String toString() {
    return "NameWatch{" + book + "}";
  }
}
