package io.sockpool.internal.group;

import io.sockpool.CheckoutException;
import io.sockpool.CheckoutState;
import io.sockpool.CheckoutTimeoutException;
import io.sockpool.EndpointGroup;
import io.sockpool.PooledConnection;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The checkout of a group resolved from a host name: the first one waits for the resolver's first
 * answer within its own deadline; every one marks the name used, so that the pool keeps watching
 * it.
 */
final class ResolvedMembers {
  private ResolvedMembers() {}

  /**
   * Returns the group's state, waiting for the first answer if there is none yet.
   *
   * @param start when the checkout started ({@link System#nanoTime()})
   * @param timeoutNanos the checkout's deadline, from start
   * @throws CheckoutTimeoutException if no answer came within the deadline
   * @throws CheckoutException if the resolver failed (its failure is the cause, and in the message)
   * @throws IllegalArgumentException if the group's name stands for another group, or a member is
   *     in another group with other settings
   */
  static GroupState await(Groups groups, EndpointGroup group, long start, long timeoutNanos)
      throws CheckoutException {
    GroupState g = groups.known(group);
    CompletableFuture<Void> first = groups.source().watch(group);
    if (g != null) {
      return g;
    }
    try {
      first.get(Math.max(0, timeoutNanos - (System.nanoTime() - start)), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw failure(group, e, System.nanoTime() - start, timeoutNanos);
    } catch (ExecutionException e) {
      throw failure(group, e.getCause(), System.nanoTime() - start, timeoutNanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException cause =
          new InterruptedIOException("interrupted waiting for the first answer");
      throw failure(group, cause, System.nanoTime() - start, timeoutNanos);
    }
    return registered(groups, group, start);
  }

  /** Like {@link #await}, without blocking: the future fails with what it would throw. */
  static CompletableFuture<PooledConnection> awaitAsync(
      Groups groups, EndpointGroup group, long timeoutNanos) {
    long start = System.nanoTime();
    try {
      GroupState g = groups.known(group);
      CompletableFuture<Void> first = groups.source().watch(group);
      if (g != null) {
        return groups.runAsync(g, timeoutNanos);
      }
      return first
          .orTimeout(timeoutNanos, TimeUnit.NANOSECONDS)
          .handle((v, e) -> e)
          .thenCompose(
              e -> {
                long elapsed = System.nanoTime() - start;
                try {
                  if (e != null) {
                    throw failure(group, e, elapsed, timeoutNanos);
                  }
                  GroupState s = registered(groups, group, start);
                  return groups.runAsync(s, Math.max(1, timeoutNanos - elapsed));
                } catch (CheckoutException | RuntimeException failed) {
                  return CompletableFuture.failedFuture(failed);
                }
              });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static GroupState registered(Groups groups, EndpointGroup group, long start)
      throws CheckoutException {
    GroupState g = groups.known(group);
    if (g == null) { // only if the pool forgot it in between: a closed pool
      throw new CheckoutException(
          "group '" + group.name() + "' has no members: the pool is closing",
          unresolved(group, System.nanoTime() - start),
          null);
    }
    return g;
  }

  /**
   * The failure of a first resolution, as a checkout's exception: a timeout, an argument error as
   * such (a name or member clash: thrown), else a {@link CheckoutException} saying what the
   * resolver said.
   */
  private static CheckoutException failure(
      EndpointGroup group, Throwable cause, long elapsedNanos, long timeoutNanos) {
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof IllegalArgumentException || cause instanceof IllegalStateException) {
      throw (RuntimeException) cause;
    }
    String host = group.resolvedFrom().orElseThrow().toString();
    CheckoutState state = unresolved(group, elapsedNanos);
    if (cause instanceof TimeoutException) {
      return new CheckoutTimeoutException(
          "group '"
              + group.name()
              + "' has no members yet: the resolver did not answer for "
              + host
              + " within the checkout's "
              + Duration.ofNanos(timeoutNanos).toMillis()
              + " ms",
          state,
          null);
    }
    return new CheckoutException(
        "group '"
            + group.name()
            + "' has no members: resolving "
            + host
            + " failed: "
            + cause.getMessage(),
        state,
        cause);
  }

  private static CheckoutState unresolved(EndpointGroup group, long elapsedNanos) {
    return new CheckoutState(
        group.resolvedFrom().orElseThrow(),
        Duration.ofNanos(elapsedNanos),
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        "");
  }
}
