package io.sockpool.spring.boot;

import io.sockpool.CheckoutException;
import io.sockpool.Endpoint;
import io.sockpool.PoolListener;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last failed checkout of each endpoint of one pool, and whether a checkout succeeded since,
 * for the health indicator and the actuator endpoint. A successful checkout costs one check of an
 * empty map while no endpoint has failed.
 */
final class LastFailures implements PoolListener {
  /**
   * One failed checkout.
   *
   * @param at when it failed
   * @param message the exception's message (the pool's state, no payload)
   * @param type the exception's simple class name
   * @param recovered whether a checkout of the endpoint succeeded since
   */
  record Failure(Instant at, String message, String type, boolean recovered) {}

  private final Map<Endpoint, Failure> failures = new ConcurrentHashMap<>();
  private final Clock clock;

  LastFailures(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void checkedOut(Endpoint endpoint, long elapsedNanos, boolean waited) {
    if (failures.isEmpty()) {
      return;
    }
    Failure f = failures.get(endpoint);
    if (f != null && !f.recovered()) {
      failures.replace(endpoint, f, new Failure(f.at(), f.message(), f.type(), true));
    }
  }

  @Override
  public void checkoutFailed(CheckoutException failure) {
    if (failure.endpoint() == null) {
      return; // not tied to an endpoint: nothing to show per endpoint
    }
    failures.put(
        failure.endpoint(),
        new Failure(
            clock.instant(),
            String.valueOf(failure.getMessage()),
            failure.getClass().getSimpleName(),
            false));
  }

  Optional<Failure> last(Endpoint endpoint) {
    return Optional.ofNullable(failures.get(endpoint));
  }
}
