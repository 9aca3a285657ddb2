package io.sockpool;

import static io.sockpool.TestSupport.endpoint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.testkit.FakePeer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@link PoolListener} that throws an {@link Error} (a metrics library of the wrong version:
 * {@code NoSuchMethodError}) never reaches the caller and never costs a connection.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ListenerErrorTest {

  /** Throws from every method it is called on, and counts the calls. */
  static final class Broken implements PoolListener {
    final AtomicInteger calls = new AtomicInteger();
    private final Error error;

    Broken(Error error) {
      this.error = error;
    }

    private void fail() {
      calls.incrementAndGet();
      throw error;
    }

    @Override
    public void checkedOut(Endpoint endpoint, long elapsedNanos, boolean waited) {
      fail();
    }

    @Override
    public void returned(Endpoint endpoint, long heldNanos) {
      fail();
    }

    @Override
    public void connected(Endpoint endpoint, long connectNanos) {
      fail();
    }

    @Override
    public void destroyed(Endpoint endpoint, DestroyReason reason) {
      fail();
    }

    @Override
    public void checkoutFailed(CheckoutException failure) {
      fail();
    }

    @Override
    public void endpointAdded(Endpoint endpoint) {
      fail();
    }
  }

  @Test
  void listenerErrorsNeverReachTheCallerNorLoseAConnection() throws Exception {
    Broken broken = new Broken(new NoSuchMethodError("io.micrometer.core.instrument.Timer.record"));
    try (FakePeer peer = new FakePeer();
        SocketPool pool =
            SocketPool.create(
                PoolConfig.builder()
                    .maxPerEndpoint(2)
                    .maxTotal(2)
                    .checkoutTimeout(Duration.ofMillis(500))
                    .build())) {
      pool.addListener(broken);
      Endpoint e = endpoint(peer);
      for (int i = 0; i < 4; i++) {
        try (PooledConnection a = pool.checkout(e);
            PooledConnection b = pool.checkout(e)) {
          TestSupport.ping(a);
          TestSupport.ping(b);
          b.invalidate(); // a destroy, and the next round connects again
        }
        assertEquals(0, pool.stats(e).active(), "round " + i + ": nothing left checked out");
      }
      try {
        pool.checkout(e, Duration.ofMillis(100)).close();
        pool.checkout(Endpoint.of("127.0.0.1", FakePeer.closedPort()), Duration.ofMillis(300));
        throw new AssertionError("a closed port cannot be checked out");
      } catch (CheckoutException expected) {
        // the listener's Error did not replace the checkout's own failure
        assertTrue(!(expected.getCause() instanceof Error), "the checkout's failure: " + expected);
      }
      EndpointStats s = pool.stats(e);
      assertEquals(0, s.active(), s.toString());
      assertEquals(s.created() - s.destroyedTotal(), s.idle(), s.toString());
      assertTrue(broken.calls.get() > 20, "the listener was called: " + broken.calls);
    }
  }

  @Test
  void aListenersOutOfMemoryErrorIsContainedToo() throws Exception {
    Broken broken = new Broken(new OutOfMemoryError("listener's own allocation failed"));
    try (FakePeer peer = new FakePeer();
        SocketPool pool = SocketPool.create(PoolConfig.builder().maxPerEndpoint(1).build())) {
      pool.addListener(broken);
      Endpoint e = endpoint(peer);
      for (int i = 0; i < 3; i++) {
        try (PooledConnection c = pool.checkout(e, Duration.ofMillis(500))) {
          TestSupport.ping(c);
        }
      }
      assertEquals(0, pool.stats(e).active());
      assertEquals(1, pool.stats(e).idle());
    }
  }
}
