package io.sockpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.testkit.Slack;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The resolver SPI's default (the JDK resolver off the caller's thread) and its settings. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class AddressResolverTest {

  @Test
  void systemResolverAnswersLocalhostAndRejectsAnUnknownName() throws Exception {
    List<InetAddress> local = AddressResolver.system().resolve("localhost", Duration.ofSeconds(5));
    assertTrue(local.stream().allMatch(InetAddress::isLoopbackAddress), local.toString());
    assertThrows(
        UnknownHostException.class,
        () -> AddressResolver.system().resolve("nohost.invalid", Duration.ofSeconds(5)));
  }

  @Test
  void aLookupThatHangsCostsTheCallerItsTimeoutAndConcurrentCallersShareOneLookup()
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger lookups = new AtomicInteger();
    SystemAddressResolver resolver =
        new SystemAddressResolver(
            host -> {
              lookups.incrementAndGet();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 9})};
            },
            2,
            "test-dns-");
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try {
      List<Future<Long>> timed = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) {
        timed.add(
            callers.submit(
                () -> {
                  long start = System.nanoTime();
                  NameResolutionTimeoutException e =
                      assertThrows(
                          NameResolutionTimeoutException.class,
                          () -> resolver.resolve("hung.test", Duration.ofMillis(200)));
                  assertEquals("hung.test", e.host());
                  assertTrue(
                      e.getMessage().contains("name resolution of host 'hung.test'"),
                      e.getMessage());
                  return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                }));
      }
      for (Future<Long> f : timed) {
        long ms = f.get();
        assertTrue(
            ms >= 190 && ms < Slack.upToMillis(Duration.ofMillis(200)),
            "waited " + ms + " ms for a 200 ms timeout");
      }
      assertEquals(1, lookups.get(), "one lookup for four concurrent callers");
      release.countDown();
      // the answer that finally came is used by the next caller
      assertEquals(
          List.of(InetAddress.getByAddress("hung.test", new byte[] {127, 0, 0, 9})),
          resolver.resolve("hung.test", Duration.ofSeconds(2)));
    } finally {
      release.countDown();
      callers.shutdownNow();
    }
  }

  @Test
  void jvmCacheTtlFollowsTheSecurityPropertyThenTheSystemPropertyAndForeverIsUnknown() {
    assertEquals(
        Optional.of(Duration.ofSeconds(30)), SystemAddressResolver.jvmCacheTtl(null, null));
    assertEquals(Optional.of(Duration.ofSeconds(5)), SystemAddressResolver.jvmCacheTtl("5", "7"));
    assertEquals(Optional.of(Duration.ofSeconds(7)), SystemAddressResolver.jvmCacheTtl(null, "7"));
    assertEquals(Optional.empty(), SystemAddressResolver.jvmCacheTtl("-1", null));
    assertEquals(Optional.of(Duration.ofSeconds(30)), SystemAddressResolver.jvmCacheTtl("x", null));
  }

  @Test
  void configHoldsResolverAndIntervalValidatesAndShowsThem() {
    AddressResolver table = (host, timeout) -> List.of(InetAddress.getLoopbackAddress());
    PoolConfig config =
        PoolConfig.builder()
            .addressResolver(table)
            .reresolveInterval(Duration.ofSeconds(5))
            .build();
    assertEquals(table, config.addressResolver());
    assertEquals(Duration.ofSeconds(5), config.reresolveInterval());
    assertEquals(config.toString(), config.toBuilder().build().toString());
    assertTrue(config.toString().contains("reresolveInterval=PT5S"), config.toString());
    PoolConfig defaults = PoolConfig.builder().build();
    assertEquals(Duration.ofSeconds(30), defaults.reresolveInterval());
    assertEquals(AddressResolver.system(), defaults.addressResolver());
    assertTrue(
        PoolConfig.builder()
            .reresolveInterval(Duration.ZERO)
            .build()
            .toString()
            .contains("reresolveInterval=never"));
    IllegalArgumentException negative =
        assertThrows(
            IllegalArgumentException.class,
            () -> PoolConfig.builder().reresolveInterval(Duration.ofSeconds(-1)));
    assertEquals("reresolveInterval must be >= 0, but was PT-1S", negative.getMessage());
    IllegalArgumentException none =
        assertThrows(
            IllegalArgumentException.class, () -> PoolConfig.builder().addressResolver(null));
    assertTrue(none.getMessage().contains("AddressResolver.system()"));
  }
}
