package io.sockpool;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/**
 * Turns a host name into the addresses to connect to: the pool's hook for DNS, and for discovery of
 * one's own (Consul, Kubernetes endpoints, a static table in tests). Set it with {@link
 * PoolConfig.Builder#addressResolver(AddressResolver)}; the default is {@link #system()}.
 *
 * <p><b>Threading.</b> The pool never calls a resolver on a caller's thread, nor on its maintenance
 * thread: every lookup runs on the pool's own {@code <poolName>-resolver-N} daemon threads, at most
 * one at a time per endpoint, and callers wait for its result at most until their checkout
 * deadline. Calls for different hosts may run concurrently, so an implementation must be
 * thread-safe.
 *
 * <p><b>Timeouts.</b> {@code timeout} is how long the pool is prepared to wait for this lookup; an
 * implementation should answer or throw within about that time. One that does not holds a resolver
 * thread, never a caller: the pool gives up on the lookup at its timeout and may start another.
 *
 * <p>IP literals ({@code 10.0.0.5}, {@code ::1}) are never passed to a resolver.
 */
@FunctionalInterface
public interface AddressResolver {

  /**
   * Looks up the addresses of a host name.
   *
   * @param host the host name, lower case, as given to {@link Endpoint#of(String, int)}
   * @param timeout how long the caller waits for the answer; positive
   * @return the addresses, in the order to prefer them; not empty
   * @throws UnknownHostException if the name does not resolve (no such name, no address)
   * @throws NameResolutionTimeoutException if no answer came within the timeout
   * @throws IOException if the lookup failed otherwise
   */
  List<InetAddress> resolve(String host, Duration timeout) throws IOException;

  /**
   * How long answers may be reused, if the resolver knows (e.g. a cache in front of it). The pool
   * re-resolves at the shorter of this and {@link PoolConfig#reresolveInterval()}, unless that
   * interval is zero (never re-resolve in the background).
   *
   * @return the cache time to live of answers; empty when unknown (the default)
   */
  default java.util.Optional<Duration> answerTtl() {
    return java.util.Optional.empty();
  }

  /**
   * The JDK's resolver: {@link InetAddress#getAllByName(String)}, which honours {@code /etc/hosts},
   * the system's DNS settings and the JVM's address cache ({@code networkaddress.cache.ttl},
   * reported as {@link #answerTtl()}). The lookup runs on a small bounded set of daemon threads
   * ({@code sockpool-dns-N}, shared by every pool in the JVM), concurrent lookups of the same host
   * share one, and the calling thread waits at most the timeout: a DNS server that does not answer
   * costs the caller its timeout, not the system resolver's retries.
   *
   * @return the shared system resolver
   */
  static AddressResolver system() {
    return SystemAddressResolver.INSTANCE;
  }
}
