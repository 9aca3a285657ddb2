package io.sockpool.internal;

import io.sockpool.DestroyReason;
import io.sockpool.Endpoint;
import io.sockpool.internal.queue.Admission;
import io.sockpool.internal.queue.Handoff;
import java.io.IOException;
import java.util.function.Predicate;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.GenericKeyedObjectPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's one door to commons-pool2's {@link GenericKeyedObjectPool}: taking an idle
 * connection (a hot one first, see {@link HotSlots}), opening one with a reserved slot, passing a
 * clean one on (to the longest waiter, else the idle set), destroying one, and the counts. Every
 * other part of the engine reaches connections through here, never through commons-pool2.
 */
final class Connections {
  private static final Logger LOG = LoggerFactory.getLogger(Connections.class);

  private final GenericKeyedObjectPool<Endpoint, PooledChannel> pool;
  private final ChannelFactory factory;
  private final Admission admission;
  private final EndpointRegistry endpoints;
  private final Lifecycle lifecycle;

  /**
   * @param pool commons-pool2's pool, which keeps the idle connections
   * @param factory its factory (told to forget a connection the pool no longer knows)
   * @param admission the capacity counts (a slot not used goes back)
   * @param endpoints the endpoints' states
   * @param lifecycle whether the pool is closed; told of each destroyed connection
   */
  Connections(
      GenericKeyedObjectPool<Endpoint, PooledChannel> pool,
      ChannelFactory factory,
      Admission admission,
      EndpointRegistry endpoints,
      Lifecycle lifecycle) {
    this.pool = pool;
    this.factory = factory;
    this.admission = admission;
    this.endpoints = endpoints;
    this.lifecycle = lifecycle;
  }

  /**
   * @return an idle connection of the endpoint (a hot one first), never a new one; null if none
   */
  PooledChannel takeIdle(EndpointState st) {
    PooledChannel ch = HotSlots.steal(st);
    return ch != null ? ch : takeCommonsIdle(st);
  }

  private PooledChannel takeCommonsIdle(EndpointState st) {
    if (pool.getNumIdle(st.endpoint()) == 0) {
      // nothing idle: no borrow. A borrow registers its key, and for a key with no connection at
      // all (a peer that is down) registering and deregistering take commons-pool2's write lock
      // over every key each time, a convoy across endpoints under contention. A connection
      // returned after this look is handed to a waiter by the return path.
      return null;
    }
    try {
      return pool.borrowObject(st.endpoint());
    } catch (ChannelFactory.NoIdle | IllegalStateException none) {
      return null; // nothing idle, or commons-pool2 already closed
    } catch (Exception unexpected) {
      throw new IllegalStateException(
          "commons-pool2 failed to hand out an idle connection", unexpected);
    }
  }

  /**
   * Opens a connection with a slot the caller reserved (or takes an idle one that appeared
   * meanwhile, and gives the slot back). On failure the slot is released.
   */
  PooledChannel connect(EndpointState st, long deadlineNanos)
      throws IOException, ChannelFactory.HookError, ChannelFactory.InitializerThrew {
    CreatePermit permit = CreatePermit.current().arm(st, deadlineNanos, true);
    boolean ok = false;
    try {
      PooledChannel ch = pool.borrowObject(st.endpoint());
      ok = true;
      return ch;
    } catch (IOException
        | RuntimeException
        | ChannelFactory.HookError
        | ChannelFactory.InitializerThrew e) {
      throw e;
    } catch (Exception unexpected) {
      throw new IllegalStateException("commons-pool2 failed to open a connection", unexpected);
    } finally {
      if (permit.disarm() == null) {
        admission.releaseUnopened(st); // not used: failed, or an idle one was taken instead
      } else {
        admission.connectDone(st); // the connect permit ends; the reservation stays with it
        if (!ok) {
          LOG.debug("connection to {} made but not handed out", st.endpoint());
        }
      }
    }
  }

  /**
   * Opens one connection into the idle set with a slot the caller reserved, in this thread, bounded
   * by the permit the caller armed.
   *
   * @return null if it was opened, else what failed (the factory's failure, or an {@link
   *     IllegalStateException} if commons-pool2 is closed)
   */
  Exception addIdle(EndpointState st) {
    try {
      pool.addObject(st.endpoint());
      return null;
    } catch (Exception e) {
      return e;
    }
  }

  /** Destroys a connection that is not idle (held, or being checked out). */
  void destroyActive(PooledChannel ch, DestroyReason reason) {
    ch.destroyReason(reason);
    try {
      pool.invalidateObject(ch.endpoint(), ch);
    } catch (Exception e) {
      ch.closeQuietly(); // not part of commons-pool2 any more (closed and cleared)
      factory.forget(ch);
    }
    lifecycle.connectionGone();
  }

