package io.sockpool.bench.load;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class RespPingTest {

  @Test
  void acceptsExactlyPong() {
    ByteBuffer reply = ByteBuffer.allocate(16).put("+PONG\r\n".getBytes(StandardCharsets.US_ASCII));
    assertDoesNotThrow(() -> RespPing.check(reply));
    assertEquals(7, reply.position(), "the check reads by index and leaves the buffer as it was");
  }

  @Test
  void rejectsAPongCutShortOrFollowedByMore() {
    ByteBuffer cut = ByteBuffer.allocate(16).put("+PONG\r".getBytes(StandardCharsets.US_ASCII));
    ProtocolException e = assertThrows(ProtocolException.class, () -> RespPing.check(cut));
    assertEquals("expected '+PONG\\r\\n' (7 bytes) but got '+PONG\\r' (6 bytes)", e.getMessage());
    ByteBuffer more = ByteBuffer.allocate(16).put("+PONG\r\n+".getBytes(StandardCharsets.US_ASCII));
    assertThrows(ProtocolException.class, () -> RespPing.check(more));
  }

  @Test
  void rejectsAnErrorReplyShowingWhatArrived() {
    ByteBuffer reply = ByteBuffer.allocate(16).put("-NOAUTH\r".getBytes(StandardCharsets.US_ASCII));
    ProtocolException e = assertThrows(ProtocolException.class, () -> RespPing.check(reply));
    assertEquals("expected '+PONG\\r\\n' (7 bytes) but got '-NOAUTH\\r' (8 bytes)", e.getMessage());
  }
}
