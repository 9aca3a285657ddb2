package io.sockpool.bench.load;

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
  void acceptsExactlyPong() throws Exception {
    ByteBuffer reply = ByteBuffer.allocate(16).put("+PONG\r\n".getBytes(StandardCharsets.US_ASCII));
    RespPing.check(reply);
  }

  @Test
  void rejectsAnErrorReplyShowingWhatArrived() {
    ByteBuffer reply = ByteBuffer.allocate(16).put("-NOAUTH\r".getBytes(StandardCharsets.US_ASCII));
    ProtocolException e = assertThrows(ProtocolException.class, () -> RespPing.check(reply));
    assertEquals("expected '+PONG\\r\\n' (7 bytes) but got '-NOAUTH\\r' (8 bytes)", e.getMessage());
  }
}
