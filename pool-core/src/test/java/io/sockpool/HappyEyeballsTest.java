package io.sockpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A name whose first address black-holes SYNs (a listener with a full accept queue on 127.0.0.1)
 * and whose second answers (an echo peer on 127.0.0.2, same port): with happy eyeballs the checkout
 * succeeds about one delay after it starts, not after the first address's share of the deadline.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HappyEyeballsTest {
  private static final String NAME = "replicas.test";
  private ServerSocket blackhole;
  private final List<SocketChannel> fillers = new ArrayList<>();
  private AddressPeer answering;

  @BeforeEach
  void start() throws IOException {
    for (int attempt = 0; answering == null; attempt++) {
      blackhole = new ServerSocket();
      blackhole.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 1);
      try {
        answering = AddressPeer.start("127.0.0.2", blackhole.getLocalPort());
      } catch (IOException taken) {
        blackhole.close();
        if (attempt == 5) {
          throw taken;
        }
      }
    }
    for (int i = 0; i < 8; i++) { // fill the accept queue: later SYNs get no answer
      SocketChannel c = SocketChannel.open();
      c.configureBlocking(false);
      c.connect(blackhole.getLocalSocketAddress());
      fillers.add(c);
    }
  }

  @AfterEach
  void stop() throws IOException {
    for (SocketChannel c : fillers) {
      c.close();
    }
    blackhole.close();
    answering.close();
  }

  private SocketPool pool(Duration delay) {
    AddressResolver both =
        (host, timeout) ->
            List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("127.0.0.2"));
    return SocketPool.create(
        PoolConfig.builder()
            .poolName("eyeballs")
            .addressResolver(both)
            .connectTimeout(Duration.ofSeconds(4))
            .checkoutTimeout(Duration.ofSeconds(4))
            .happyEyeballsDelay(delay)
            .build());
  }

  @Test
  void aBlackHoledFirstAddressIsRacedAfterTheDelay() throws Exception {
    try (SocketPool pool = pool(Duration.ofMillis(250))) {
      Endpoint e = Endpoint.of(NAME, blackhole.getLocalPort());
      long t0 = System.nanoTime();
      try (PooledConnection c = pool.checkout(e)) {
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(InetAddress.getByName("127.0.0.2"), AddressPeer.exchange(c));
        assertTrue(ms >= 240, "the first address ran alone for the delay: " + ms + " ms");
        // without the race the first address would hold the connect for half of the 4 s
        assertTrue(ms < 1500, "raced after 250 ms, not at the first address's share: " + ms);
      }
      List<AddressStats> addresses = pool.addresses(e);
      long toBlackhole =
          addresses.stream()
              .filter(a -> a.address().getAddress().getHostAddress().equals("127.0.0.1"))
              .mapToLong(AddressStats::connections)
              .sum();
      assertEquals(0, toBlackhole, "the loser was closed: " + addresses);
    }
  }

  @Test
  void withoutTheRaceTheFirstAddressHoldsItsShareOfTheDeadline() throws Exception {
    try (SocketPool pool = pool(Duration.ZERO)) {
      long t0 = System.nanoTime();
      try (PooledConnection c = pool.checkout(Endpoint.of(NAME, blackhole.getLocalPort()))) {
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms >= 1900, "one after the other: half of the 4 s first, was " + ms + " ms");
        AddressPeer.exchange(c);
      }
    }
  }
}
