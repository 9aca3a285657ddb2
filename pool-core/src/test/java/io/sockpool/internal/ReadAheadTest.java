package io.sockpool.internal;

import static io.sockpool.internal.ChannelFixture.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.DestroyReason;
import io.sockpool.internal.io.BlockingIo;
import io.sockpool.testkit.FakePeer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Reads ask the socket for one byte beyond the caller's buffer (every read of up to {@link
 * BlockingIo#STAGED_MAX} bytes of room, through the connection's staging buffer; a larger read
 * after one that filled its buffer, through a {@code readv} spare), so the return path knows
 * without a system call of its own whether a holder that read exactly the reply's length left
 * anything behind. Real sockets against an echo peer.
 */
@Timeout(20)
class ReadAheadTest {
  private static final long MS = ChannelFixture.MS;

  private final ChannelFixture fixture = new ChannelFixture();

  @AfterEach
  void close() {
    fixture.close();
  }

  /** Sends {@code text} and waits until the whole echo sits in the socket, unread. */
  private void echoAndWait(PooledChannel c, String text) throws IOException, InterruptedException {
    c.write(ascii(text), System.nanoTime() + 2_000 * MS);
    long until = System.nanoTime() + 5_000 * MS;
    while (c.transport().channel().socket().getInputStream().available() < text.length()
        && System.nanoTime() < until) {
      Thread.sleep(1);
    }
  }

  @Test
  void aHolderThatReadExactlyTheReplyLeavesNothingToCheckOnReturn() throws Exception {
    PooledChannel c = fixture.connect(FakePeer.echo());
    echoAndWait(c, "+PONG\r\n");
    c.readFully(ByteBuffer.allocate(7), Duration.ofSeconds(2)); // exactly the reply's length
    c.exchangeComplete();

    assertFalse(c.hasReadAhead());
    assertFalse(c.mayHaveUnread(), "the read left its spare byte empty: the socket is drained");
    assertNull(ReturnPath.verdict(c, false, System.nanoTime()), "clean, no probe needed");
  }

  @Test
  void bytesBeyondTheHoldersBufferMarkItDirtyAndReachItsNextReadInOrder() throws Exception {
    PooledChannel c = fixture.connect(FakePeer.echo());
    echoAndWait(c, "0123456789");
    ByteBuffer first = ByteBuffer.allocate(5);
    c.readFully(first, Duration.ofSeconds(2));
    c.exchangeComplete();

    assertTrue(c.hasReadAhead(), "the spare byte caught the 6th byte");
    assertEquals(
        DestroyReason.DIRTY,
        ReturnPath.verdict(c, false, System.nanoTime()),
        "a return now would be dirty, known without a system call");

    ByteBuffer rest = ByteBuffer.allocate(5);
    c.readFully(rest, Duration.ofSeconds(2));
    assertEquals("01234", new String(first.array(), StandardCharsets.US_ASCII));
    assertEquals("56789", new String(rest.array(), StandardCharsets.US_ASCII), "nothing lost");
    assertFalse(c.hasReadAhead());
    assertNull(ReturnPath.verdict(c, false, System.nanoTime()));
  }

  @Test
  void theRawChannelIsRefusedWhileAByteReadAheadIsUnread() throws Exception {
    PooledChannel c = fixture.connect(FakePeer.echo());
    echoAndWait(c, "abc");
    c.readFully(ByteBuffer.allocate(2), Duration.ofSeconds(2));

    IllegalStateException e = assertThrows(IllegalStateException.class, c::channel);
    assertTrue(e.getMessage().contains("1 byte"), e.getMessage());

    c.readFully(ByteBuffer.allocate(1), Duration.ofSeconds(2));
    assertFalse(c.channel().isBlocking(), "once read, the raw channel is handed out");
  }

