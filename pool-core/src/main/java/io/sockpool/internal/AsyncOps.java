package io.sockpool.internal;

import io.sockpool.Connection;
import io.sockpool.PooledConnection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** What {@link io.sockpool.SocketPool#executeAsync} needs: run the operation, then return. */
public final class AsyncOps {
  private AsyncOps() {}

  /**
   * Runs the operation on the connection and gives the connection back when the operation's stage
   * completes: returned (reused if the exchange is complete) on success, destroyed on failure. An
   * operation that throws or returns a null stage fails the result; the connection is destroyed or
   * returned.
   *
   * @param c the checked-out connection
   * @param operation the exchange
   * @param <T> the result type
   * @return the operation's result, after the connection went back
   */
  public static <T> CompletableFuture<T> run(
      PooledConnection c, Function<Connection, ? extends CompletionStage<T>> operation) {
    CompletionStage<T> stage;
    try {
      stage = operation.apply(c);
    } catch (RuntimeException | Error e) {
      c.invalidate();
      return CompletableFuture.failedFuture(e);
    }
    if (stage == null) {
      c.close();
      return CompletableFuture.failedFuture(
          new IllegalStateException(
              "the operation returned a null CompletionStage; return a completed stage instead"
                  + " (the connection was returned to the pool)"));
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    CompletionStage<?> unused =
        stage.whenComplete(
            (value, failure) -> {
              if (failure == null) {
                Operations.returnedNormally(c);
                c.close();
                result.complete(value);
              } else {
                c.invalidate();
                result.completeExceptionally(failure);
              }
            });
    return result;
  }
}
