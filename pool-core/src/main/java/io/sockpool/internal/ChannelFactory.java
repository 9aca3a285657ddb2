package io.sockpool.internal;

import io.sockpool.ConnectionInitializer;
import io.sockpool.DestroyReason;
import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.Validator;
import io.sockpool.internal.io.Probe;
import io.sockpool.internal.metrics.Listeners;
import io.sockpool.internal.queue.Admission;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.apache.commons.pool2.DestroyMode;
import org.apache.commons.pool2.KeyedPooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericKeyedObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection lifecycle, as commons-pool2 drives it. Written once here; what may block, and for
 * how long:
 *
 * <ul>
 *   <li><b>create</b> ({@link #makeObject}): only under an armed {@link CreatePermit} (a slot
 *       reserved by {@link Admission}); otherwise it refuses at once with {@link NoIdle}, which
 *       makes a borrow "take an idle connection or nothing". Connects (the name resolved afresh,
 *       each address tried in turn) and runs the {@link ConnectionInitializer}, together bounded by
 *       the smaller of the permit's deadline (the caller's checkout deadline) and the connect
 *       timeout. An {@link Error} from the initializer is carried out as {@link HookError} so
 *       commons-pool2 keeps its counts; the caller unwraps it.
 *   <li><b>validate</b> ({@link #validateObject}): only from the evictor with background validation
 *       on: the cheap probe, then the {@link Validator}, bounded by the validation timeout.
 *       Validation on borrow is done by the checkout itself, inside its deadline.
 *   <li><b>activate / passivate</b>: nothing; the return path checks the connection itself.
 *   <li><b>destroy</b> ({@link #destroyObject}): closes selector and socket, never blocks, counts
 *       the reason and releases the slot (to a waiter first).
 * </ul>
 */
final class ChannelFactory implements KeyedPooledObjectFactory<Endpoint, PooledChannel> {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelFactory.class);

  private final SocketConnector connector;
  private final ConnectionInitializer initializer;
  private final Validator validator;
  private final long connectTimeoutNanos;
  private final long validationTimeoutNanos;
  private final Admission admission;
  private final Listeners listeners;
  private volatile boolean closing;

  ChannelFactory(
      SocketConnector connector, PoolConfig config, Admission admission, Listeners listeners) {
    this.connector = connector;
    this.initializer = config.initializer();
    this.validator = config.validator();
    this.connectTimeoutNanos = config.connectTimeout().toNanos();
    this.validationTimeoutNanos = config.validationTimeout().toNanos();
    this.admission = admission;
    this.listeners = listeners;
  }

  /**
   * commons-pool2 without limits or waiting: sockpool admits and waits itself. With {@code
   * blockWhenExhausted} off no borrower ever waits inside commons-pool2, so its capacity reuse (a
   * create for another key's waiters on return, invalidate or eviction) never finds a waiter and
   * never runs a connect on a returning thread; that holds on 2.12 (Spring Boot's managed version)
   * as on 2.13, so nothing here needs 2.13's switches for it.
   */
  static GenericKeyedObjectPoolConfig<PooledChannel> commonsConfig(PoolConfig config) {
    GenericKeyedObjectPoolConfig<PooledChannel> c = new GenericKeyedObjectPoolConfig<>();
    c.setMaxTotal(-1);
    c.setMaxTotalPerKey(-1);
    c.setMaxIdlePerKey(-1);
    c.setMinIdlePerKey(0); // replenished by Maintenance, off the shared evictor thread
    c.setBlockWhenExhausted(false);
    c.setLifo(true);
    c.setTestOnCreate(false);
    c.setTestOnBorrow(false);
    c.setTestOnReturn(false);
    c.setTestWhileIdle(config.backgroundValidation());
    c.setTimeBetweenEvictionRuns(Duration.ofMillis(-1)); // commons' shared evictor off
    c.setNumTestsPerEvictionRun(Integer.MAX_VALUE);
    c.setJmxEnabled(false);
    return c;
  }

  void closing() {
    closing = true;
  }

  @Override
  public PooledObject<PooledChannel> makeObject(Endpoint endpoint)
      throws IOException, NoIdle, HookError, InitializerThrew {
    CreatePermit permit = CreatePermit.current();
    if (!permit.armed()) {
      throw NoIdle.INSTANCE;
    }
    EndpointState st = permit.state();
    long start = System.nanoTime();
    long deadline = Math.min(permit.deadlineNanos() - start, connectTimeoutNanos) + start;
    st.connectStarted();
    PooledChannel ch = null;
    try {
      ch = connector.connect(endpoint, deadline);
      ch.state(st);
      st.tracked(ch);
      ensureNotClosing(endpoint);
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new SocketTimeoutException(
            "connect to "
                + endpoint
                + " used the whole "
                + java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(deadline - start)
                + " ms: no time left for the initializer");
      }
      try {
        initializer.initialize(ch, Duration.ofNanos(left));
      } catch (RuntimeException e) {
        throw new InitializerThrew(e); // told apart from any other failure to open a connection
      }
      ch.checkHookLeftItClean("the initializer");
      if (ch.replies().everReplied()) {
        ch.replies().owed(ReplyWatch.Owed.NOTHING); // the initializer's exchange was answered
      }
      ch.lease(null); // the initializer's exchange is over: start clean
      ensureNotClosing(endpoint);
    } catch (IOException | InitializerThrew | RuntimeException | Error e) {
      listeners.connectFailed(
          endpoint,
          ch == null ? null : ch.remoteAddress(),
          System.nanoTime() - start,
          e instanceof InitializerThrew ? e.getCause() : e);
      if (ch != null) {
        st.untracked(ch);
        ch.closeQuietly();
      }
      if (e instanceof Error error) {
        throw new HookError(error);
      }
      throw e;
    } finally {
      st.connectEnded();
    }
    long now = System.nanoTime();
    st.active(now);
    st.countCreated(permit.forCheckout());
    ch.openedForCheckout(permit.forCheckout());
    ch.inPool(true);
    PooledObject<PooledChannel> pooled = new DefaultPooledObject<>(ch);
    // not published to the channel yet: commons-pool2 registers the object only after this
    // returns, and a wrapper in its initial IDLE state would let Connections.evictIdle claim
    // and invalidate a connection commons-pool2 does not know yet. The permit publishes it when
    // the borrow or addObject that made it has returned.
    permit.created(ch, pooled);
    listeners.connected(endpoint, ch.remoteAddress(), now - start);
    return pooled;
  }

  private void ensureNotClosing(Endpoint endpoint) throws IOException {
    if (closing) {
      throw new IOException("pool closed while connecting to " + endpoint);
    }
  }

  @Override
  public void destroyObject(Endpoint endpoint, PooledObject<PooledChannel> p) {
    destroyObject(endpoint, p, DestroyMode.NORMAL);
  }

  @Override
  public void destroyObject(Endpoint endpoint, PooledObject<PooledChannel> p, DestroyMode mode) {
    PooledChannel channel = p.getObject();
    channel.destroyReason(
        closing
            ? DestroyReason.CLOSED
            : channel.isRetired() ? DestroyReason.RETIRED : DestroyReason.IDLE); // if unset
    channel.closeQuietly();
    forget(channel);
  }

  /**
   * Counts a closed connection once and releases its slot: the one place a connection's capacity
   * comes back.
   */
  void forget(PooledChannel channel) {
    EndpointState st = channel.state();
    if (st != null && st.untracked(channel)) {
      DestroyReason reason = channel.destroyReason();
      st.active(System.nanoTime()); // "no connection for longer than..." starts now
      st.countDestroyed(reason);
      listeners.destroyed(channel.endpoint(), reason);
      LOG.debug("closed connection to {} ({})", channel.endpoint(), reason);
      admission.release(st);
    }
  }

  /** Background validation, from the evictor only. */
  @Override
  public boolean validateObject(Endpoint endpoint, PooledObject<PooledChannel> p) {
    PooledChannel channel = p.getObject();
    if (channel.probe() != Probe.ALIVE) {
      channel.destroyReason(DestroyReason.VALIDATION);
      return false;
    }
    try {
      validator.validate(channel, Duration.ofNanos(validationTimeoutNanos));
      channel.exchangeComplete(); // a validator that returned has read its reply
      channel.checkHookLeftItClean("the validator");
      return true;
    } catch (IOException | RuntimeException | Error e) {
      LOG.debug("background validation of {} failed: {}", endpoint, e.toString());
      channel.destroyReason(DestroyReason.VALIDATION);
      return false;
    }
  }

  @Override
  public void activateObject(Endpoint endpoint, PooledObject<PooledChannel> p) {
    // nothing to do: the checkout checks the connection within its deadline
  }

  @Override
  public void passivateObject(Endpoint endpoint, PooledObject<PooledChannel> p) {
    // nothing to do: the return path has already checked the connection
  }

  /** A borrow that may only take an idle connection found none. Preallocated, no stack. */
  static final class NoIdle extends Exception {
    private static final long serialVersionUID = 1L;

    // one shared instance on purpose: a signal on the borrow path, never logged, chained or
    // given a stack, so nothing of one throw leaks into another
    @SuppressWarnings("StaticAssignmentOfThrowable")
    static final NoIdle INSTANCE = new NoIdle();

    private NoIdle() {
      super("no idle connection (a borrow that may not connect)", null, false, false);
    }
  }

  /**
   * A {@link RuntimeException} thrown by the {@link ConnectionInitializer}, carried through
   * commons-pool2 and unwrapped, so that only a failure of the initializer is reported as one.
   */
  static final class InitializerThrew extends Exception {
    private static final long serialVersionUID = 1L;

    InitializerThrew(RuntimeException failure) {
      super(failure.toString(), failure, false, false);
    }
  }

  /** An {@link Error} thrown by a hook, carried through commons-pool2 and unwrapped. */
  static final class HookError extends Exception {
    private static final long serialVersionUID = 1L;

    HookError(Error error) {
      super(error.toString(), error, false, false);
    }

    Error error() {
      return (Error) getCause();
    }
  }
}
