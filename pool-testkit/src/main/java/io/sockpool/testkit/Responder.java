package io.sockpool.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * What a {@link FakePeer} says on one connection: it is handed every chunk of bytes the client sent
 * and returns the replies now due, one array per request answered (the peer may cut each into
 * {@linkplain FakePeer#answerInPieces(int, java.time.Duration) pieces}). One instance serves one
 * connection, in that connection's own thread: it may keep state, and it may block (to model a
 * service time that the request carries).
 */
@FunctionalInterface
public interface Responder {

  /**
   * Handles bytes the client sent.
   *
   * @param data the buffer the bytes were read into
   * @param length how many bytes of {@code data} are new
   * @return the replies due now, in order, one per request; empty when no request is complete yet.
   *     Each reply counts as one {@linkplain FakePeer#requests() request}.
   * @throws IOException to end the connection (the peer closes it)
   */
  List<byte[]> received(byte[] data, int length) throws IOException;

  /** Returns a responder that sends back every byte it receives, as it receives it. */
  static Responder echo() {
    return (data, length) -> List.of(Arrays.copyOf(data, length));
  }

  /**
   * Returns a responder that reads everything and never answers (a peer that accepted the
   * connection and then hangs).
   */
  static Responder silent() {
    return (data, length) -> List.of();
  }

  /**
   * A line protocol in the style of Redis' inline commands: each request is one line ending in
   * {@code \n} (a trailing {@code \r} and surrounding blanks are stripped); lines longer than 1024
   * bytes are cut there.
   *
   * @param answer request line -> reply text (sent as US-ASCII, nothing added); null sends nothing
   *     for that line
   * @return the responder
   */
  static Responder lines(Function<String, String> answer) {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    return (data, length) -> {
      List<byte[]> replies = new ArrayList<>();
      for (int i = 0; i < length; i++) {
        byte b = data[i];
        if (b != '\n') {
          if (line.size() < 1024) {
            line.write(b);
          }
          continue;
        }
        String request = line.toString(StandardCharsets.US_ASCII).strip();
        line.reset();
        String reply = answer.apply(request);
        if (reply != null) {
          replies.add(reply.getBytes(StandardCharsets.US_ASCII));
        }
      }
      return replies;
    };
  }

  /**
   * The default protocol of a {@link FakePeer}: {@code PING} is answered with {@code +PONG\r\n},
   * {@code ECHO <token>} with {@code +<token>\r\n} (so a client can tell its own reply from
   * another's), anything else with {@code -ERR unknown command '<line>'\r\n}.
   *
   * @return the responder
   */
  static Responder pingPong() {
    return lines(
        request -> {
          if (request.equals("PING")) {
            return "+PONG\r\n";
          }
          if (request.startsWith("ECHO ")) {
            return "+" + request.substring(5) + "\r\n";
          }
          return "-ERR unknown command '" + request + "'\r\n";
        });
  }

  /**
   * Returns a responder that answers every chunk it receives with the same reply.
   *
   * @param reply the answer, as US-ASCII
   */
  static Responder always(String reply) {
    byte[] bytes = reply.getBytes(StandardCharsets.US_ASCII);
    return (data, length) -> List.of(bytes);
  }
}
