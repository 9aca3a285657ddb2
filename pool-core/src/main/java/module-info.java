/**
 * sockpool: a keyed pool of pre-connected TCP {@code SocketChannel}s on Apache commons-pool2, with
 * a resilience4j circuit breaker per endpoint. Exports the API ({@code io.sockpool}) and the sizing
 * calculators ({@code io.sockpool.sizing}); {@code io.sockpool.internal} stays hidden.
 */
// resilience4j's jars are automatic modules (no module-info of their own); their names are what
// their manifests declare, so requiring them transitively is as stable as they make it
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.sockpool {
  // in the API: PoolConfig takes a CircuitBreakerConfig, SocketPool returns the registry
  requires transitive io.github.resilience4j.circuitbreaker;
  // its registry's event types (the breakers' state transitions)
  requires transitive io.github.resilience4j.core;
  // in the API: SocketPoolMXBean.EndpointConnections.from(CompositeData)
  requires transitive java.management;
  requires org.apache.commons.pool2;
  requires org.slf4j;
  // ExtendedSocketOptions: per-socket TCP keepalive
  requires jdk.net;
  // the io.sockpool.* JFR events (package io.sockpool.internal.jfr, not exported)
  requires jdk.jfr;

  exports io.sockpool;
  exports io.sockpool.sizing;
}
