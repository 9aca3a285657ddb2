package io.sockpool;

/** Why the pool closed a connection; counted per endpoint in {@link EndpointStats}. */
public enum DestroyReason {
  /** Idle for {@link PoolConfig#idleTimeout()} or longer. */
  IDLE,
  /** Older than its (jittered) {@link PoolConfig#maxLifetime()}. */
  LIFETIME,
  /** The peer failed: the cheap liveness check, the {@link Validator} or the initializer. */
  VALIDATION,
  /** Its holder saw an I/O error or timeout, invalidated it, or a hook threw. */
  BROKEN,
  /** Returned with unread inbound bytes. */
  DIRTY,
  /**
   * Returned after writing a request without declaring the reply read in full ({@link
   * Connection#exchangeComplete()}): a late reply could reach the next borrower.
   */
  INCOMPLETE_EXCHANGE,
  /**
   * The caller gave up while the pool was validating or initializing it (interrupt, or a checkout
   * deadline shorter than the exchange): its state is unknown, so it is not reused. Not the peer's
   * fault; the circuit breaker does not count it.
   */
  ABANDONED,
  /**
   * Retired on request ({@link SocketPool#evict(Endpoint)}) or because its address is no longer
   * current: idle ones at once, checked-out ones on return.
   */
  RETIRED,
  /** The pool was closed. */
  CLOSED
}
