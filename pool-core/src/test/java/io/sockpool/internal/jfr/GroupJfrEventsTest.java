package io.sockpool.internal.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.Endpoint;
import io.sockpool.EndpointGroup;
import io.sockpool.PoolConfig;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import io.sockpool.testkit.FakePeer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The group events, streamed in-process: a member that stops answering is ejected (one {@code
 * io.sockpool.GroupEjection} with its group, member, reason, ejection time and count), and once it
 * answers again its probe takes it back (one {@code io.sockpool.GroupReturn}).
 */
@Timeout(60)
class GroupJfrEventsTest {

  private static void ping(PooledConnection c, Duration readTimeout) throws IOException {
    c.write(ByteBuffer.wrap("PING\r\n".getBytes(StandardCharsets.US_ASCII)), Duration.ofSeconds(2));
    c.readFully(ByteBuffer.allocate(7), readTimeout);
    c.exchangeComplete();
  }

  private static void call(SocketPool pool, EndpointGroup g) throws IOException {
    try (PooledConnection c = pool.checkout(g)) {
      try {
        ping(c, Duration.ofMillis(300));
      } catch (IOException e) {
        // the stalled member's calls time out: what ejects it
      }
    }
  }

  @Test
  void anEjectionAndTheReturnAreRecordedWithTheirFields() throws Exception {
    BlockingQueue<RecordedEvent> seen = new ArrayBlockingQueue<>(100);
    try (RecordingStream rs = new RecordingStream();
        FakePeer hung = new FakePeer();
        FakePeer a = new FakePeer();
        FakePeer b = new FakePeer();
        SocketPool pool = SocketPool.create(PoolConfig.builder().poolName("jfr-groups").build())) {
      rs.enable("io.sockpool.GroupEjection");
      rs.enable("io.sockpool.GroupReturn");
      rs.onEvent("io.sockpool.GroupEjection", seen::add);
      rs.onEvent("io.sockpool.GroupReturn", seen::add);
      rs.startAsync();
      Endpoint member = Endpoint.of(hung.host(), hung.port());
      EndpointGroup g =
          EndpointGroup.of(
              "jfr3",
              List.of(member, Endpoint.of(a.host(), a.port()), Endpoint.of(b.host(), b.port())));
      hung.stall(true);
      for (int i = 0; i < 40 && pool.stats(g).ejections() == 0; i++) {
        call(pool, g);
      }
      RecordedEvent ejection = seen.poll(20, TimeUnit.SECONDS);
      assertTrue(ejection != null, "no ejection event; " + pool.stats(g));
      assertEquals("io.sockpool.GroupEjection", ejection.getEventType().getName());
      assertEquals("jfr-groups", ejection.getString("pool"));
      assertEquals("jfr3", ejection.getString("group"));
      assertEquals(member.toString(), ejection.getString("member"));
      assertTrue(
          ejection.getString("reason").startsWith("5 consecutive failures"),
          ejection.getString("reason"));
      assertEquals(Duration.ofSeconds(1), ejection.getDuration("ejectionTime"));
      assertEquals(1, ejection.getLong("ejections"));

      hung.stall(false);
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (pool.stats(g).returns() == 0 && System.nanoTime() - until < 0) {
        call(pool, g); // the first call after the 1 s ejection time probes it
      }
      RecordedEvent back = seen.poll(20, TimeUnit.SECONDS);
      assertTrue(back != null, "no return event; " + pool.stats(g));
      assertEquals("io.sockpool.GroupReturn", back.getEventType().getName());
      assertEquals("jfr3", back.getString("group"));
      assertEquals(member.toString(), back.getString("member"));
      assertEquals(1, back.getLong("ejections"));
    }
  }
}
