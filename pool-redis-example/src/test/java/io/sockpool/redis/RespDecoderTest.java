package io.sockpool.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RespDecoderTest {

  static List<Object[]> everyReplyType() {
    return List.of(
        new Object[] {"+OK\r\n", new RespValue.SimpleString("OK")},
        new Object[] {"+\r\n", new RespValue.SimpleString("")},
        new Object[] {
          "-ERR unknown command 'FOO'\r\n", new RespValue.ErrorReply("ERR unknown command 'FOO'")
        },
        new Object[] {":0\r\n", new RespValue.RespInteger(0)},
        new Object[] {":-42\r\n", new RespValue.RespInteger(-42)},
        new Object[] {":9223372036854775807\r\n", new RespValue.RespInteger(Long.MAX_VALUE)},
        new Object[] {":-9223372036854775808\r\n", new RespValue.RespInteger(Long.MIN_VALUE)},
        new Object[] {"$5\r\nhello\r\n", RespValue.BulkString.of("hello")},
        new Object[] {"$0\r\n\r\n", RespValue.BulkString.of("")},
        new Object[] {"$6\r\na\r\nb\rc\r\n", RespValue.BulkString.of("a\r\nb\rc")},
        new Object[] {"$-1\r\n", RespValue.NULL_BULK},
        new Object[] {"*0\r\n", new RespValue.RespArray(List.of())},
        new Object[] {"*-1\r\n", RespValue.NULL_ARRAY},
        new Object[] {
          "*3\r\n:1\r\n$-1\r\n+x\r\n",
          new RespValue.RespArray(
              List.of(
                  new RespValue.RespInteger(1),
                  RespValue.NULL_BULK,
                  new RespValue.SimpleString("x")))
        },
        new Object[] {
          "*2\r\n*2\r\n$1\r\na\r\n*0\r\n*-1\r\n",
          new RespValue.RespArray(
              List.of(
                  new RespValue.RespArray(
                      List.of(RespValue.BulkString.of("a"), new RespValue.RespArray(List.of()))),
                  RespValue.NULL_ARRAY))
        },
        new Object[] {
          "*2\r\n-ERR inner\r\n$0\r\n\r\n",
          new RespValue.RespArray(
              List.of(new RespValue.ErrorReply("ERR inner"), RespValue.BulkString.of("")))
        });
  }

  @ParameterizedTest
  @MethodSource("everyReplyType")
  void decodesEveryReplyTypeInOnePiece(String wire, RespValue expected) throws Exception {
    RespDecoder decoder = new RespDecoder();
    ByteBuffer buf = bytes(wire);
    assertEquals(expected, decoder.decode(buf));
    assertEquals(0, buf.remaining(), "every byte consumed");
    assertEquals(0, decoder.offset(), "ready for the next reply");
  }

  @ParameterizedTest
  @MethodSource("everyReplyType")
  void decodesEveryReplyTypeSplitAtEveryPoint(String wire, RespValue expected) throws Exception {
    byte[] all = wire.getBytes(StandardCharsets.UTF_8);
    for (int cut = 1; cut < all.length; cut++) {
      RespDecoder decoder = new RespDecoder();
      ByteBuffer buf = ByteBuffer.allocate(all.length);
      buf.put(all, 0, cut).flip();
      assertNull(decoder.decode(buf), "incomplete after " + cut + " of " + all.length + " bytes");
      buf.compact().put(all, cut, all.length - cut).flip();
      assertEquals(expected, decoder.decode(buf), "split at " + cut);
      assertEquals(0, buf.remaining());
    }
  }

  @ParameterizedTest
  @MethodSource("everyReplyType")
  void decodesEveryReplyTypeOneByteAtATime(String wire, RespValue expected) throws Exception {
    byte[] all = wire.getBytes(StandardCharsets.UTF_8);
    RespDecoder decoder = new RespDecoder();
    ByteBuffer buf = ByteBuffer.allocate(all.length);
    RespValue result = null;
    for (int i = 0; i < all.length; i++) {
      buf.put(all[i]).flip();
      result = decoder.decode(buf);
      buf.compact();
      if (i < all.length - 1) {
        assertNull(result, "complete too early at byte " + i);
      }
    }
    assertEquals(expected, result);
  }

  @ParameterizedTest
  @MethodSource("everyReplyType")
  void encoderRoundTripsEveryReplyType(String wire, RespValue expected) {
    assertEquals(wire, new String(RespEncoder.encode(expected), StandardCharsets.UTF_8));
  }

  @Test
  void largeBulkStringInSmallPiecesIsConsumedAsItArrives() throws Exception {
    byte[] payload = new byte[200_000];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) i;
    }
    byte[] wire = RespEncoder.encode(new RespValue.BulkString(payload));
    RespDecoder decoder = new RespDecoder();
    ByteBuffer buf = ByteBuffer.allocate(1000);
    RespValue result = null;
    int sent = 0;
    while (result == null) {
      int n = Math.min(buf.remaining(), wire.length - sent);
      buf.put(wire, sent, n).flip();
      sent += n;
      result = decoder.decode(buf);
      assertTrue(
          result != null || buf.remaining() < 20, "payload bytes are consumed, not buffered");
      buf.compact();
    }
    assertEquals(new RespValue.BulkString(payload), result);
  }

  @Test
  void leavesTheNextReplyInTheBuffer() throws Exception {
    RespDecoder decoder = new RespDecoder();
    ByteBuffer buf = bytes("+A\r\n:7\r\n");
    assertEquals(new RespValue.SimpleString("A"), decoder.decode(buf));
    assertEquals(4, buf.remaining());
    assertEquals(new RespValue.RespInteger(7), decoder.decode(buf));
  }

  @Test
  void unknownTypeByteNamesTheByteAndItsOffset() {
    RespProtocolException e = garbage("HTTP/1.1 400 Bad Request\r\n");
    assertTrue(e.getMessage().contains("unexpected byte 'H' (0x48) at offset 0"), e.getMessage());
    assertTrue(e.getMessage().contains("+ - : $ *"), e.getMessage());
    assertEquals(0, e.offset().getAsLong());
  }

  @Test
  void garbageInsideAnArrayIsReportedAtItsOffset() {
    RespProtocolException e = garbage("*2\r\n:1\r\n\u0000junk\r\n");
    assertTrue(e.getMessage().contains("'\\x00' (0x00) at offset 8"), e.getMessage());
    assertEquals(8, e.offset().getAsLong());
  }

  @Test
  void garbageIsDetectedWithoutWaitingForALineEnd() {
    RespProtocolException e = garbage("?");
    assertEquals(0, e.offset().getAsLong());
  }

  @Test
  void nonNumericIntegerIsRejected() {
    RespProtocolException e = garbage(":12a4\r\n");
    assertTrue(
        e.getMessage()
            .contains(
                "integer at offset 1 must be a decimal 64-bit number, but has 'a' (0x61) at offset"
                    + " 3 in '12a4'"),
        e.getMessage());
  }

  @Test
  void emptyAndSignOnlyIntegersAreRejected() {
    assertTrue(garbage(":\r\n").getMessage().contains("but was ''"));
    assertTrue(garbage(":-\r\n").getMessage().contains("but was '-'"));
  }

  @Test
  void integerOverflowIsRejected() {
    assertTrue(
        garbage(":9223372036854775808\r\n").getMessage().contains("does not fit in 64 bits"));
    assertTrue(
        garbage(":-9223372036854775809\r\n").getMessage().contains("does not fit in 64 bits"));
  }

  @Test
  void lfWithoutCrIsRejected() {
    RespProtocolException e = garbage("+OK\n");
    assertTrue(e.getMessage().contains("unexpected LF without CR at offset 3"), e.getMessage());
  }

  @Test
  void crNotFollowedByLfIsRejected() {
    RespProtocolException e = garbage("+OK\rX");
    assertTrue(
        e.getMessage().contains("expected LF after CR at offset 4, but got 'X' (0x58)"),
        e.getMessage());
  }

  @Test
  void bulkStringLongerThanAnnouncedIsRejected() {
    RespProtocolException e = garbage("$3\r\nabcd\r\n");
    assertTrue(
        e.getMessage()
            .contains("expected CR ending a bulk string of 3 bytes at offset 7, but got 'd'"),
        e.getMessage());
  }

  @Test
  void bulkStringEndingInCrWithoutLfIsRejected() {
    RespProtocolException e = garbage("$3\r\nabc\rX");
    assertTrue(
        e.getMessage()
            .contains("expected LF after the CR ending a bulk string of 3 bytes at offset 8"),
        e.getMessage());
  }

  @Test
  void negativeLengthsOtherThanMinusOneAreRejected() {
    assertTrue(
        garbage("$-2\r\n")
            .getMessage()
            .contains("bulk string length -2 at offset 1 is not allowed"));
    assertTrue(
        garbage("*-5\r\n").getMessage().contains("array length -5 at offset 1 is not allowed"));
  }

  @Test
  void bulkStringOverTheLimitIsRejectedBeforeAllocating() {
    RespDecoder decoder = new RespDecoder(1024);
    RespLimitException e =
        assertThrows(RespLimitException.class, () -> decoder.decode(bytes("$1025\r\n")));
    assertEquals(
        "a bulk string of 1025 bytes announced at offset 1 is over the limit maxBulkBytes = 1024"
            + " (RespLimits)",
        e.getMessage());
    assertEquals("maxBulkBytes", e.limitName());
    assertEquals(1024, e.limit());
    assertEquals(1025, e.announced());
  }

  @Test
  void endlessLineIsRejectedAtTheLimit() {
    byte[] line = new byte[RespDecoder.MAX_LINE_BYTES + 10];
    java.util.Arrays.fill(line, (byte) 'a');
    line[0] = '+';
    RespProtocolException e =
        assertThrows(
            RespProtocolException.class, () -> new RespDecoder().decode(ByteBuffer.wrap(line)));
    assertTrue(
        e.getMessage().contains("line longer than 65536 bytes without CRLF"), e.getMessage());
  }

  @Test
  void nestingDeeperThanTheLimitIsRejected() {
    String deep = "*1\r\n".repeat(RespLimits.DEFAULT_MAX_DEPTH + 1) + ":1\r\n";
    assertTrue(
        garbage(deep)
            .getMessage()
            .startsWith(
                "an array nested 65 deep announced at offset 257 is over the limit maxDepth = 64"),
        garbage(deep).getMessage());
  }

  @Test
  void nestingUpToTheLimitIsAccepted() throws Exception {
    String deep = "*1\r\n".repeat(RespLimits.DEFAULT_MAX_DEPTH) + ":1\r\n";
    RespValue v = new RespDecoder().decode(bytes(deep));
    for (int i = 0; i < RespLimits.DEFAULT_MAX_DEPTH; i++) {
      v = ((RespValue.RespArray) v).elements().get(0);
    }
    assertEquals(new RespValue.RespInteger(1), v);
  }

  @Test
  void decoderRefusesToContinueAfterGarbageUntilReset() throws Exception {
    RespDecoder decoder = new RespDecoder();
    assertThrows(RespProtocolException.class, () -> decoder.decode(bytes("!\r\n")));
    assertThrows(IllegalStateException.class, () -> decoder.decode(bytes("+OK\r\n")));
    decoder.reset();
    assertEquals(new RespValue.SimpleString("OK"), decoder.decode(bytes("+OK\r\n")));
  }

  @Test
  void encoderRejectsLineBreaksInSimpleStrings() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> RespEncoder.encode(new RespValue.SimpleString("a\r\nb")));
    assertTrue(
        e.getMessage().contains("must not contain CR or LF, but was 'a\\r\\nb'"), e.getMessage());
  }

  @Test
  void commandIsAnArrayOfBulkStrings() {
    ByteBuffer cmd = RespEncoder.command("SET", "k", "v\r\n", "EX", "10");
    assertEquals(
        "*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\nv\r\n\r\n$2\r\nEX\r\n$2\r\n10\r\n",
        StandardCharsets.UTF_8.decode(cmd).toString());
  }

  @Test
  void commandBufferHoldsExactlyTheCommand() {
    ByteBuffer cmd = RespEncoder.command("PING");
    assertEquals("*1\r\n$4\r\nPING\r\n", new String(cmd.array(), StandardCharsets.US_ASCII));
  }

  @Test
  void commandNeedsAName() {
    assertThrows(IllegalArgumentException.class, RespEncoder::command);
  }

  private static RespProtocolException garbage(String wire) {
    return assertThrows(RespProtocolException.class, () -> new RespDecoder().decode(bytes(wire)));
  }

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
  }
}
