package io.sockpool.internal.group;

import io.sockpool.CheckoutException;
import io.sockpool.PooledConnection;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A group checkout driven by the members' asynchronous checkouts: {@link GroupCheckout} picks a
 * member, the member's checkout runs as a future, and when that future fails with a failure the
 * group skips, the next member is picked in the thread that completed it. No thread waits for the
 * group: a caller queued on a member holds a place in that member's queue only.
 *
 * <p>The result's {@code cancel()} (or any completion by someone else) cancels the member's
 * checkout under way, which gives its place back; a connection the member handed over meanwhile is
 * closed, so it goes back to the pool (to the next waiter).
 */
final class GroupCheckoutAsync {
  private final GroupCheckout checkout;
  private final MemberAccess access;
  private final CompletableFuture<PooledConnection> result = new CompletableFuture<>();
  private volatile CompletableFuture<PooledConnection> current;

  GroupCheckoutAsync(GroupCheckout checkout, MemberAccess access) {
    this.checkout = checkout;
    this.access = access;
  }

  CompletableFuture<PooledConnection> start() {
    CompletableFuture<?> unused =
        result.whenComplete(
            (c, failure) -> {
              CompletableFuture<PooledConnection> f = current;
              if (f != null && !f.isDone()) {
                f.cancel(false); // given up (cancelled, or completed by someone else)
              }
            });
    tryNext();
    return result;
  }

  /** Picks members until one's checkout is under way, or the group checkout ends. */
  private void tryNext() {
    while (!result.isDone()) {
      GroupCheckout.Attempt a;
      try {
        a = checkout.next();
      } catch (CheckoutException e) {
        result.completeExceptionally(e);
        return;
      }
      CompletableFuture<PooledConnection> f =
          access.checkoutAsync(a.member().endpoint, Math.max(1, a.budgetNanos()));
      current = f;
      if (result.isDone()) {
        f.cancel(false); // cancelled while the member's checkout started
      }
      if (!f.isDone()) {
        CompletableFuture<?> unused =
            f.whenComplete(
                (c, failure) -> {
                  if (ended(a, c, failure)) {
                    return;
                  }
                  tryNext();
                });
        return;
      }
      if (ended(a, f.getNow(null), failureOf(f))) { // completed at once: no recursion
        return;
      }
    }
  }

  /**
   * Handles the member's outcome.
   *
   * @return true if the group checkout is over, false to try the next member
   */
  private boolean ended(GroupCheckout.Attempt a, PooledConnection c, Throwable failure) {
    if (failure == null) {
      if (result.isDone()) {
        checkout.abandoned(a);
        c.close(); // given up meanwhile: the connection goes back
        return true;
      }
      PooledConnection lease = checkout.served(a, c);
      if (!result.complete(lease)) {
        lease.close();
      }
      return true;
    }
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (result.isDone() || cause instanceof CancellationException) {
      checkout.abandoned(a);
      result.cancel(false); // no-op unless the member's checkout was cancelled by someone else
      return true;
    }
    if (!(cause instanceof CheckoutException e)) {
      checkout.abandoned(a);
      result.completeExceptionally(cause); // the pool closed, or a bug: not the member's
      return true;
    }
    a.member().pending(-1);
    try {
      checkout.failed(a, e, false);
      return false;
    } catch (CheckoutException fatal) {
      result.completeExceptionally(fatal);
      return true;
    }
  }

  private static Throwable failureOf(CompletableFuture<PooledConnection> f) {
    try {
      f.join();
      return null;
    } catch (CompletionException | CancellationException e) {
      return e;
    }
  }
}
