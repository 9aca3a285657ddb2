package io.sockpool;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.sockpool.internal.AsyncOps;
import io.sockpool.internal.KeyedChannelPool;
import io.sockpool.internal.Operations;
import io.sockpool.internal.Preconnector;
import io.sockpool.internal.jfr.JfrEvents;
import io.sockpool.internal.metrics.PoolEventLog;
import io.sockpool.internal.metrics.PoolMXBeanImpl;
import io.sockpool.internal.metrics.TrafficRecorder;
import io.sockpool.sizing.GroupSizing;
import io.sockpool.sizing.LiveSizing;
import io.sockpool.sizing.TrafficSample;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import javax.management.ObjectName;

/**
 * A keyed pool of pre-connected TCP connections: one sub-pool per {@link Endpoint}, built on Apache
 * commons-pool2. Thread-safe; create one per application (or per group of peers with the same
 * settings) and {@link #close()} it on shutdown.
 *
 * <pre>{@code
 * try (SocketPool pool = SocketPool.create(PoolConfig.builder().maxPerEndpoint(16).build())) {
 *   Endpoint redis = Endpoint.of("localhost", 6379);
 *   try (PooledConnection c = pool.checkout(redis, Duration.ofMillis(300))) {
 *     c.write(ByteBuffer.wrap("PING\r\n".getBytes(US_ASCII)), Duration.ofMillis(100));
 *     ByteBuffer reply = ByteBuffer.allocate(7); // "+PONG\r\n"
 *     c.readFully(reply, Duration.ofMillis(100));
 *     String pong = new String(reply.array(), US_ASCII);
 *     c.exchangeComplete(); // the whole reply was read: the connection may be reused
 *   }
 * }
 * }</pre>
 *
 * <p>Call {@link Connection#exchangeComplete()} once every reply has been read in full, or use
 * {@link #execute} / {@link #executeIdempotent}, which call it when the operation returns. A
 * connection that wrote and goes back without it is destroyed ({@link
 * DestroyReason#INCOMPLETE_EXCHANGE}), so the next checkout opens a new one: the pool still works,
 * but reconnects on every checkout. {@link #stats(Endpoint)} counts those destroys.
 *
 * <p>A checkout's timeout is one deadline over waiting for an idle connection, connecting a new one
 * and validating it; see {@link #checkout(Endpoint, Duration)}. Connections are validated on borrow
 * (a cheap probe always, the {@link Validator} when idle longer than {@link
 * PoolConfig#validationWindow()}), evicted before the server's idle timeout, and destroyed instead
 * of reused when their holder left them dirty or broken.
 */
public final class SocketPool implements AutoCloseable {
  /** The span {@link #sizing(Endpoint)} measures over. */
  public static final Duration SIZING_WINDOW = Duration.ofSeconds(60);

  private static final int SIZING_BUCKETS = 30;

  private final KeyedChannelPool delegate;
  private final TrafficRecorder traffic;
  private final ObjectName jmxName; // null: JMX off
  private volatile int currentMinIdle;
  private final java.util.concurrent.atomic.AtomicReference<Preconnector> preconnect =
      new java.util.concurrent.atomic.AtomicReference<>();

  private SocketPool(PoolConfig config) {
    this.delegate = new KeyedChannelPool(config);
    this.currentMinIdle = config.minIdlePerEndpoint();
    this.traffic = new TrafficRecorder(SIZING_WINDOW, SIZING_BUCKETS, System::nanoTime);
    delegate.listeners().traffic(traffic);
    JfrEvents.install(
        config.poolName(),
        e -> config.tlsFor(e).isPresent(),
        delegate.listeners()::add,
        delegate.breakers());
    delegate.groups().events().add(JfrEvents.groupListener(config.poolName()));
    PoolEventLog events = new PoolEventLog(config.poolName(), System::nanoTime);
    delegate.listeners().add(events); // destroys that a user must hear of, at WARN
    events.watch(delegate.breakers()); // breaker transitions, at WARN / INFO
    ObjectName name = null;
    if (config.jmxEnabled()) {
      try {
        name = PoolMXBeanImpl.register(this);
      } catch (RuntimeException e) {
        delegate.close();
        throw e;
      }
    }
    this.jmxName = name;
  }

