package io.sockpool.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.CheckoutException;
import io.sockpool.Endpoint;
import io.sockpool.EndpointGroup;
import io.sockpool.PoolConfig;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.TlsConfig;
import io.sockpool.testkit.FakePeer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TLS to the members of a group resolved from a host name: each member is an IP literal, so the
 * pool sends no SNI and checks the certificate against the address, unless the TLS config names the
 * host ({@link TlsConfig.Builder#sniName(String)}): then that name is sent and verified.
 */
@Timeout(60)
class ResolvingGroupTlsTest extends TlsPeerTest {
  private static final String HOST = "other.sockpool.test";

  private SocketPool pool(TlsConfig.Builder tls) {
    pool =
        SocketPool.create(
            PoolConfig.builder()
                .poolName("resolving-tls")
                .addressResolver((host, timeout) -> List.of(InetAddress.getByName("127.0.0.1")))
                .tls(tls.trustPem(certs.caPem()).build())
                .checkoutTimeout(Duration.ofSeconds(10))
                .connectTimeout(Duration.ofSeconds(10))
                .build());
    return pool;
  }

  @Test
  void aCertificateForTheHostNameNeedsTheNameAsSniName() throws Exception {
    // a certificate for other.sockpool.test only, not for 127.0.0.1
    peer = FakePeer.tls(certs.serverContext(certs.wrongHostServer(), false), false);
    EndpointGroup g = EndpointGroup.resolving("tls-replicas", HOST, peer.port());

    SocketPool byAddress = pool(TlsConfig.builder());
    CheckoutException e = assertThrows(CheckoutException.class, () -> byAddress.checkout(g));
    assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
    byAddress.close();

    SocketPool byName = pool(TlsConfig.builder().sniName(HOST));
    try (PooledConnection c = byName.checkout(g)) {
      assertEquals(Endpoint.of("127.0.0.1", peer.port()), c.endpoint());
      assertEquals("+PONG\r\n", TlsConnectionTest.ping(c));
    }
  }
}
