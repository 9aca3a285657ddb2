package io.sockpool;

import static io.sockpool.TestSupport.PING;
import static io.sockpool.TestSupport.endpoint;
import static io.sockpool.TestSupport.ping;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.FakePeerExtension;
import io.sockpool.testkit.ProcessResources;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link PoolConfig.Builder#asyncInlineWhenReady}: a ready idle connection is served in the
 * caller's thread; whatever needs I/O (a validation round trip, a connect) still runs on the
 * completion executor, which counts every task it is given.
 */
@Timeout(30)
@ExtendWith(FakePeerExtension.class)
class AsyncInlineCompletionTest {
  private FakePeer peer;
  private final ExecutorService threads =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "test-completion"));
  private final AtomicInteger tasks = new AtomicInteger();
  private final Executor counting =
      r -> {
        tasks.incrementAndGet();
        threads.execute(r);
      };

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  private PoolConfig.Builder config(boolean inline) {
    return PoolConfig.builder()
        .maxPerEndpoint(2)
        .maxTotal(2)
        .checkoutTimeout(Duration.ofSeconds(10))
        .asyncExecutor(counting)
        .asyncInlineWhenReady(inline);
  }

  /** Opens one connection and leaves it idle, used just now (within the validation window). */
  private void warm(SocketPool pool) throws CheckoutException, IOException {
    try (PooledConnection c = pool.checkout(endpoint(peer))) {
      ping(c);
    }
  }

  /** The future's connection; a failure or no completion within 10 s fails the test. */
  private static PooledConnection await(CompletableFuture<PooledConnection> f)
      throws InterruptedException {
    try {
      return f.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("the checkout failed", e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("the checkout did not complete within 10 s", e);
    }
  }

  /**
   * Warms one connection, checks out asynchronously and asserts the future came back completed,
   * with no task for the executor, a stage chained without *Async run in this thread, and the
   * connection reused.
   */
  private void assertServedInline(
      SocketPool pool, Function<SocketPool, CompletableFuture<PooledConnection>> checkout)
      throws CheckoutException, IOException, InterruptedException {
    warm(pool);
    CompletableFuture<PooledConnection> f = checkout.apply(pool);
    assertTrue(f.isDone(), "returned completed: " + f);
    Thread[] ranIn = new Thread[1];
    try (PooledConnection c =
        await(f.thenApply(x -> x).whenComplete((x, e) -> ranIn[0] = Thread.currentThread()))) {
      assertEquals(endpoint(peer), c.endpoint());
      ping(c);
    }
    assertSame(Thread.currentThread(), ranIn[0], "a stage chained without *Async");
    assertEquals(0, tasks.get(), "tasks given to the completion executor");
    assertEquals(1, peer.accepted(), "the warm connection, reused");
    assertEquals(0, pool.stats(endpoint(peer)).active(), "returned");
  }

  @Test
  void aReadyConnectionIsServedInTheCallersThreadWithoutATaskForTheExecutor()
      throws CheckoutException, IOException, InterruptedException {
    try (SocketPool pool = SocketPool.create(config(true).build())) {
      assertServedInline(pool, p -> p.checkoutAsync(endpoint(peer)));
    }
  }

  @Test
  void withoutTheOptionAReadyConnectionIsStillServedOnTheExecutor()
      throws CheckoutException, IOException, InterruptedException {
    try (SocketPool pool = SocketPool.create(config(false).build())) {
      warm(pool);
      try (PooledConnection c = await(pool.checkoutAsync(endpoint(peer)))) {
        ping(c);
      }
      assertTrue(tasks.get() >= 1, "tasks given to the completion executor: " + tasks.get());
    }
  }

  @Test
  void aConnectionThatOwesAValidationRoundTripIsValidatedOnTheExecutor()
      throws CheckoutException, IOException, InterruptedException {
    List<String> validatedIn = new CopyOnWriteArrayList<>();
    Validator recording =
        (c, timeout) -> {
          validatedIn.add(Thread.currentThread().getName());
          PING.validate(c, timeout);
        };
    try (SocketPool pool =
        SocketPool.create(
            config(true).validator(recording).validationWindow(Duration.ZERO).build())) {
      warm(pool); // validated on the caller's thread: a blocking checkout
      validatedIn.clear();
      CompletableFuture<PooledConnection> f = pool.checkoutAsync(endpoint(peer));
      try (PooledConnection c = await(f)) {
        ping(c);
      }
      assertEquals(List.of("test-completion"), validatedIn, "the round trip's thread");
      assertTrue(tasks.get() >= 1, "tasks given to the completion executor: " + tasks.get());
      assertEquals(1, peer.accepted(), "validated and reused");
    }
  }

  @Test
  void aCheckoutThatMustConnectConnectsOnTheExecutor() throws InterruptedException, IOException {
    try (SocketPool pool = SocketPool.create(config(true).build())) {
      CompletableFuture<PooledConnection> f = pool.checkoutAsync(endpoint(peer));
      try (PooledConnection c = await(f)) {
        ping(c);
      }
      assertTrue(tasks.get() >= 1, "tasks given to the completion executor: " + tasks.get());
      assertEquals(1, peer.accepted());
    }
  }

  @Test
  void aReadyConnectionThePeerClosedIsDestroyedAndTheExecutorConnectsAnother()
      throws CheckoutException, IOException, InterruptedException {
    // no validator, and every borrow past the validation window: the probe (a non-blocking read)
    // runs in the caller's thread, and finds the peer's FIN
    try (SocketPool pool =
        SocketPool.create(config(true).validationWindow(Duration.ZERO).build())) {
      warm(pool);
      peer.closeAll();
      assertTrue(
          ProcessResources.awaitTrue(() -> peer.open() == 0, Duration.ofSeconds(10)),
          "the peer closed its side");
      CompletableFuture<PooledConnection> f = pool.checkoutAsync(endpoint(peer));
      try (PooledConnection c = await(f)) {
        ping(c); // a new connection: the closed one never reached the caller
      }
      assertTrue(tasks.get() >= 1, "the connect's task: " + tasks.get());
      assertEquals(2, peer.accepted(), "the closed one and its replacement");
      assertEquals(1, pool.stats(endpoint(peer)).idle());
    }
  }

  @Test
  void aGroupCheckoutOnAMemberWithAReadyConnectionCompletesInline()
      throws CheckoutException, IOException, InterruptedException {
    try (SocketPool pool = SocketPool.create(config(true).build())) {
      EndpointGroup group = EndpointGroup.of("inline", List.of(endpoint(peer)));
      assertServedInline(pool, p -> p.checkoutAsync(group));
    }
  }
}