  /**
   * Creates a pool and starts its evictor thread ({@code <poolName>-evictor}). Opens no connection:
   * endpoints are registered on first checkout or {@link #warmUp(Endpoint)}.
   *
   * @param config the settings
   * @return the pool
   * @throws IllegalStateException if {@link PoolConfig#jmxEnabled()} is set and an MBean with the
   *     pool's name is already registered
   */
  public static SocketPool create(PoolConfig config) {
    return new SocketPool(Args.notNull(config, "config"));
  }

  /**
   * Checks out a connection with {@link PoolConfig#checkoutTimeout()} as the deadline.
   *
   * @param endpoint the peer
   * @return the connection; close it to return it
   * @throws CheckoutException see {@link #checkout(Endpoint, Duration)}
   */
  public PooledConnection checkout(Endpoint endpoint) throws CheckoutException {
    return checkout(endpoint, delegate.config().checkoutTimeout());
  }

  /**
   * Checks out a connection. Blocks at most {@code timeout} in total: waiting for a connection to
   * come back, connecting a new one (a SYN that is never answered included) and validating it all
   * count against it.
   *
   * @param endpoint the peer
   * @param timeout the deadline; positive
   * @return the connection; close it to return it
   * @throws CheckoutTimeoutException if the deadline passed (pool exhausted, or a slow connect or
   *     validation); the message and getters give the endpoint's state and the last failure
   * @throws PoolExhaustedException if {@link PoolConfig#maxWaitersPerEndpoint()} callers were
   *     already waiting (fails at once)
   * @throws EndpointUnavailableException if the endpoint's circuit breaker is open (fails at once)
   * @throws CheckoutException if the connect failed (refused, unknown host) or the thread was
   *     interrupted
   * @throws IllegalStateException if the pool is closed
   */
  public PooledConnection checkout(Endpoint endpoint, Duration timeout) throws CheckoutException {
    Args.notNull(endpoint, "endpoint");
    Args.notNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be > 0, but was " + timeout);
    }
    return delegate.checkout(endpoint, timeout);
  }

  /**
   * Checks out a connection without blocking the calling thread, with {@link
   * PoolConfig#checkoutTimeout()} as the deadline; see {@link #checkoutAsync(Endpoint, Duration)}.
   *
   * @param endpoint the peer
   * @return the connection's future
   */
  public CompletableFuture<PooledConnection> checkoutAsync(Endpoint endpoint) {
    return checkoutAsync(endpoint, delegate.config().checkoutTimeout());
  }

  /**
   * Checks out a connection without blocking the calling thread: the same checkout as {@link
   * #checkout(Endpoint, Duration)} (admission, arrival order with the fairness window, one
   * deadline, breaker attribution, and the same exceptions, which fail the future), but a caller
   * that has to wait holds a place in the endpoint's queue, not a thread. The future completes on
   * {@link PoolConfig#asyncExecutor()} (never in a thread holding a pool lock), and so do the
   * stages chained to it without {@code *Async}; connects and validation round trips run there too.
   * With {@link PoolConfig#asyncInlineWhenReady()}, a checkout that finds an idle connection that
   * owes no validation round trip returns a completed future instead (its stages run in the calling
   * thread). {@code cancel()} gives the place back at once, and a connection handed over meanwhile
   * goes to the next waiter; a future that is cancelled or completed by someone else after the pool
   * handed it a connection gives that connection back. A future never completes with a connection
   * after its deadline.
   *
   * <pre>{@code
   * pool.checkoutAsync(redis, Duration.ofMillis(300))
   *     .thenAccept(c -> {
   *       try (c) {
   *         // an exchange on c
   *       }
   *     });
   * }</pre>
   *
   * @param endpoint the peer
   * @param timeout the deadline; positive
   * @return the connection's future; close the connection to return it. Failed, never thrown, if
   *     the pool is closed ({@link IllegalStateException})
   * @throws IllegalArgumentException if an argument is null or the timeout is not positive
   */
  public CompletableFuture<PooledConnection> checkoutAsync(Endpoint endpoint, Duration timeout) {
    Args.notNull(endpoint, "endpoint");
    Args.notNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be > 0, but was " + timeout);
    }
    return delegate.checkoutAsync(endpoint, timeout);
  }

  /**
   * Runs an asynchronous exchange on a pooled connection: checks one out ({@link
   * #checkoutAsync(Endpoint)}), runs {@code operation}, and when the operation's stage completes
   * returns the connection (reused if the exchange is complete, as for {@link #execute}) or, if the
   * stage failed, destroys it. An operation that throws fails the result and destroys the
   * connection; one that returns a null stage fails the result with an {@link
   * IllegalStateException} and returns the connection. {@code operation} runs where the checkout
   * completes: on {@link PoolConfig#asyncExecutor()}, or, with {@link
   * PoolConfig#asyncInlineWhenReady()} and a ready connection, in the calling thread.
   *
   * @param endpoint the peer
   * @param operation the exchange; must not close the connection
   * @param <T> the result type
   * @return the operation's result, completed after the connection went back
   */
  public <T> CompletableFuture<T> executeAsync(
      Endpoint endpoint, Function<Connection, ? extends CompletionStage<T>> operation) {
    Args.notNull(operation, "operation");
    return checkoutAsync(endpoint).thenCompose(c -> AsyncOps.run(c, operation));
  }

  /**
   * Changes the pool's limits while it runs (also through JMX: {@link SocketPoolMXBean#resize}).
   * Shrinking closes idle connections over the new limits at once, oldest first, and checked-out
   * ones as they come back; it never interrupts a holder. Growing hands the new room to waiting
   * callers at once. The new {@code minIdlePerEndpoint} is topped up by the next maintenance pass.
   *
   * @param maxTotal connections open or connecting, all endpoints; >= 1
   * @param maxPerEndpoint per endpoint; >= 1 and &lt;= maxTotal
   * @param minIdlePerEndpoint idle connections kept per endpoint; >= 0 and &lt;= maxPerEndpoint
   * @throws IllegalArgumentException naming the limit that is out of range
   * @throws IllegalStateException if the pool is closed
   */
  public void resize(int maxTotal, int maxPerEndpoint, int minIdlePerEndpoint) {
    PoolLimits limits = new PoolLimits(maxTotal, maxPerEndpoint, minIdlePerEndpoint);
    delegate.resize(limits.maxTotal(), limits.maxPerEndpoint(), limits.minIdlePerEndpoint());
    currentMinIdle = minIdlePerEndpoint;
  }

  /** Returns the limits in force now: the configured ones, or those of the last {@link #resize}. */
  public PoolLimits limits() {
    return new PoolLimits(delegate.maxTotal(), delegate.maxPerEndpoint(), currentMinIdle);
  }

  /**
   * Turns on predictive preconnect (replacing an earlier policy): from each endpoint's live arrival
   * rate and hold time, the pool keeps the Erlang C size for the policy's wait target open, ahead
   * of demand; see {@link PreconnectPolicy}.
   *
   * @param policy the wait target, measurement window, interval and backoff
   * @throws IllegalStateException if the pool is closed
   */
  public void preconnect(PreconnectPolicy policy) {
    Args.notNull(policy, "policy");
    if (delegate.isClosed()) {
      throw new IllegalStateException("pool '" + delegate.name() + "' is closed");
    }
    Preconnector old = preconnect.getAndSet(new Preconnector(delegate, policy));
    if (old != null) {
      old.close();
    }
  }

  /** Turns predictive preconnect off; the connections it opened stay until evicted. */
  public void stopPreconnect() {
    Preconnector old = preconnect.getAndSet(null);
    if (old != null) {
      old.close();
    }
  }

  /**
   * The predictive preconnect policy in force.
   *
   * @return the policy of the last {@link #preconnect}, or empty when preconnect is off
   */
  public java.util.Optional<PreconnectPolicy> preconnectPolicy() {
    Preconnector p = preconnect.get();
    return p == null ? java.util.Optional.empty() : java.util.Optional.of(p.policy());
  }

  /**
   * How many connections the predictive preconnect wants open to the endpoint now (Erlang C from
   * the measured rate and hold), or empty when it is off.
   *
   * @param endpoint the peer
   * @return the size the model asks for
   */
  public java.util.OptionalInt preconnectTarget(Endpoint endpoint) {
    Args.notNull(endpoint, "endpoint");
    Preconnector p = preconnect.get();
    return p == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(p.wanted(endpoint));
  }

  /**
   * Opens {@link PoolConfig#minIdlePerEndpoint()} connections to the endpoint in parallel and keeps
   * it at that many idle connections from then on.
   *
   * @param endpoint the peer
   * @return how many connections were opened; see {@link #warmUp(Endpoint, int)} for failures
   */
  public int warmUp(Endpoint endpoint) {
    return warmUp(endpoint, delegate.config().minIdlePerEndpoint());
  }

  /**
   * Opens up to {@code count} connections to the endpoint in parallel, within the limits, each
   * bounded by the connect timeout. Blocks until they are done, at most about twice the connect
   * timeout.
   *
   * <p>A connect that fails (refused, timed out, unknown host) is not thrown: the return value is
   * smaller, the pool logs one WARN per call with how many were opened and the last failure, and
   * each failed connect counts as a failure on the endpoint's circuit breaker (enough of them open
   * it). Fewer are opened without any failure when {@code count} is above what the limits leave
   * ({@link PoolConfig#maxPerEndpoint()} counts the connections already open, {@link
   * PoolConfig#maxTotal()} those of every endpoint). Compare the result with what you asked for:
   *
   * <pre>{@code
   * int opened = pool.warmUp(redis, 4);
   * if (opened < 4) {
   *   // start anyway (checkouts connect on demand), or fail the service's readiness check
   * }
   * }</pre>
   *
   * @param endpoint the peer
   * @param count how many to open; >= 0
   * @return how many were opened
   */
  public int warmUp(Endpoint endpoint, int count) {
    Args.notNull(endpoint, "endpoint");
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, but was " + count);
    }
    return delegate.warmUp(endpoint, count);
  }

  /**
   * Returns a connection, checking that it came from this pool. Same as {@link
   * PooledConnection#close()} otherwise.
   *
   * @param connection a connection checked out of this pool
   * @throws IllegalStateException if it came from another pool
   */
  public void release(PooledConnection connection) {
    delegate.release(Args.notNull(connection, "connection"));
  }

  /**
   * Runs {@code operation} on a pooled connection and returns the connection (or destroys it if the
   * operation threw).
   *
   * <p>When the operation returns normally, the exchange is declared complete ({@link
   * Connection#exchangeComplete()}) if the operation read after its last write: then the connection
   * is reused. An operation that wrote a request and returned without reading a byte of its reply
   * leaves the exchange open, and the connection is destroyed ({@link
   * DestroyReason#INCOMPLETE_EXCHANGE}) rather than handing that reply to the next borrower; a
   * request that has no reply is declared by the operation itself, with {@code exchangeComplete()}.
   * An operation that reads only part of a reply leaves bytes the return path finds ({@link
   * DestroyReason#DIRTY}) when they have arrived; reading each reply in full is the operation's
   * part.
   *
   * @param endpoint the peer
   * @param operation the exchange
   * @param <T> the result type
   * @return what the operation returned
   * @throws CheckoutException if no connection could be checked out
   * @throws IOException what the operation threw
   */
  public <T> T execute(Endpoint endpoint, Operation<T> operation) throws IOException {
    Args.notNull(operation, "operation");
    PooledConnection c = checkout(endpoint);
    return runOn(c, operation);
  }

  /**
   * Like {@link #execute} (including when the exchange counts as complete), for an operation that
   * is safe to run more than once: if the connection's timed I/O failed because the peer had
   * already closed or reset it (EOF, reset, broken pipe) before any reply byte arrived, the
   * operation runs again on another connection, as long as each attempt died that way (a peer that
   * closed all its connections at once leaves several such; each is destroyed when found), at most
   * {@link PoolConfig#maxPerEndpoint()} + 1 attempts. Timeouts, failures after part of a reply, and
   * exceptions the operation throws itself are not retried. All checkouts together share one {@link
   * PoolConfig#checkoutTimeout()}: each gets what the ones before left. If the last attempt fails,
   * the earlier failure is attached to its exception as suppressed.
   *
   * @param endpoint the peer
   * @param operation the exchange; must be idempotent
   * @param <T> the result type
   * @return what the operation returned
   * @throws CheckoutException if no connection could be checked out
   * @throws IOException what the last attempt threw
   */
  public <T> T executeIdempotent(Endpoint endpoint, Operation<T> operation) throws IOException {
    Args.notNull(endpoint, "endpoint");
    Args.notNull(operation, "operation");
    Duration timeout = delegate.config().checkoutTimeout();
    long deadline = System.nanoTime() + timeout.toNanos();
    int attemptsLeft = delegate.config().maxPerEndpoint() + 1; // each dead attempt destroys one
    IOException earlier = null;
    while (true) {
      PooledConnection c;
      if (earlier == null) {
        c = checkout(endpoint, timeout);
      } else {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw earlier; // the one checkout timeout is used up: no further attempt
        }
        try {
          c = checkout(endpoint, Duration.ofNanos(left));
        } catch (IOException | RuntimeException | Error e) { // a CheckoutException, a closed pool
          e.addSuppressed(earlier);
          throw e;
        }
      }
      try {
        T result = operation.apply(c);
        Operations.returnedNormally(c);
        c.close();
        return result;
      } catch (IOException e) {
        boolean retry = KeyedChannelPool.diedBeforeReply(c);
        c.invalidate();
        if (earlier != null) {
          e.addSuppressed(earlier);
        }
        if (!retry || --attemptsLeft == 0) {
          throw e;
        }
        earlier = e;
      } catch (RuntimeException | Error e) {
        c.invalidate();
        if (earlier != null) {
          e.addSuppressed(earlier);
        }
        throw e;
      }
    }
  }

  /**
   * Checks out a connection to one member of the group, with {@link PoolConfig#checkoutTimeout()}
   * as the deadline; see {@link #checkout(EndpointGroup, Duration)}.
   *
   * @param group the group
   * @return the connection; {@link PooledConnection#endpoint()} names the member
   * @throws CheckoutException see {@link #checkout(EndpointGroup, Duration)}
   */
  public PooledConnection checkout(EndpointGroup group) throws CheckoutException {
    return checkout(group, delegate.config().checkoutTimeout());
  }

  /**
   * Checks out a connection to one member of the group within one deadline. The member is picked by
   * power of two choices over each member's peak-EWMA latency times its calls in flight (divided by
   * its weight), among members that are not ejected, whose breaker is not open and that have an
   * idle connection or room for one; a member whose checkout fails (a refused or timed-out connect,
   * a failed validation) is skipped and another tried within the same deadline. The caller waits
   * only when every such member is at capacity, then in the picked member's queue. A group of one
   * member is that member's plain checkout. The pool registers the group on first use (see
   * docs/groups.md).
   *
   * @param group the group
   * @param timeout the deadline; positive
   * @return the connection; {@link PooledConnection#endpoint()} names the member
   * @throws GroupUnavailableException if no member could be tried (each ejected or open; fails at
   *     once, naming each member's state)
   * @throws CheckoutException the last member's failure, or a timeout
   * @throws IllegalArgumentException if the pool knows another group by that name, or a member has
   *     another weight or other outlier settings in another group
   */
  public PooledConnection checkout(EndpointGroup group, Duration timeout) throws CheckoutException {
    Args.notNull(group, "group");
    Args.notNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be > 0, but was " + timeout);
    }
    return delegate.groups().checkout(group, timeout.toNanos(), null);
  }

  /**
   * Like {@link #execute(Endpoint, Operation)} on a member of the group ({@link
   * #checkout(EndpointGroup)}). An I/O error or timeout of the operation's timed reads and writes
   * counts as the member's failure.
   *
   * @param group the group
   * @param operation the exchange
   * @param <T> the result type
   * @return what the operation returned
   * @throws CheckoutException if no connection could be checked out
   * @throws IOException what the operation threw
   */
  public <T> T execute(EndpointGroup group, Operation<T> operation) throws IOException {
    Args.notNull(operation, "operation");
    return runOn(checkout(group), operation);
  }

  /**
   * Checks out a connection to one member of the group without blocking the calling thread, with
   * {@link PoolConfig#checkoutTimeout()} as the deadline; see {@link #checkoutAsync(EndpointGroup,
   * Duration)}.
   *
   * @param group the group
   * @return the connection's future; {@link PooledConnection#endpoint()} names the member
   */
  public CompletableFuture<PooledConnection> checkoutAsync(EndpointGroup group) {
    return checkoutAsync(group, delegate.config().checkoutTimeout());
  }

  /**
   * Checks out a connection to one member of the group without blocking the calling thread: the
   * member choice, skip rules, one deadline and failure types of {@link #checkout(EndpointGroup,
   * Duration)}, each member's checkout that of {@link #checkoutAsync(Endpoint, Duration)} (a caller
   * queued on a member holds a place in its queue, not a thread; completion on {@link
   * PoolConfig#asyncExecutor()}, or in the calling thread for a ready connection with {@link
   * PoolConfig#asyncInlineWhenReady()}). A member whose checkout fails is skipped in the thread
   * that saw the failure, and the next one tried within what is left of the deadline. {@code
   * cancel()} cancels the member's checkout under way, which gives its place back; a connection
   * handed over meanwhile goes back to the pool.
   *
   * @param group the group
   * @param timeout the deadline; positive
   * @return the connection's future. Failed, never thrown, with {@link GroupUnavailableException}
   *     if no member could be tried, the last member's {@link CheckoutException}, a timeout, or
   *     {@link IllegalStateException} if the pool is closed
   * @throws IllegalArgumentException if an argument is null, the timeout is not positive, the pool
   *     knows another group by that name, or a member has another weight or other outlier settings
   *     in another group
   */
  public CompletableFuture<PooledConnection> checkoutAsync(EndpointGroup group, Duration timeout) {
    Args.notNull(group, "group");
    Args.notNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be > 0, but was " + timeout);
    }
    if (delegate.isClosed()) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("pool '" + delegate.name() + "' is closed"));
    }
    return delegate.groups().checkoutAsync(group, timeout.toNanos());
  }

  /**
   * Like {@link #executeAsync(Endpoint, Function)} on a member of the group ({@link
   * #checkoutAsync(EndpointGroup)}); an I/O error or timeout of the operation's timed reads and
   * writes counts as the member's failure, as for {@link #execute(EndpointGroup, Operation)}.
   *
   * @param group the group
   * @param operation the exchange; must not close the connection
   * @param <T> the result type
   * @return the operation's result, completed after the connection went back
   */
  public <T> CompletableFuture<T> executeAsync(
      EndpointGroup group, Function<Connection, ? extends CompletionStage<T>> operation) {
    Args.notNull(operation, "operation");
    return checkoutAsync(group).thenCompose(c -> AsyncOps.run(c, operation));
  }

  /**
   * Like {@link #executeIdempotent(Endpoint, Operation)} on the group: the second attempt goes to
   * another member when there is one, within what the first left of the one checkout timeout.
   *
   * @param group the group
   * @param operation the exchange; must be idempotent
   * @param <T> the result type
   * @return what the operation returned
   * @throws CheckoutException if no connection could be checked out
   * @throws IOException what the (second) attempt threw
   */
  public <T> T executeIdempotent(EndpointGroup group, Operation<T> operation) throws IOException {
    Args.notNull(group, "group");
    Args.notNull(operation, "operation");
    long timeout = delegate.config().checkoutTimeout().toNanos();
    long deadline = System.nanoTime() + timeout;
    PooledConnection c = delegate.groups().checkout(group, timeout, null);
    Endpoint member = c.endpoint();
    IOException first;
    try {
      T result = operation.apply(c);
      Operations.returnedNormally(c);
      c.close();
      return result;
    } catch (IOException e) {
      boolean retry = KeyedChannelPool.diedBeforeReply(c); // before the lease ends
      c.invalidate();
      if (!retry || deadline - System.nanoTime() <= 0) {
        throw e;
      }
      first = e;
    } catch (RuntimeException | Error e) {
      c.invalidate();
      throw e;
    }
    try {
      long left = Math.max(1, deadline - System.nanoTime());
      return runOn(delegate.groups().checkout(group, left, member), operation);
    } catch (IOException | RuntimeException | Error second) {
      second.addSuppressed(first);
      throw second;
    }
  }

  /**
   * Replaces a group's members at run time (or registers the group): members that stay keep their
   * latency and ejection state; members that left are drained like a moved name's old address (idle
   * connections closed now, checked-out ones when they come back), unless another group of the pool
   * still has them.
   *
   * @param group the new membership, under the group's name
   * @return the endpoints drained
   * @throws IllegalArgumentException if a member has another weight or other outlier settings in
   *     another group, or the group (or the group under its name) is resolved from a host name
   *     ({@link EndpointGroup#resolving(String, String, int)}), whose members follow the resolver
   */
  public java.util.List<Endpoint> updateGroup(EndpointGroup group) {
    return delegate.groups().update(Args.notNull(group, "group"));
  }

  /**
   * The group's members as this pool sees them: status (serving, ejected, probing), calls in
   * flight, peak-EWMA latency, calls, failures and ejections, and the group's totals.
   *
   * @param group the group
   * @return the snapshot; zeros if the pool has not used the group
   */
  public GroupStats stats(EndpointGroup group) {
    return delegate.groups().stats(Args.notNull(group, "group"));
  }

  /** Returns a snapshot of every group the pool has used, by name. */
  public java.util.List<GroupStats> groupStats() {
    return delegate.groups().stats();
  }

  /**
   * Adds a listener for group events (a group added, a member ejected or taken back). Adding the
   * same listener twice has no effect.
   *
   * @param listener the listener
   */
  public void addGroupListener(GroupListener listener) {
    delegate.groups().events().add(Args.notNull(listener, "listener"));
  }

  /**
   * Returns whether it was registered.
   *
   * @param listener a listener added before
   */
  public boolean removeGroupListener(GroupListener listener) {
    return delegate.groups().events().remove(Args.notNull(listener, "listener"));
  }

  private static <T> T runOn(PooledConnection c, Operation<T> operation) throws IOException {
    boolean ok = false;
    try {
      T result = operation.apply(c);
      Operations.returnedNormally(c);
      ok = true;
      return result;
    } finally {
      if (ok) {
        c.close();
      } else {
        c.invalidate();
      }
    }
  }

  /** Returns a snapshot of the pool's counters, in total and per endpoint. */
  public PoolStats stats() {
    return delegate.stats();
  }

  /**
   * Returns a snapshot for that endpoint (all zero if it was never used).
   *
   * @param endpoint the peer
   */
  public EndpointStats stats(Endpoint endpoint) {
    Args.notNull(endpoint, "endpoint");
    EndpointStats s = delegate.stats(endpoint);
    return s != null ? s : EndpointStats.empty(endpoint);
  }

  /**
   * The endpoint's addresses and the connections open to each: first the current ones, in the
   * resolver's order, then addresses no longer current that still have connections (being drained).
   * An endpoint given by name is resolved through {@link PoolConfig#addressResolver()} and
   * re-resolved every {@link PoolConfig#reresolveInterval()} and after a failed connect.
   *
   * @param endpoint the peer
   * @return its addresses; empty if the pool has not resolved it yet
   */
  public java.util.List<AddressStats> addresses(Endpoint endpoint) {
    Args.notNull(endpoint, "endpoint");
    return delegate.addresses(endpoint);
  }

  /**
   * Retires the endpoint's connections: idle ones are closed now, checked-out ones when they come
   * back ({@link DestroyReason#RETIRED}). New checkouts open new connections. For a peer that was
   * restarted or moved, or from an operator's console (JMX).
   *
   * @param endpoint the peer
   * @return how many idle connections were closed now
   */
  public int evict(Endpoint endpoint) {
    Args.notNull(endpoint, "endpoint");
    return delegate.evict(endpoint);
  }

  /**
   * The pool's own sizing answer for the endpoint, from its traffic over the last {@link
   * #SIZING_WINDOW} (or since the endpoint was first used, if that is more recent), for at most
   * {@link LiveSizing#DEFAULT_TARGET_WAIT_PROBABILITY 1 %} of checkouts waiting. See {@link
   * #sizing(Endpoint, double)}.
   *
   * @param endpoint the peer
   * @return the sizing; without traffic in the window, no prediction and no recommendation
   */
  public LiveSizing sizing(Endpoint endpoint) {
    return sizing(endpoint, LiveSizing.DEFAULT_TARGET_WAIT_PROBABILITY);
  }

  /**
   * The pool's own sizing answer for the endpoint: the measured arrival rate (checkouts per second)
   * and mean hold time (checkout to return), the measured share of checkouts that had to wait for
   * another caller's connection, Erlang C's prediction of that share at the current size ({@link
   * PoolConfig#maxPerEndpoint()}), and the smallest size whose predicted share is at most {@code
   * targetWaitProbability}, capped by what the pool may open, with a warning when the cap binds.
   * Cheap enough to call every second (a sum over the window's buckets and an Erlang C evaluation);
   * recording costs each checkout a few counter increments.
   *
   * @param endpoint the peer
   * @param targetWaitProbability the most acceptable share of waiting checkouts, in (0, 1)
   * @return the sizing
   * @throws IllegalArgumentException if the target is outside (0, 1)
   */
  public LiveSizing sizing(Endpoint endpoint, double targetWaitProbability) {
    Args.notNull(endpoint, "endpoint");
    PoolConfig c = delegate.config();
    return LiveSizing.of(
        endpoint,
        traffic.sample(endpoint),
        c.maxPerEndpoint(),
        c.maxTotal(),
        targetWaitProbability);
  }

  /**
   * The pool's sizing answer for a replica group, for at most {@link
   * LiveSizing#DEFAULT_TARGET_WAIT_PROBABILITY 1 %} of checkouts waiting; see {@link
   * #sizing(EndpointGroup, double)}.
   *
   * @param group the group
   * @return each member's sizing and the group's
   */
  public GroupSizing sizing(EndpointGroup group) {
    return sizing(group, LiveSizing.DEFAULT_TARGET_WAIT_PROBABILITY);
  }

  /**
   * The pool's sizing answer for a replica group: each member's own {@link #sizing(Endpoint,
   * double)}, and the group as one queue (a group checkout waits only when every member is at
   * capacity): the members' summed arrival rate, their merged mean hold time, Erlang C's size for
   * the group and each member's part of it by its share of the load. See {@link GroupSizing}.
   *
   * @param group the group
   * @param targetWaitProbability the most acceptable share of waiting checkouts, in (0, 1)
   * @return the sizing
   * @throws IllegalArgumentException if the target is outside (0, 1)
   */
  public GroupSizing sizing(EndpointGroup group, double targetWaitProbability) {
    Args.notNull(group, "group");
    Map<Endpoint, TrafficSample> samples = new LinkedHashMap<>();
    for (Endpoint e : delegate.groups().members(group)) { // a resolved group: its current members
      samples.put(e, traffic.sample(e));
    }
    PoolConfig c = delegate.config();
    return GroupSizing.of(
        group.name(), samples, c.maxPerEndpoint(), c.maxTotal(), targetWaitProbability);
  }

  /**
   * Adds a listener that hears every checkout, return, connect, destroy and failure from now on
   * (see {@link PoolListener} for the threading rules). Adding the same listener twice has no
   * effect.
   *
   * @param listener the listener
   */
  public void addListener(PoolListener listener) {
    delegate.listeners().add(Args.notNull(listener, "listener"));
  }

  /**
   * Returns whether it was registered.
   *
   * @param listener a listener added before
   */
  public boolean removeListener(PoolListener listener) {
    return delegate.listeners().remove(Args.notNull(listener, "listener"));
  }

  /**
   * Reads the TLS material again (PEM files, key stores, the {@code SSLContext} supplier of each
   * {@link TlsConfig}) and uses it for every connection opened from now on; open connections keep
   * the material they were made with until they retire (lifetime, idle timeout, {@link #evict}). A
   * new context starts a new TLS session cache, so the next handshakes are full ones.
   *
   * @throws IllegalStateException if the pool has no TLS, is closed, or the material could not be
   *     read: the message says why, and the previous material stays in use
   */
  public void reloadTls() {
    delegate.reloadTls();
  }

  /**
   * @return the TLS handshakes so far (all zero for a pool without TLS)
   */
  public TlsStats tlsStats() {
    return delegate.tlsStats();
  }

  /** Returns the settings. */
  public PoolConfig config() {
    return delegate.config();
  }

  /**
   * The circuit breakers, one per endpoint, named {@code host:port}; for exporting metrics (e.g.
   * resilience4j-micrometer) or listening to state transitions.
   *
   * @return the registry
   */
  public CircuitBreakerRegistry circuitBreakers() {
    return delegate.breakers();
  }

  /**
   * Closes the pool: stops handing out connections (waiting callers get {@link
   * IllegalStateException}), closes idle connections at once and the others as they come back, and
   * after {@link PoolConfig#closeGracePeriod()} closes whatever is still out. Blocks at most the
   * grace period plus the connect timeout; leaves no thread running. Unregisters the pool's MXBean,
   * if {@link PoolConfig#jmxEnabled()} registered one. Idempotent.
   */
  @Override
  public void close() {
    stopPreconnect();
    if (jmxName != null) {
      PoolMXBeanImpl.unregister(jmxName);
    }
    delegate.close();
  }

  @Override
  public String toString() {
    return "SocketPool{" + delegate.config().poolName() + ", " + stats().total() + "}";
  }

  /**
   * An exchange on a connection.
   *
   * @param <T> the result type
   */
  @FunctionalInterface
  public interface Operation<T> {
    /**
     * Runs the exchange on a checked-out connection.
     *
     * @param connection the connection; do not close it
     * @return the result
     * @throws IOException if the exchange failed
     */
    T apply(Connection connection) throws IOException;
  }
}
