package io.sockpool.internal.resolve;

import io.sockpool.Endpoint;
import io.sockpool.NameResolutionTimeoutException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * The addresses of one endpoint: the resolver's last answer, when it came, and a generation that
 * grows each time the set of addresses changes. Lookups run elsewhere (see {@link Names}); this
 * class starts at most one at a time, never more often than every {@value #SPACING_MILLIS} ms, and
 * lets callers wait for one at most until their deadline. An endpoint given as an IP literal has
 * one fixed address and never looks anything up.
 */
public final class AddressBook {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AddressBook.class);
  static final long SPACING_MILLIS = 50;
  private static final long SPACING_NANOS = TimeUnit.MILLISECONDS.toNanos(SPACING_MILLIS);

  /** An address whose connect failed is tried after the others for this long. */
  private static final long SUSPECT_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** One answer: the addresses in the resolver's order, and when it came. */
  public static final class Snapshot {
    final List<InetSocketAddress> addresses;
    final Set<InetSocketAddress> set;
    final long resolvedNanos;
    final long generation;

    public Snapshot(List<InetSocketAddress> addresses, long resolvedNanos, long generation) {
      this.set = Set.copyOf(addresses);
      this.addresses = List.copyOf(new LinkedHashSet<>(addresses));
      this.resolvedNanos = resolvedNanos;
      this.generation = generation;
    }

    /** Returns the addresses, in connect order, without duplicates. */
    public List<InetSocketAddress> addresses() {
      return addresses;
    }
  }

  /** Told when a lookup changed the set of addresses: (book, the previous snapshot). */
  public interface ChangeListener {
    public void changed(AddressBook book, Snapshot before);
  }

  private final Endpoint endpoint;
  private final boolean literal;
  private final Function<String, CompletableFuture<List<InetAddress>>> lookups;
  private final ChangeListener listener;
  private final boolean warnOnFailure;
  private final AtomicInteger rotation = new AtomicInteger();
  private final ConcurrentHashMap<InetSocketAddress, Long> suspectUntil = new ConcurrentHashMap<>();
  private volatile Snapshot current;
  private volatile Throwable lastFailure;
  private volatile long lastLookupEndNanos;
  private CompletableFuture<Snapshot> inFlight; // guarded by this

  /**
   * @param endpoint the endpoint
   * @param lookups starts a lookup of a host name; the future ends within the lookup timeout
   * @param listener told on each change of the address set (in the thread that ended the lookup)
   */
  public AddressBook(
      Endpoint endpoint,
      Function<String, CompletableFuture<List<InetAddress>>> lookups,
      ChangeListener listener) {
    this(endpoint, lookups, listener, true);
  }

  /**
   * @param endpoint the endpoint
   * @param lookups starts a lookup of a host name; the future ends within the lookup timeout
   * @param listener told on each change of the address set (in the thread that ended the lookup)
   * @param warnOnFailure whether a failed re-resolution is logged here (at WARN, once per streak of
   *     failures), or by whoever waits on {@link #refresh()}
   */
  public AddressBook(
      Endpoint endpoint,
      Function<String, CompletableFuture<List<InetAddress>>> lookups,
      ChangeListener listener,
      boolean warnOnFailure) {
    this.endpoint = endpoint;
    this.lookups = lookups;
    this.listener = listener;
    this.warnOnFailure = warnOnFailure;
    // an IP literal (parsed by Endpoint.of) or a Unix socket (no IP at all): no lookup here
    this.literal = endpoint.ipLiteral().isPresent() || endpoint.unixPath().isPresent();
    if (literal) {
      current = new Snapshot(List.of(endpoint.resolve()), System.nanoTime(), 0);
    }
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  /** Returns whether the endpoint is a host name (re-resolved), not an IP literal. */
  public boolean isName() {
    return !literal;
  }

  /** Returns the last answer, or null before the first. */
  public Snapshot snapshot() {
    return current;
  }

  /** Returns the generation of the address set: 0 for the first answer, +1 per change. */
  public long generation() {
    Snapshot s = current;
    return s == null ? -1 : s.generation;
  }

  /** Returns whether the address is in the current set (true before the first answer). */
  public boolean isCurrent(InetSocketAddress address) {
    Snapshot s = current;
    return s == null || address == null || s.set.contains(address);
  }

  /** Returns whether a background re-resolution is due: the answer is older than the interval. */
  public boolean due(long nowNanos, long intervalNanos) {
    Snapshot s = current;
    return !literal
        && s != null
        && intervalNanos > 0
        && nowNanos - s.resolvedNanos >= intervalNanos
        && nowNanos - lastLookupEndNanos >= Math.min(intervalNanos, TimeUnit.SECONDS.toNanos(1));
  }

  /**
   * The addresses to try for a new connection, in order: the resolver's list rotated by one per
   * call (connections spread over all addresses), addresses that failed a connect lately last.
   * Waits for the first answer if there is none yet, at most until the deadline.
   *
   * @throws NameResolutionTimeoutException if the first answer did not come before the deadline
   * @throws UnknownHostException if the name does not resolve
   */
  public List<InetSocketAddress> connectOrder(long deadlineNanos) throws IOException {
    Snapshot s = current;
    if (s == null) {
      s = await(refresh(), deadlineNanos);
    }
    List<InetSocketAddress> all = s.addresses;
    int n = all.size();
    List<InetSocketAddress> order = new ArrayList<>(n);
    List<InetSocketAddress> suspects = new ArrayList<>(0);
    int start = n == 1 ? 0 : Math.floorMod(rotation.getAndIncrement(), n);
    long now = System.nanoTime();
    for (int i = 0; i < n; i++) {
      InetSocketAddress a = all.get((start + i) % n);
      Long until = suspectUntil.get(a);
      (until != null && now - until < 0 ? suspects : order).add(a);
    }
    order.addAll(suspects);
    return order;
  }

  /**
   * A connect to the address failed: try it last for a while.
   *
   * @param reresolve whether to look the name up again (in the background)
   */
  public void connectFailed(InetSocketAddress address, boolean reresolve) {
    suspectUntil.put(address, System.nanoTime() + SUSPECT_NANOS);
    if (reresolve && !literal) {
      // in the background: the lookup's outcome lands in the book (finish), nobody waits here
      CompletableFuture<Snapshot> unused = refresh();
    }
  }

  public void connected(InetSocketAddress address) {
    suspectUntil.remove(address);
  }

  /**
   * After every address failed: a fresh answer (waiting out the spacing since the last lookup),
   * within the deadline.
   *
   * @return the new answer's addresses, or an empty list if there is none in time
   */
  public List<InetSocketAddress> reresolveAfterFailure(long deadlineNanos) {
    if (literal) {
      return List.of();
    }
    long earliest = lastLookupEndNanos + SPACING_NANOS;
    while (System.nanoTime() - earliest < 0 && deadlineNanos - earliest > 0) {
      LockSupport.parkNanos(this, earliest - System.nanoTime());
      if (Thread.currentThread().isInterrupted()) {
        return List.of();
      }
    }
    try {
      return await(refresh(), deadlineNanos).addresses;
    } catch (IOException e) {
      return List.of();
    }
  }

  /**
   * Starts a lookup unless one is under way (then returns that one) or the last ended less than the
   * spacing ago (then returns its outcome). Never blocks.
   */
  public synchronized CompletableFuture<Snapshot> refresh() {
    if (literal) {
      return CompletableFuture.completedFuture(current);
    }
    if (inFlight != null) {
      return inFlight;
    }
    if (lastLookupEndNanos != 0 && System.nanoTime() - lastLookupEndNanos < SPACING_NANOS) {
      Snapshot s = current;
      Throwable failure = lastFailure;
      return s != null || failure == null
          ? CompletableFuture.completedFuture(s)
          : CompletableFuture.failedFuture(failure);
    }
    CompletableFuture<Snapshot> next = new CompletableFuture<>();
    inFlight = next;
    CompletableFuture<List<InetAddress>> lookup;
    try {
      lookup = lookups.apply(endpoint.host());
    } catch (RuntimeException e) {
      lookup = CompletableFuture.failedFuture(e);
    }
    // finish() completes next with the outcome, failure included; next is what callers wait on
    CompletableFuture<List<InetAddress>> unused =
        lookup.whenComplete((addresses, failure) -> finish(next, addresses, failure));
    return next;
  }

  private void finish(
      CompletableFuture<Snapshot> next, List<InetAddress> answer, Throwable failure) {
    Snapshot before;
    Snapshot after;
    synchronized (this) {
      inFlight = null;
      lastLookupEndNanos = System.nanoTime();
      before = current;
      if (failure != null || answer == null || answer.isEmpty()) {
        boolean first = lastFailure == null;
        lastFailure =
            failure != null
                ? unwrap(failure)
                : new UnknownHostException(endpoint.host() + ": no address");
        after = before;
        if (before != null && first && warnOnFailure) {
          LOG.warn(
              "re-resolving {} failed, still using {}: {}",
              endpoint,
              before.addresses,
              lastFailure.toString());
        }
      } else {
        lastFailure = null;
        List<InetSocketAddress> addresses = new ArrayList<>(answer.size());
        for (InetAddress a : answer) {
          addresses.add(new InetSocketAddress(a, endpoint.port()));
        }
        boolean same = before != null && before.set.equals(Set.copyOf(addresses));
        long generation = before == null ? 0 : before.generation + (same ? 0 : 1);
        after = new Snapshot(addresses, lastLookupEndNanos, generation);
        current = after;
      }
    }
    if (after == null) {
      next.completeExceptionally(lastFailure);
      return;
    }
    if (before != null && after.generation != before.generation) {
      listener.changed(this, before);
    }
    next.complete(after);
  }

  /** Returns the failure of the last lookup if it failed, else null. */
  public Throwable lastFailure() {
    return lastFailure;
  }

  private Snapshot await(CompletableFuture<Snapshot> answer, long deadlineNanos)
      throws IOException {
    long start = System.nanoTime();
    try {
      Snapshot s = answer.get(Math.max(0, deadlineNanos - start), TimeUnit.NANOSECONDS);
      if (s == null) {
        throw new UnknownHostException(doesNotResolve(null));
      }
      return s;
    } catch (TimeoutException e) {
      throw new NameResolutionTimeoutException(
          endpoint.host(), Duration.ofNanos(System.nanoTime() - start));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(
          "interrupted during name resolution of host '" + endpoint.host() + "'");
    } catch (ExecutionException e) {
      Throwable cause = unwrap(e.getCause());
      if (cause instanceof NameResolutionTimeoutException) {
        throw new NameResolutionTimeoutException(
            endpoint.host(), Duration.ofNanos(System.nanoTime() - start));
      }
      if (cause instanceof UnknownHostException) {
        UnknownHostException unknown = new UnknownHostException(doesNotResolve(cause));
        unknown.initCause(cause);
        throw unknown;
      }
      throw new IOException(
          "name resolution of host '" + endpoint.host() + "' failed: " + cause, cause);
    }
  }

  private String doesNotResolve(Throwable cause) {
    return "host name '"
        + endpoint.host()
        + "' does not resolve: no address for "
        + endpoint
        + (cause == null || cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")");
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof java.util.concurrent.CompletionException
            || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  @Override
  public String toString() {
    Snapshot s = current;
    return "AddressBook{"
        + endpoint
        + ", "
        + (s == null ? "unresolved" : s.addresses + " gen " + s.generation)
        + "}";
  }
}
