package io.sockpool.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.sockpool.Endpoint;
import io.sockpool.internal.resolve.AddressBook;
import io.sockpool.internal.resolve.AddressChanges;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the pool does when a name's addresses change: connections to addresses no longer current are
 * retired (idle ones closed at once, checked-out ones on return), and a breaker that opened against
 * the old addresses goes to half-open, so the first checkouts probe the new ones instead of waiting
 * out the open state.
 */
final class AddressDrain implements AddressChanges {
  private static final Logger LOG = LoggerFactory.getLogger(AddressDrain.class);

  private final KeyedChannelPool pool;

  AddressDrain(KeyedChannelPool pool) {
    this.pool = pool;
  }

  @Override
  public void changed(AddressBook book, AddressBook.Snapshot before) {
    Endpoint endpoint = book.endpoint();
    if (pool.isClosed()) {
      return;
    }
    EndpointState st = pool.endpoints().find(endpoint);
    if (st == null) {
      return; // forgotten meanwhile: no connection to retire, no breaker to probe
    }
    int retired = retireStale(st, book);
    int closed = pool.evictIdle(endpoint, PooledChannel::isRetired);
    boolean probe = st.breaker().getState() == CircuitBreaker.State.OPEN;
    if (probe) {
      st.breaker().transitionToHalfOpenState();
    }
    AddressBook.Snapshot now = book.snapshot();
    LOG.info(
        "addresses of {} changed from {} to {}: closed {} idle connection(s) to old addresses, "
            + "{} more on return{}",
        endpoint,
        before.addresses(),
        now == null ? "?" : now.addresses(),
        closed,
        Math.max(0, retired - closed),
        probe ? "; circuit breaker OPEN -> HALF_OPEN" : "");
  }

  /** Quiet: no log line. */
  @Override
  public void sweep(AddressBook book) {
    EndpointState st = pool.endpoints().find(book.endpoint());
    if (st != null && retireStale(st, book) > 0) {
      pool.evictIdle(book.endpoint(), PooledChannel::isRetired);
    }
  }

  /**
   * @return how many connections were newly retired
   */
  private int retireStale(EndpointState st, AddressBook book) {
    int n = 0;
    for (PooledChannel ch : st.channels()) {
      if (!ch.isRetired() && !book.isCurrent(ch.remoteAddress())) {
        ch.retire();
        n++;
      }
    }
    return n;
  }
}
