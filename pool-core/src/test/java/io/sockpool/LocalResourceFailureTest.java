package io.sockpool;

import static io.sockpool.TestSupport.endpoint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.sockpool.testkit.FakePeer;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A connect that fails for want of a local resource (here: every file descriptor of the process in
 * use, EMFILE) is the pool's or the caller's failure, not the peer's: the breaker records nothing
 * and the exception names the local cause.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LocalResourceFailureTest {
  /** More descriptors than this to fill and the test is skipped (it would take too long). */
  private static final long MAX_FILL = 200_000;

  @Test
  void fileDescriptorExhaustionNeverOpensTheBreaker() throws Exception {
    long limit = openFileLimit();
    long inUse = openFileCount();
    assumeTrue(limit > 0 && limit - inUse < MAX_FILL, "fd limit " + limit + " is low enough");
    // load every class the pool and this test may need while files can still be opened: a class
    // file read from a directory needs a descriptor
    preload(SocketPool.class, LocalResourceFailureTest.class, FakePeer.class);
    try (FakePeer peer = new FakePeer();
        SocketPool pool =
            SocketPool.create(
                PoolConfig.builder()
                    .maxPerEndpoint(2)
                    .checkoutTimeout(Duration.ofMillis(500))
                    .circuitBreakerConfig(
                        io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
                            .slidingWindowSize(4)
                            .minimumNumberOfCalls(2)
                            .failureRateThreshold(50)
                            .build())
                    .build())) {
      Endpoint e = endpoint(peer);
      try (PooledConnection c = pool.checkout(e, Duration.ofSeconds(5))) {
        TestSupport.ping(c);
        c.invalidate();
      }
      List<CheckoutException> failures = new ArrayList<>();
      List<FileChannel> filler = new ArrayList<>();
      String message = "";
      try {
        fill(filler);
        for (int i = 0; i < 8; i++) {
          try {
            pool.checkout(e, Duration.ofMillis(300)).close();
          } catch (CheckoutException expected) {
            failures.add(expected);
          }
        }
      } finally {
        for (FileChannel f : filler) {
          f.close();
        }
      }
      System.out.printf(
          "[local] fd limit %d, %d in use before, filled %d more; %d of 8 checkouts failed%n",
          limit, inUse, filler.size(), failures.size());
      assertEquals(8, failures.size(), "no descriptor left: every connect failed");
      for (CheckoutException f : failures) {
        message = f + " / cause " + f.getCause();
        assertTrue(message.contains("Too many open files"), "names the local cause: " + message);
        assertTrue(
            !(f instanceof EndpointUnavailableException), "the breaker did not open: " + message);
      }
      CircuitBreaker breaker = pool.circuitBreakers().circuitBreaker(e.toString());
      assertEquals(CircuitBreaker.State.CLOSED, breaker.getState());
      assertEquals(0, breaker.getMetrics().getNumberOfFailedCalls(), "no failure blamed on it");
      try (PooledConnection c = pool.checkout(e, Duration.ofSeconds(2))) {
        TestSupport.ping(c);
      }
    }
  }

  /** Loads (without initialising) every class found where the given classes were loaded from. */
  private static void preload(Class<?>... from) throws Exception {
    for (Class<?> c : from) {
      Path root = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!Files.isDirectory(root)) {
        continue; // a jar stays open once read
      }
      List<String> names;
      try (Stream<Path> files = Files.walk(root)) {
        names =
            files
                .map(root::relativize)
                .map(Path::toString)
                .filter(n -> n.endsWith(".class") && !n.startsWith("META-INF"))
                .filter(n -> !n.equals("module-info.class"))
                .map(n -> n.substring(0, n.length() - 6).replace('/', '.'))
                .toList();
      }
      for (String name : names) {
        try {
          Class.forName(name, false, c.getClassLoader());
        } catch (LinkageError | ClassNotFoundException ignored) {
          // not loadable here (another module's test helper): not needed either
        }
      }
    }
  }

  /** Opens /dev/null until the process runs out of descriptors. */
  private static void fill(List<FileChannel> filler) {
    Path devNull = Path.of("/dev/null");
    while (true) {
      try {
        filler.add(FileChannel.open(devNull));
      } catch (IOException full) {
        return;
      }
    }
  }

  private static long openFileLimit() throws IOException {
    try (Stream<String> lines = Files.lines(Path.of("/proc/self/limits"))) {
      return lines
          .filter(l -> l.startsWith("Max open files"))
          .map(l -> l.replaceAll(" +", " ").split(" ")[3])
          .mapToLong(v -> "unlimited".equals(v) ? -1 : Long.parseLong(v))
          .findFirst()
          .orElse(-1);
    }
  }

  private static long openFileCount() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }
}
