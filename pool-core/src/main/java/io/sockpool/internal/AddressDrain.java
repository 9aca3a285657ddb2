package io.sockpool.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.sockpool.Endpoint;
import io.sockpool.internal.resolve.AddressBook;
import io.sockpool.internal.resolve.AddressChanges;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
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

  /** Closes an endpoint's idle connections that match, now; returns how many. */
  interface IdleCloser {
    int closeIdle(Endpoint endpoint, Predicate<PooledChannel> which);
  }

  private final BooleanSupplier poolClosed;
  private final Function<Endpoint, EndpointState> states;
  private final IdleCloser idle;

  /**
   * @param poolClosed whether the pool is closed (then nothing is drained)
   * @param states the endpoint's state if the pool knows it, else null
   * @param idle closes idle connections now
   */
  AddressDrain(
      BooleanSupplier poolClosed, Function<Endpoint, EndpointState> states, IdleCloser idle) {
    this.poolClosed = poolClosed;
    this.states = states;
    this.idle = idle;
  }

  @Override
  public void changed(AddressBook book, AddressBook.Snapshot before) {
    Endpoint endpoint = book.endpoint();
    if (poolClosed.getAsBoolean()) {
      return;
    }
    EndpointState st = states.apply(endpoint);
    if (st == null) {
      return; // forgotten meanwhile: no connection to retire, no breaker to probe
    }
    int retired = retireStale(st, book);
    int closed = idle.closeIdle(endpoint, PooledChannel::isRetired);
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
    EndpointState st = states.apply(book.endpoint());
    if (st != null && retireStale(st, book) > 0) {
      idle.closeIdle(book.endpoint(), PooledChannel::isRetired);
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
