package io.sockpool.internal;

import static io.sockpool.internal.ChannelFixture.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.internal.io.Probe;
import io.sockpool.internal.io.Watchdog;
import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.ProcessResources;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Blocking I/O with deadlines kept by the {@link Watchdog}, on real sockets. The watchdog's thread
 * is not started here: the test calls {@link Watchdog#scan} itself with the time it chooses, so
 * every race is decided by the test, not by the scheduler.
 */
@Timeout(20)
class WatchdogTest {
  private static final long MS = ChannelFixture.MS;

  private final ChannelFixture fixture = new ChannelFixture();
  private final Watchdog watchdog = fixture.watchdog;

  @AfterEach
  void close() {
    fixture.close();
  }

  /** Waits until the call under way on {@code c} has published its deadline. */
  private static void awaitArmed(PooledChannel c) throws InterruptedException {
    while (!c.transport().callUnderWay()) {
      Thread.sleep(1);
    }
  }

  @Test
  void aReadPastItsDeadlineIsEndedByTheWatchdogAndReportedAsATimeout() throws Exception {
    PooledChannel c = fixture.connect(FakePeer.silent());
    long deadline = System.nanoTime() + 60_000 * MS; // only the scan below can end it
    CompletableFuture<Integer> read =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return c.read(ByteBuffer.allocate(16), deadline);
              } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
              }
            });
    awaitArmed(c);
    assertEquals(deadline, watchdog.scan(deadline - 1), "before its deadline the call is left");
    assertFalse(read.isDone());

    watchdog.scan(deadline); // the deadline has come

    Throwable e = assertThrows(Exception.class, read::join).getCause();
    assertInstanceOf(SocketTimeoutException.class, e, String.valueOf(e));
    assertTrue(
        e.getMessage().contains("read on " + c.endpoint() + " timed out after"), e.toString());
    assertFalse(c.transport().isOpen(), "the watchdog closed it");
    assertTrue(c.isBroken(), "a timed-out connection is never reused");
    assertFalse(c.diedBeforeReply(), "a timeout is not the peer's close: no retry elsewhere");
    assertEquals(1, watchdog.expiredCount());
  }

  @Test
  void aCallThatCompletedIsNeverEndedOrReportedAsTimedOut() throws Exception {
    PooledChannel c = fixture.connect(FakePeer.echo());
    long deadline = System.nanoTime() + 60_000 * MS;
    c.write(ascii("hello"), deadline);
    ByteBuffer reply = ByteBuffer.allocate(5);
    while (reply.hasRemaining()) {
      c.read(reply, deadline);
    }

    watchdog.scan(deadline + 1_000 * MS); // long after: nothing is under way

    assertEquals(0, watchdog.expiredCount());
    assertTrue(c.transport().isOpen());
    c.write(ascii("again"), System.nanoTime() + 2_000 * MS);
    assertEquals(5, c.read(ByteBuffer.allocate(5), System.nanoTime() + 2_000 * MS));
  }

  @Test
  void anInterruptDuringABlockingReadIsReportedAsAnInterruptNotAsThePeersClose() throws Exception {
    PooledChannel c = fixture.connect(FakePeer.silent());
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                c.read(ByteBuffer.allocate(16), System.nanoTime() + 60_000 * MS);
                failure.complete(null);
              } catch (IOException | RuntimeException e) {
                failure.complete(e);
              }
            });
    reader.start();
    awaitArmed(c);
    reader.interrupt();

    Throwable e = failure.get(5, TimeUnit.SECONDS);
    assertInstanceOf(InterruptedIOException.class, e, String.valueOf(e));
    assertFalse(e instanceof SocketTimeoutException, "not a timeout");
    assertFalse(c.diedBeforeReply(), "an interrupt must not look like a peer that closed");
    assertTrue(c.isBroken());
    assertEquals(0, watchdog.expiredCount());
  }

  @Test
  void theRawChannelIsNonBlockingAndTheHelpersStillKeepTheirDeadline() throws Exception {
    PooledChannel c = fixture.connect(FakePeer.silent());
    assertFalse(c.channel().isBlocking(), "Connection.channel() promises non-blocking mode");
    assertEquals(0, c.channel().read(ByteBuffer.allocate(4)), "a raw read does not block");
    long start = System.nanoTime();

    assertThrows(
        SocketTimeoutException.class,
        () -> c.read(ByteBuffer.allocate(16), System.nanoTime() + 100 * MS));

    long took = (System.nanoTime() - start) / MS;
    assertTrue(took >= 95 && took < 2_000, "timed out after " + took + " ms, deadline 100 ms");
  }

  @Test
  void theProbeOfABlockingChannelSeesThePeersCloseAndLeavesTheChannelBlocking() throws Exception {
    PooledChannel c = fixture.connect(FakePeer.echo());
    assertEquals(Probe.ALIVE, c.probe());
    assertTrue(c.transport().channel().isBlocking(), "back in blocking mode after the probe");

    assertTrue(fixture.peer.awaitOpenAtMost(1, java.time.Duration.ofSeconds(5)));
    long accepted = System.nanoTime() + 5_000 * MS;
    while (fixture.peer.open() < 1 && System.nanoTime() < accepted) {
      Thread.sleep(1); // the peer's accept loop has not taken it yet
    }
    fixture.peer.closeAll();
    long until = System.nanoTime() + 5_000 * MS;
    while (c.probe() == Probe.ALIVE && System.nanoTime() < until) {
      Thread.sleep(5); // the FIN travels over loopback
    }

    assertEquals(Probe.PEER_CLOSED, c.probe());
  }

  @Test
  void bytesLeftUnreadAreFoundOnReturnWithoutReadingThem() throws Exception {
    PooledChannel c = fixture.connect(FakePeer.echo());
    long deadline = System.nanoTime() + 2_000 * MS;
    c.write(ascii("0123456789"), deadline);
    ByteBuffer half = ByteBuffer.allocate(5);
    while (half.hasRemaining()) {
      c.read(half, deadline);
    }
    long until = System.nanoTime() + 5_000 * MS;
    while (c.unreadCheck() == Probe.ALIVE && System.nanoTime() < until) {
      Thread.sleep(1); // the rest of the echo may still be on its way
    }

    assertEquals(Probe.UNREAD_BYTES, c.unreadCheck());
    ByteBuffer rest = ByteBuffer.allocate(5);
    while (rest.hasRemaining()) {
      c.read(rest, deadline);
    }
    assertEquals("56789", new String(rest.array(), StandardCharsets.US_ASCII), "nothing lost");
  }

  @Test
  void steadyTrafficWithOneTimeoutWakesTheWatchdogOnlyOnceAndTimeoutsStillFire() throws Exception {
    watchdog.start();
    try {
      // until its first pass the watchdog counts every armed call as a wake-up (it has not said how
      // long it sleeps yet): at load average 6 its thread started late enough for 50 calls to fall
      // in that window, so the count starts once it sleeps
      awaitWatchdogAsleep();
      PooledChannel c = fixture.connect(FakePeer.echo());
      ByteBuffer reply = ByteBuffer.allocate(4);
      for (int i = 0; i < 2_000; i++) {
        long deadline = System.nanoTime() + 2_000 * MS;
        c.write(ascii("ping"), deadline);
        reply.clear();
        while (reply.hasRemaining()) {
          c.read(reply, deadline);
        }
      }
      // the defect this guards against (a connection let go at its first idle look) woke it 117
      // times in 2,000 calls, and a per-call wake-up would be 2,000; a call that arms while the
      // watchdog scans also counts (its wake-up time is far off then, so it must look again), and
      // in a full verify under four CPU-bound loops a scan preempted mid-way saw 4 such calls
      assertTrue(
          watchdog.wakeUps() <= 20,
          "2,000 calls with a 2 s timeout woke the watchdog " + watchdog.wakeUps() + " times");

      fixture.peer.stall(true);
      c.write(ascii("ping"), System.nanoTime() + 2_000 * MS);
      long start = System.nanoTime();
      assertThrows(
          SocketTimeoutException.class,
          () -> c.read(ByteBuffer.allocate(4), System.nanoTime() + 150 * MS));
      long took = (System.nanoTime() - start) / MS;
      assertTrue(took >= 145 && took < 2_000, "timed out after " + took + " ms, deadline 150 ms");
    } finally {
      watchdog.stop();
      watchdog.awaitStopped(2_000);
    }
    assertFalse(watchdog.isAlive(), "the watchdog thread ends on stop");
  }

  private static void awaitWatchdogAsleep() throws InterruptedException {
    assertTrue(
        ProcessResources.awaitTrue(
            () ->
                Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(
                        t ->
                            t.getName().equals("test-watchdog")
                                && t.getState() == Thread.State.TIMED_WAITING),
            Duration.ofSeconds(10)),
        "the watchdog thread did not go to sleep within 10 s of its start");
  }

  @Test
  void aShorterDeadlineThanTheOneTheWatchdogSleepsTowardsWakesIt() throws Exception {
    watchdog.start();
    try {
      PooledChannel slow = fixture.connect(FakePeer.silent());
      CompletableFuture<Throwable> longCall = new CompletableFuture<>();
      Thread holder =
          new Thread(
              () -> {
                try {
                  slow.read(ByteBuffer.allocate(4), System.nanoTime() + 60_000 * MS);
                  longCall.complete(null);
                } catch (IOException e) {
                  longCall.complete(e);
                }
              });
      holder.start();
      awaitArmed(slow); // the watchdog now sleeps towards this call's 60 s deadline
      // a connection of the same watchdog (its own peer), with a 150 ms deadline
      PooledChannel quick =
          ChannelFixture.connector(watchdog, 60_000 * MS, 0)
              .connect(
                  io.sockpool.Endpoint.of(fixture.peer.host(), fixture.peer.port()),
                  System.nanoTime() + 2_000 * MS);
      try {
        quick.lease(null);
        long start = System.nanoTime();
        assertThrows(
            SocketTimeoutException.class,
            () -> quick.read(ByteBuffer.allocate(4), System.nanoTime() + 150 * MS));
        long took = (System.nanoTime() - start) / MS;
        assertTrue(took >= 145 && took < 5_000, "timed out after " + took + " ms, deadline 150 ms");
        assertFalse(longCall.isDone(), "the 60 s call is still under way");
      } finally {
        quick.closeQuietly();
        slow.closeQuietly();
        holder.join(5_000);
      }
    } finally {
      watchdog.stop();
      watchdog.awaitStopped(2_000);
    }
  }
}
