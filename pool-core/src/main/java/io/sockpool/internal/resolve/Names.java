package io.sockpool.internal.resolve;

import io.sockpool.AddressResolver;
import io.sockpool.AddressStats;
import io.sockpool.Endpoint;
import io.sockpool.NameResolutionTimeoutException;
import io.sockpool.PoolConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pool's view of host names: one {@link AddressBook} per endpoint, the lookups (on the pool's
 * {@code <poolName>-resolver-N} daemon threads, never a caller's or the maintenance thread, each
 * given up after {@link #LOOKUP_TIMEOUT}), the background re-resolution schedule and, through
 * {@link AddressChanges}, what happens when a name's addresses change.
 */
public final class Names {
  /** How long the pool waits for one lookup before it counts as failed. */
  public static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(10);

  private final AddressResolver resolver;
  private final Duration lookupTimeout;
  private final long intervalNanos;
  private final boolean never;
  private final AddressChanges drain;
  private final ThreadPoolExecutor threads;
  private final ConcurrentHashMap<Endpoint, AddressBook> books = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, NameWatch> watches = new ConcurrentHashMap<>();
  private final long unusedWatchNanos;
  private volatile boolean closed;

  /**
   * @param config the pool's settings (resolver, interval, pool name)
   * @param drain retires connections to addresses that are no longer current
   * @param lookupTimeout how long one lookup may take
   */
  public Names(PoolConfig config, AddressChanges drain, Duration lookupTimeout) {
    this.resolver = config.addressResolver();
    this.lookupTimeout = lookupTimeout;
    this.never = config.reresolveInterval().isZero();
    this.intervalNanos = effectiveInterval(config.reresolveInterval(), resolver).toNanos();
    this.drain = drain;
    this.unusedWatchNanos = config.idleTimeout().toNanos();
    AtomicInteger n = new AtomicInteger();
    String prefix = config.poolName() + "-resolver-";
    // one lookup at a time per endpoint bounds the threads by the number of endpoints
    this.threads =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, prefix + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Returns the background re-resolution interval: the configured one, or the resolver's answer TTL
   * if that is shorter but not zero; zero = never.
   */
  public static Duration effectiveInterval(Duration configured, AddressResolver resolver) {
    if (configured.isZero()) {
      return Duration.ZERO;
    }
    Duration ttl = resolver.answerTtl().orElse(configured);
    return ttl.isZero() || ttl.isNegative() || ttl.compareTo(configured) >= 0 ? configured : ttl;
  }

  /** Returns the endpoint's address book, made on first use. */
  public AddressBook book(Endpoint endpoint) {
    AddressBook b = books.get(endpoint);
    return b != null
        ? b
        : books.computeIfAbsent(
            endpoint,
            e ->
                new AddressBook(
                    e, this::lookup, (changed, before) -> drain.changed(changed, before)));
  }

  /**
   * The pool forgot the endpoint: its address book goes too (a later connect makes a new one).
   * Called with no connect under way for the endpoint.
   */
  public void forget(Endpoint endpoint) {
    books.remove(endpoint);
  }

  /**
   * Watches a host name under a key (a group's name), or returns the watch it already has. A watch
   * not {@link NameWatch#used used} for the pool's idle timeout is dropped by the maintenance pass,
   * and every watch at {@link #close()}: the next use makes a new one.
   *
   * @param key what the watch is for; one watch per key
   * @param hostPort the host name and port to look up
   * @param outcome told the outcome of each lookup
   * @return the watch
   * @throws IllegalStateException if the pool is closed
   */
  public NameWatch watch(String key, Endpoint hostPort, NameWatch.Outcome outcome) {
    if (closed) {
      throw new IllegalStateException("closed: no more name lookups");
    }
    NameWatch w = watches.get(key);
    return w != null
        ? w
        : watches.computeIfAbsent(
            key,
            k ->
                new NameWatch(
                    new AddressBook(hostPort, this::lookup, (b, before) -> {}, false),
                    outcome,
                    System.nanoTime()));
  }

  /** Returns how many names are watched (for the tests of its bound). */
  public int watched() {
    return watches.size();
  }

  /** Returns whether names are re-resolved at all (the interval is not zero). */
  public boolean reresolves() {
    return !never;
  }

  private CompletableFuture<List<InetAddress>> lookup(String host) {
    CompletableFuture<List<InetAddress>> answer = new CompletableFuture<>();
    try {
      threads.execute(
          () -> {
            try {
              answer.complete(
                  ResolvedAddresses.validate(
                      host, resolver, resolver.resolve(host, lookupTimeout)));
            } catch (Exception | Error e) {
              answer.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException closed) {
      answer.completeExceptionally(
          new java.io.IOException("pool closed during name resolution of " + host));
      return answer;
    }
    // a resolver that ignores its timeout keeps a resolver thread, not this endpoint's lookups
    CompletableFuture.delayedExecutor(lookupTimeout.toNanos(), TimeUnit.NANOSECONDS)
        .execute(
            () ->
                answer.completeExceptionally(
                    new NameResolutionTimeoutException(host, lookupTimeout)));
    return answer;
  }

  /**
   * The maintenance pass: starts the re-resolutions that are due (without waiting for them) and
   * retires connections to addresses no longer current that a change missed (a connect that was
   * under way while the addresses changed). Never blocks on a lookup.
   *
   * @param nowNanos {@link System#nanoTime()}
   */
  public void refreshDue(long nowNanos) {
    for (AddressBook b : books.values()) {
      if (!never && b.due(nowNanos, intervalNanos)) {
        // in the background: the outcome lands in the book, nobody waits here
        CompletableFuture<AddressBook.Snapshot> unused = b.refresh();
      }
      if (b.isName()) {
        drain.sweep(b);
      }
    }
    for (Map.Entry<String, NameWatch> e : watches.entrySet()) {
      NameWatch w = e.getValue();
      if (nowNanos - w.usedNanos() > unusedWatchNanos) {
        watches.remove(e.getKey(), w); // unused: nothing of it stays; the next use starts anew
      } else if (!never) {
        w.refreshIfDue(nowNanos, intervalNanos);
      }
    }
  }

  /**
   * After a failed connect: look the name up again (in the background) unless names are never
   * re-resolved.
   */
  public void connectFailed(AddressBook book, InetSocketAddress address) {
    book.connectFailed(address, !never);
  }

  /**
   * Returns the current addresses with their connection counts, then addresses no longer current
   * that still have connections; empty if the endpoint was never resolved.
   *
   * @param endpoint the endpoint
   * @param connected the remote address of each of its open connections
   */
  public List<AddressStats> stats(Endpoint endpoint, Iterable<InetSocketAddress> connected) {
    AddressBook b = books.get(endpoint);
    AddressBook.Snapshot s = b == null ? null : b.snapshot();
    if (s == null) {
      return List.of();
    }
    Map<InetSocketAddress, Integer> counts = new LinkedHashMap<>();
    for (InetSocketAddress a : s.addresses) {
      counts.put(a, 0);
    }
    for (InetSocketAddress a : connected) {
      if (a != null) {
        counts.merge(a, 1, Integer::sum);
      }
    }
    List<AddressStats> out = new ArrayList<>(counts.size());
    counts.forEach((a, n) -> out.add(new AddressStats(a, n, s.set.contains(a))));
    return out;
  }

  /** Stops every lookup and drops the watched names: no resolver is called after this. */
  public void close() {
    closed = true;
    threads.shutdownNow();
    watches.clear();
  }
}
