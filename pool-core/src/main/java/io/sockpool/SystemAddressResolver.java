package io.sockpool;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.Security;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link AddressResolver#system()}: {@code InetAddress.getAllByName} on a few shared daemon
 * threads, one lookup at a time per host, the caller waiting at most its timeout.
 */
final class SystemAddressResolver implements AddressResolver {
  /** The JDK resolver's default positive cache time without a security manager. */
  private static final Duration JDK_DEFAULT_TTL = Duration.ofSeconds(30);

  static final SystemAddressResolver INSTANCE =
      new SystemAddressResolver(InetAddress::getAllByName, 4, "sockpool-dns-");

  /** The blocking lookup; {@code InetAddress::getAllByName} outside tests. */
  @FunctionalInterface
  interface Lookup {
    InetAddress[] lookup(String host) throws UnknownHostException;
  }

  private final Lookup lookup;
  private final ThreadPoolExecutor threads;
  private final ConcurrentHashMap<String, CompletableFuture<List<InetAddress>>> inFlight =
      new ConcurrentHashMap<>();

  SystemAddressResolver(Lookup lookup, int maxThreads, String threadPrefix) {
    this.lookup = lookup;
    AtomicInteger n = new AtomicInteger();
    this.threads =
        new ThreadPoolExecutor(
            maxThreads,
            maxThreads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, threadPrefix + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    threads.allowCoreThreadTimeOut(true);
  }

  @Override
  public List<InetAddress> resolve(String host, Duration timeout) throws IOException {
    CompletableFuture<List<InetAddress>> answer = inFlight.computeIfAbsent(host, this::start);
    try {
      return answer.get(Math.max(1, timeout.toNanos()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new NameResolutionTimeoutException(host, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted during name resolution of host '" + host + "'");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof UnknownHostException) {
        UnknownHostException copy = new UnknownHostException(cause.getMessage());
        copy.initCause(cause); // a fresh stack per caller; the shared one stays untouched
        throw copy;
      }
      throw new IOException("name resolution of host '" + host + "' failed: " + cause, cause);
    }
  }

  private CompletableFuture<List<InetAddress>> start(String host) {
    CompletableFuture<List<InetAddress>> answer = new CompletableFuture<>();
    threads.execute(
        () -> {
          try {
            InetAddress[] all = lookup.lookup(host);
            if (all == null || all.length == 0) {
              throw new UnknownHostException(host + ": no address");
            }
            answer.complete(List.of(all));
          } catch (Exception | Error e) {
            answer.completeExceptionally(e);
          } finally {
            inFlight.remove(host, answer);
          }
        });
    return answer;
  }

  /**
   * The JVM's positive cache time: {@code networkaddress.cache.ttl}, else {@code
   * sun.net.inetaddr.ttl}.
   */
  @Override
  public Optional<Duration> answerTtl() {
    return jvmCacheTtl(
        Security.getProperty("networkaddress.cache.ttl"),
        System.getProperty("sun.net.inetaddr.ttl"));
  }

  /**
   * Returns the JVM's cache time from its two settings (seconds; negative = forever, shown as
   * empty, as no re-resolution can see a change then; unset or invalid = the JDK default).
   */
  static Optional<Duration> jvmCacheTtl(String securityProperty, String systemProperty) {
    String text = securityProperty != null ? securityProperty : systemProperty;
    if (text == null) {
      return Optional.of(JDK_DEFAULT_TTL);
    }
    try {
      long seconds = Long.parseLong(text.strip());
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    } catch (NumberFormatException e) {
      return Optional.of(JDK_DEFAULT_TTL);
    }
  }

  /** Returns lookups started and not finished (for tests). */
  int inFlight() {
    return inFlight.size();
  }

  @Override
  public String toString() {
    return "AddressResolver.system()";
  }
}
