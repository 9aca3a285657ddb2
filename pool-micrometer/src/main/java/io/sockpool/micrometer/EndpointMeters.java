package io.sockpool.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.sockpool.DestroyReason;
import io.sockpool.Endpoint;
import io.sockpool.SocketPool;
import io.sockpool.sizing.LiveSizing;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The meters of one endpoint of one pool: made together, removed together. Gauges and counters read
 * the pool's own {@link io.sockpool.EndpointStats} when polled (so counters include what happened
 * before binding); the timers are fed by the pool's events.
 */
final class EndpointMeters {
  final Timer acquire;
  final Timer creation;
  final Timer usage;
  private final List<Meter> all = new ArrayList<>();
  private final MeterRegistry registry;

  EndpointMeters(MeterRegistry registry, SocketPool pool, Endpoint endpoint, Tags poolTags) {
    this.registry = registry;
    Tags tags = poolTags.and("endpoint", endpoint.toString());
    gauge(
        MeterNames.CONNECTIONS,
        "Open connections: active plus idle",
        pool,
        tags,
        p -> p.stats(endpoint).open());
    gauge(
        MeterNames.ACTIVE,
        "Connections checked out now",
        pool,
        tags,
        p -> p.stats(endpoint).active());
    gauge(MeterNames.IDLE, "Idle connections now", pool, tags, p -> p.stats(endpoint).idle());
    gauge(
        MeterNames.PENDING,
        "Callers waiting for a connection now",
        pool,
        tags,
        p -> p.stats(endpoint).waiting());
    gauge(
        MeterNames.CONNECTING,
        "Connects under way now",
        pool,
        tags,
        p -> p.stats(endpoint).connecting());
    gauge(
        MeterNames.MAX,
        "Most connections the pool may open to the endpoint",
        pool,
        tags,
        p -> p.config().maxPerEndpoint());
    gauge(
        MeterNames.MIN,
        "Idle connections the pool keeps open",
        pool,
        tags,
        p -> p.config().minIdlePerEndpoint());
    acquire =
        timer(MeterNames.ACQUIRE, "Successful checkouts: waiting, connecting, validating", tags);
    creation = timer(MeterNames.CREATION, "New connections: connect plus initializer", tags);
    usage = timer(MeterNames.USAGE, "Time a connection was held, checkout to return", tags);
    counter(MeterNames.CREATED, "Connections opened", pool, tags, p -> p.stats(endpoint).created());
    String byOrigin = "Connections opened, by who opened them";
    counter(
        MeterNames.CREATED_BY_ORIGIN,
        byOrigin,
        pool,
        tags.and("origin", "checkout"),
        p -> p.stats(endpoint).createdOnDemand());
    counter(
        MeterNames.CREATED_BY_ORIGIN,
        byOrigin,
        pool,
        tags.and("origin", "preconnect"),
        p -> p.stats(endpoint).createdByPreconnect());
    counter(
        MeterNames.CREATED_BY_ORIGIN,
        byOrigin,
        pool,
        tags.and("origin", "warm_up"),
        p -> p.stats(endpoint).createdAhead());
    counter(
        MeterNames.TIMEOUT,
        "Checkouts that failed on their deadline",
        pool,
        tags,
        p -> p.stats(endpoint).timeouts());
    counter(
        MeterNames.REJECTED,
        "Checkouts refused at once: waiter bound reached or breaker open",
        pool,
        tags,
        p -> p.stats(endpoint).rejected());
    for (DestroyReason r : DestroyReason.values()) {
      counter(
          MeterNames.DESTROYED,
          "Connections closed, by reason",
          pool,
          tags.and("reason", r.name().toLowerCase(Locale.ROOT)),
          p -> p.stats(endpoint).destroyed(r));
    }
    sizingGauges(pool, endpoint, tags);
  }

  private void sizingGauges(SocketPool pool, Endpoint endpoint, Tags tags) {
    gauge(
        MeterNames.SIZING_RECOMMENDED,
        "Connections for at most 1 % of checkouts waiting,"
            + " capped at the pool's limit (live sizing)",
        pool,
        tags,
        p ->
            orNaN(
                p.sizing(endpoint).recommendedConnections().stream().asDoubleStream().findFirst()));
    gauge(
        MeterNames.SIZING_NEEDED,
        "Connections for at most 1 % of checkouts waiting, uncapped",
        pool,
        tags,
        p -> orNaN(p.sizing(endpoint).neededConnections().stream().asDoubleStream().findFirst()));
    gauge(
        MeterNames.SIZING_WAIT_MEASURED,
        "Share of checkouts that waited (live sizing window)",
        pool,
        tags,
        p -> orNaN(p.sizing(endpoint).measuredWaitProbability()));
    gauge(
        MeterNames.SIZING_WAIT_PREDICTED,
        "Erlang C's share of waiting checkouts at the current" + " size",
        pool,
        tags,
        p -> orNaN(p.sizing(endpoint).predictedWaitProbability()));
    gauge(
        MeterNames.SIZING_RATE,
        "Checkouts per second (live sizing window)",
        pool,
        tags,
        p -> p.sizing(endpoint).ratePerSecond());
    all.add(
        TimeGauge.builder(
                MeterNames.SIZING_HOLD,
                pool,
                TimeUnit.NANOSECONDS,
                p -> meanHoldNanos(p.sizing(endpoint)))
            .description("Mean time a connection was held (live sizing window)")
            .tags(tags)
            .register(registry));
  }

  private static double meanHoldNanos(LiveSizing s) {
    return s.meanHold().map(h -> (double) h.toNanos()).orElse(Double.NaN);
  }

  private static double orNaN(java.util.OptionalDouble v) {
    return v.isPresent() ? v.getAsDouble() : Double.NaN;
  }

  /** Removes every meter of the endpoint from the registry. */
  void remove() {
    for (Meter m : all) {
      registry.remove(m);
    }
    all.clear();
  }

  private void gauge(
      String name,
      String description,
      SocketPool pool,
      Tags tags,
      ToDoubleFunction<SocketPool> value) {
    all.add(
        Gauge.builder(name, pool, value).description(description).tags(tags).register(registry));
  }

  private Timer timer(String name, String description, Tags tags) {
    Timer t = Timer.builder(name).description(description).tags(tags).register(registry);
    all.add(t);
    return t;
  }

  private void counter(
      String name,
      String description,
      SocketPool pool,
      Tags tags,
      ToDoubleFunction<SocketPool> count) {
    all.add(
        FunctionCounter.builder(name, pool, count)
            .description(description)
            .tags(tags)
            .register(registry));
  }
}
