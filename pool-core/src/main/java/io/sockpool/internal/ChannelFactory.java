package io.sockpool.internal;

import io.sockpool.ConnectionInitializer;
import io.sockpool.DestroyReason;
import io.sockpool.Endpoint;
import io.sockpool.Validator;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.commons.pool2.DestroyMode;
import org.apache.commons.pool2.KeyedPooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection lifecycle, as commons-pool2 drives it.
 *
 * <ul>
 *   <li><b>create</b> ({@link #makeObject}): resolve, connect, apply socket options, run the
 *       {@link ConnectionInitializer}. Blocks the calling thread at most until the checkout
 *       deadline of that thread (see {@link #withDeadline}) or, for connections opened ahead of
 *       demand, the connect timeout; whichever is sooner.
 *   <li><b>validate</b> ({@link #validateObject}): only from the evictor with background
 *       validation on: the cheap probe, then the {@link Validator}, bounded by the validation
 *       timeout. Validation on borrow is done by the pool itself, inside the checkout deadline.
 *   <li><b>activate / passivate</b>: nothing; the return path checks for unread bytes itself.
 *   <li><b>destroy</b> ({@link #destroyObject}): closes selector and socket, never blocks, and
 *       counts the reason.
 * </ul>
 */
final class ChannelFactory implements KeyedPooledObjectFactory<Endpoint, PooledChannel> {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelFactory.class);
  private static final long NO_DEADLINE = Long.MIN_VALUE;
  /** Per thread: [0] the checkout deadline or NO_DEADLINE, [1] connections this thread created. */
  private static final ThreadLocal<long[]> CONTEXT = ThreadLocal.withInitial(() -> new long[] {NO_DEADLINE, 0});

  private final SocketConnector connector;
  private final ConnectionInitializer initializer;
  private final Validator validator;
  private final long connectTimeoutNanos;
  private final long validationTimeoutNanos;
  private final Function<Endpoint, EndpointState> states;
  private volatile boolean closing;

  ChannelFactory(SocketConnector connector, ConnectionInitializer initializer, Validator validator,
      Duration connectTimeout, Duration validationTimeout, Function<Endpoint, EndpointState> states) {
    this.connector = connector;
    this.initializer = initializer;
    this.validator = validator;
    this.connectTimeoutNanos = connectTimeout.toNanos();
    this.validationTimeoutNanos = validationTimeout.toNanos();
    this.states = states;
  }

  /** Makes connections created by this thread until {@link #clearDeadline} end by {@code deadlineNanos}. */
  static long[] withDeadline(long deadlineNanos) {
    long[] ctx = CONTEXT.get();
    ctx[0] = deadlineNanos;
    ctx[1] = 0;
    return ctx;
  }

  static void clearDeadline(long[] ctx) {
    ctx[0] = NO_DEADLINE;
  }

  /** @return connections created by this thread since {@link #withDeadline} or {@link #resetCreated} */
  static long createdByThisThread() {
    return CONTEXT.get()[1];
  }

  static void resetCreated() {
    CONTEXT.get()[1] = 0;
  }

  void closing() {
    closing = true;
  }

  @Override
  public PooledObject<PooledChannel> makeObject(Endpoint endpoint) throws IOException {
    long[] ctx = CONTEXT.get();
    long start = System.nanoTime();
    long deadline = start + connectTimeoutNanos;
    boolean forCheckout = ctx[0] != NO_DEADLINE;
    if (forCheckout && ctx[0] - deadline < 0) {
      deadline = ctx[0];
    }
    EndpointState state = states.apply(endpoint);
    PooledChannel channel = null;
    state.connecting.incrementAndGet();
    try {
      channel = connector.connect(endpoint, deadline);
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new java.net.SocketTimeoutException("no time left for the initializer of " + endpoint);
      }
      initializer.initialize(channel, Duration.ofNanos(left));
      if (channel.isBroken()) {
        throw new IOException("initializer left the connection to " + endpoint + " broken");
      }
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        channel.closeQuietly();
      }
      state.lastFailure = e;
      if (!forCheckout) {
        state.breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
      }
      throw e;
    } finally {
      state.connecting.decrementAndGet();
    }
    if (!forCheckout) {
      state.breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
    ctx[1]++;
    channel.state(state);
    state.channels.add(channel);
    state.created.increment();
    PooledObject<PooledChannel> pooled = new DefaultPooledObject<>(channel);
    channel.pooledObject(pooled); // for KeyedChannelPool.evictIdle
    return pooled;
  }

  @Override
  public void destroyObject(Endpoint endpoint, PooledObject<PooledChannel> p) {
    destroyObject(endpoint, p, DestroyMode.NORMAL);
  }

  @Override
  public void destroyObject(Endpoint endpoint, PooledObject<PooledChannel> p, DestroyMode mode) {
    PooledChannel channel = p.getObject();
    // Reclaimed by commons-pool2 for capacity (clearOldest) or cleared on close when unset.
    channel.destroyReason(closing ? DestroyReason.CLOSED : DestroyReason.IDLE);
    channel.closeQuietly();
    EndpointState state = states.apply(endpoint);
    if (state.channels.remove(channel)) {
      state.countDestroyed(channel.destroyReason());
      LOG.debug("closed connection to {} ({})", endpoint, channel.destroyReason());
    }
  }

  /** Background validation, from the evictor only. */
  @Override
  public boolean validateObject(Endpoint endpoint, PooledObject<PooledChannel> p) {
    PooledChannel channel = p.getObject();
    if (channel.probe() != PooledChannel.Probe.ALIVE) {
      channel.destroyReason(DestroyReason.VALIDATION);
      return false;
    }
    try {
      validator.validate(channel, Duration.ofNanos(validationTimeoutNanos));
      return !channel.isBroken();
    } catch (IOException | RuntimeException e) {
      LOG.debug("background validation of {} failed: {}", endpoint, e.toString());
      channel.destroyReason(DestroyReason.VALIDATION);
      return false;
    }
  }

  @Override
  public void activateObject(Endpoint endpoint, PooledObject<PooledChannel> p) {
    // nothing to do: the checkout path checks the connection within its deadline
  }

  @Override
  public void passivateObject(Endpoint endpoint, PooledObject<PooledChannel> p) {
    // nothing to do: the return path has already checked for unread bytes
  }
}
