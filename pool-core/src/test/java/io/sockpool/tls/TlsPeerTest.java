package io.sockpool.tls;

import io.sockpool.SocketPool;
import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.TestCertificates;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the TLS tests against one {@link FakePeer} share: throwaway certificates generated once per
 * class, and the peer and the pool a test starts, closed after each test.
 */
abstract class TlsPeerTest {
  @TempDir static Path dir;
  static TestCertificates certs;

  FakePeer peer;
  SocketPool pool;

  @BeforeAll
  static void certificates() {
    certs = TestCertificates.generate(dir);
  }

  @AfterEach
  void stop() {
    if (pool != null) {
      pool.close();
    }
    if (peer != null) {
      peer.close();
    }
  }
}
