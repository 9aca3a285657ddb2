package io.sockpool;

/** Why the pool closed a connection; counted per endpoint in {@link ConnectionStats}. */
public enum DestroyReason {
  /** Idle for {@link PoolConfig#idleTimeout()} or longer, or reclaimed for capacity. */
  IDLE,
  /** Older than its (jittered) {@link PoolConfig#maxLifetime()}. */
  LIFETIME,
  /** The cheap liveness check or the {@link Validator} failed, or the initializer failed. */
  VALIDATION,
  /** Its holder saw an I/O error or timeout, or invalidated it. */
  BROKEN,
  /** Returned with unread inbound bytes. */
  DIRTY,
  /** The pool was closed. */
  CLOSED
}