  /**
   * Closes the endpoint's idle connections that match, now (an address no longer current, or
   * retired).
   *
   * @return how many were closed
   */
  int evictIdle(Endpoint endpoint, Predicate<PooledChannel> which) {
    EndpointState st = endpoints.find(endpoint);
    if (st == null) {
      return 0;
    }
    // hot ones are taken and closed directly (every caller retires what it evicts here)
    int closedNow = HotSlots.destroy(st, which, DestroyReason.RETIRED, this);
    for (PooledChannel ch : st.channels()) {
      if (which.test(ch)
          && closeCommonsIdle(ch, ch.isRetired() ? DestroyReason.RETIRED : DestroyReason.IDLE)) {
        closedNow++;
      }
    }
    return closedNow;
  }

  /**
   * Closes one idle connection (hot, or in commons-pool2's idle set) if this call claims it: one
   * checked out, handed over, being created or being tested by the evictor meanwhile is left alone.
   * Its slot goes back through {@link ChannelFactory#forget} (to a waiter of its endpoint first).
   *
   * @return whether it was closed
   */
  boolean closeIdle(PooledChannel ch, DestroyReason reason) {
    if (ch.isHot()) {
      return HotSlots.destroy(ch.state(), c -> c == ch, reason, this) > 0;
    }
    return closeCommonsIdle(ch, reason);
  }

  private boolean closeCommonsIdle(PooledChannel ch, DestroyReason reason) {
    PooledObject<PooledChannel> p = ch.pooledObject();
    if (p == null || !p.startEvictionTest()) {
      return false; // not idle (checked out, handed over, being tested by the evictor, created)
    }
    ch.destroyReason(reason);
    try {
      pool.invalidateObject(ch.endpoint(), ch);
    } catch (Exception e) {
      ch.closeQuietly(); // the pool was closed meanwhile
      factory.forget(ch);
    }
    lifecycle.connectionGone();
    return true;
  }

  /** Gives back what was handed to a waiter that left without it (a failure needs nothing). */
  void giveBackHanded(EndpointState st, Handoff<PooledChannel> handed) {
    if (handed == Handoff.<PooledChannel>slot()) {
      admission.releaseUnopened(st);
    } else if (handed instanceof Handoff.Channel<PooledChannel> given) {
      passOn(st, given.channel());
    }
  }

  /**
   * Passes on a clean connection nobody holds (a hot one taken back, one a waiter left without): to
   * the longest waiter, else to the idle set; destroyed if the pool is closed.
   */
  void passOn(EndpointState st, PooledChannel ch) {
    if (lifecycle.isClosed()) {
      destroyActive(ch, DestroyReason.CLOSED);
    } else if (!st.waiters().handOff(ch)) {
      returnIdle(st, ch);
    }
  }

  /**
   * Closes a clean connection that would go idle, instead of keeping it, while nobody waits for its
   * endpoint and a caller of another endpoint is parked on the global limit ({@code maxTotal}): the
   * freed slot goes to that caller at once ({@link Admission#release}).
   *
   * @return whether it was closed
   */
  boolean closedForOthers(EndpointState st, PooledChannel ch) {
    if (!st.nobodyWaits() || !admission.othersHeldBack(st)) { // the count in the state's line
      return false;
    }
    destroyActive(ch, DestroyReason.IDLE);
    return true;
  }

  /**
   * Puts a clean connection into the idle set, then looks at the waiters once more: one may have
   * joined, or become due, after the hand-off declined, and a waiter that already looked at the
   * idle set parks until handed something.
   */
  void returnIdle(EndpointState st, PooledChannel ch) {
    if (closedForOthers(st, ch)) {
      return;
    }
    try {
      pool.returnObject(st.endpoint(), ch);
    } catch (IllegalStateException e) {
      destroyActive(ch, DestroyReason.CLOSED);
      return;
    }
    for (int round = 0; round < 4 && st.waiters().size() > 0; round++) {
      PooledChannel idle = takeIdle(st);
      if (idle == null) {
        return;
      }
      if (!st.waiters().handOff(idle)) {
        pool.returnObject(st.endpoint(), idle);
      }
    }
  }

  /**
   * @return connections checked out (commons-pool2's allocated ones, less the hot ones)
   */
  int active(Endpoint endpoint) {
    return pool.getNumActive(endpoint) - hotCount(endpoint);
  }

  /**
   * @return idle connections (commons-pool2's idle ones, and the hot ones)
   */
  int idle(Endpoint endpoint) {
    return pool.getNumIdle(endpoint) + hotCount(endpoint);
  }

  private int hotCount(Endpoint endpoint) {
    EndpointState st = endpoints.find(endpoint);
    return st == null ? 0 : HotSlots.count(st);
  }

  /**
   * @return connections commons-pool2 has allocated (checked out or hot), over every endpoint
   */
  int allocated() {
    return pool.getNumActive();
  }

  /** One eviction pass of commons-pool2 over the idle set (the time rules, maybe validation). */
  void evictIdle() {
    try {
      pool.evict();
    } catch (Exception e) {
      throw new IllegalStateException("commons-pool2's eviction pass failed", e);
    }
  }

  /** Closes every idle connection (at close). */
  void clearIdle() {
    pool.clear();
  }

  /** Closes commons-pool2 (at close, once nothing is in use). */
  void close() {
    pool.close();
  }
}