  @Test
  void aSmallReadWithRoomStillKnowsWhetherTheSocketHeldMore() throws Exception {
    PooledChannel c = fixture.connect(FakePeer.echo());
    echoAndWait(c, "+PONG\r\n");
    c.read(ByteBuffer.allocate(64), System.nanoTime() + 2_000 * MS); // room: stops short
    assertFalse(c.mayHaveUnread(), "a read that stopped short of its buffer took everything");

    echoAndWait(c, "0123456789");
    ByteBuffer exact = ByteBuffer.allocateDirect(5); // filled by one read, a direct buffer
    assertEquals(5, c.read(exact, System.nanoTime() + 2_000 * MS));
    c.exchangeComplete();
    assertTrue(c.hasReadAhead(), "a small read always offers the spare: the 6th byte is caught");
    assertEquals(
        DestroyReason.DIRTY,
        ReturnPath.verdict(c, false, System.nanoTime()),
        "known without a system call");

    ByteBuffer rest = ByteBuffer.allocate(8).position(3); // lands after the buffer's position
    c.readFully(rest.limit(8), Duration.ofSeconds(2));
    exact.flip();
    byte[] first = new byte[5];
    exact.get(first);
    assertEquals("01234", new String(first, StandardCharsets.US_ASCII));
    assertEquals(
        "56789", new String(rest.array(), 3, 5, StandardCharsets.US_ASCII), "nothing lost");
    assertNull(ReturnPath.verdict(c, false, System.nanoTime()));
  }

  @Test
  void readsAtTheStagingLimitAndJustAboveItBothCatchTheByteBeyondTheBuffer() throws Exception {
    PooledChannel c = fixture.connect(FakePeer.echo());
    for (int room : new int[] {BlockingIo.STAGED_MAX, BlockingIo.STAGED_MAX + 1}) {
      String text = "x".repeat(room) + "!";
      echoAndWait(c, text);
      c.readFully(ByteBuffer.allocate(room), Duration.ofSeconds(2));
      assertTrue(c.hasReadAhead(), "room " + room + ": the spare caught byte " + (room + 1));
      ByteBuffer last = ByteBuffer.allocate(1);
      c.readFully(last, Duration.ofSeconds(2));
      assertEquals('!', last.get(0), "room " + room + ": the byte read ahead comes next");
      c.exchangeComplete();
      assertNull(ReturnPath.verdict(c, false, System.nanoTime()), "room " + room);
    }
  }

  @Test
  void aLargePlainReadThatFillsItsBufferIsCheckedOnReturnAndTheNextReadOffersTheSpare()
      throws Exception {
    int large = BlockingIo.STAGED_MAX + 88; // above the staging limit: the JDK's own read paths
    PooledChannel c = fixture.connect(FakePeer.echo());
    echoAndWait(c, "+PONG\r\n");
    c.read(ByteBuffer.allocate(2 * large), System.nanoTime() + 2_000 * MS); // plain from now
    assertFalse(c.mayHaveUnread(), "a read that stopped short of its buffer took everything");

    String text = "a".repeat(large) + "b".repeat(large - 1) + "c";
    echoAndWait(c, text);
    ByteBuffer exact = ByteBuffer.allocate(large); // a plain read fills it: more may be there
    c.readFully(exact, Duration.ofSeconds(2));
    c.exchangeComplete();
    assertTrue(c.mayHaveUnread(), "unknown after a plain read that filled its buffer");
    assertFalse(c.hasReadAhead(), "a plain read has no spare");
    assertEquals(
        DestroyReason.DIRTY,
        ReturnPath.verdict(c, false, System.nanoTime()),
        "the return's FIONREAD finds the rest");

    ByteBuffer next = ByteBuffer.allocate(large - 1); // this read offers the spare again
    c.readFully(next, Duration.ofSeconds(2));
    assertTrue(c.hasReadAhead(), "the spare caught the last byte");
    assertEquals("b".repeat(large - 1), new String(next.array(), StandardCharsets.US_ASCII));
  }
}
