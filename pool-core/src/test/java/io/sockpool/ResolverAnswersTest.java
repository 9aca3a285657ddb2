package io.sockpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.testkit.FakePeer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A resolver's answer with a null, wildcard or multicast address, or no address, is a failed
 * resolution: the pool never connects to it (a wildcard address would reach whatever listens on the
 * port locally, here the peer) and {@link SocketPool#addresses} never shows it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ResolverAnswersTest {
  private final FakePeer peer;
  private final AtomicReference<List<InetAddress>> answer = new AtomicReference<>();
  private final SocketPool pool;
  private Endpoint service;
  private int lookups;

  ResolverAnswersTest() throws Exception {
    peer = new FakePeer(); // on 127.0.0.1: connect(0.0.0.0:port) reaches it
    pool =
        SocketPool.create(
            PoolConfig.builder()
                .poolName("resolver-answers")
                .addressResolver(
                    new AddressResolver() {
                      @Override
                      public List<InetAddress> resolve(String host, Duration timeout) {
                        return answer.get();
                      }

                      @Override
                      public String toString() {
                        return "TableResolver";
                      }
                    })
                .checkoutTimeout(Duration.ofSeconds(5))
                .build());
  }

  @AfterEach
  void close() {
    pool.close();
    peer.close();
  }

  /** Checks out a fresh name (a failed lookup is remembered for a few ms) answered {@code bad}. */
  private String refused(List<InetAddress> bad) {
    answer.set(bad);
    service = Endpoint.of("service-" + ++lookups + ".test", peer.port());
    CheckoutException e = assertThrows(CheckoutException.class, () -> pool.checkout(service));
    assertTrue(e.getCause() instanceof UnknownHostException, String.valueOf(e.getCause()));
    assertEquals(0, peer.accepted(), "never connected for " + bad);
    assertEquals(List.of(), pool.addresses(service));
    return e.getMessage();
  }

  @Test
  void aNullEntryIsAFailedResolutionNotTheWildcardAddress() {
    // an answer of [null] used to become 0.0.0.0: the pool connected to the local peer
    String m = refused(Collections.singletonList(null));
    assertTrue(m.contains("TableResolver answered [null] for 'service-1.test'"), m);
    assertTrue(m.contains("entry 0 is null"), m);
  }

  @Test
  void wildcardAddressesAreRefused() throws Exception {
    String m = refused(List.of(InetAddress.getByName("0.0.0.0")));
    assertTrue(m.contains("0.0.0.0 is the wildcard address"), m);
    String v6 = refused(List.of(InetAddress.getByName("::")));
    assertTrue(v6.contains("is the wildcard address"), v6);
  }

  @Test
  void aMulticastAddressAmongGoodOnesFailsTheWholeAnswer() throws Exception {
    String m =
        refused(
            Arrays.asList(InetAddress.getLoopbackAddress(), InetAddress.getByName("224.0.0.1")));
    assertTrue(m.contains("224.0.0.1 is a multicast address"), m);
  }

  @Test
  void anEmptyOrNullAnswerIsAFailedResolution() {
    assertTrue(refused(List.of()).contains("answered an empty list"));
    assertTrue(refused(null).contains("answered null"));
  }

  @Test
  void aGoodAnswerAfterABadOneIsUsed() throws Exception {
    refused(Collections.singletonList(null));
    answer.set(List.of(InetAddress.getLoopbackAddress()));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) { // the failed lookup may be remembered briefly: poll until the pool asks again
      try (PooledConnection c = pool.checkout(service)) {
        TestSupport.ping(c);
        break;
      } catch (CheckoutException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(10);
      }
    }
    assertEquals(
        List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), peer.port())),
        pool.addresses(service).stream().map(AddressStats::address).toList());
  }
}
