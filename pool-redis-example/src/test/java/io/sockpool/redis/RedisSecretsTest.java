package io.sockpool.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sockpool.CheckoutException;
import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.SocketPool;
import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.Responder;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A password must not leak through any rendering of what a misrouted or hostile peer sends back:
 * the AUTH command echoed, an error reply quoting the password (whole, cut, or escaped by the
 * peer), a reply of the wrong type holding it, garbage around it. Checked in the exception chain,
 * the log lines and the configuration's {@code toString()}, for every piece of 4 or more characters
 * or bytes of the password in raw, escaped or CR/LF-mapped form.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisSecretsTest {

  /** 200 characters that stack traces, log lines and messages never string together. */
  static final String LONG = randomOf("~^|{}`#%&QXZJ", 200, 7);

  /** Multi-byte UTF-8: Cyrillic, CJK, accented Latin and an emoji (a surrogate pair). */
  static final String NON_ASCII = "пароль-密码-été-ñ-\uD83D\uDD11-".repeat(3);

  /** Every char from 0 to 255 (NUL, CR, LF, DEL, C1 controls, Latin-1), shuffled. */
  static final String BINARY = shuffledLatin1(19);

  static Stream<Arguments> passwordsAndPeers() {
    List<Arguments> all = new ArrayList<>();
    for (String password : List.of(LONG, NON_ASCII, BINARY)) {
      for (String peer : PEERS) {
        all.add(Arguments.of(label(password), peer, password));
      }
    }
    return all.stream();
  }

  private static final List<String> PEERS =
      List.of(
          "echoes the command",
          "quotes it in an error",
          "quotes its first 100 bytes like Redis",
          "quotes it escaped",
          "answers it as a simple string",
          "answers it as a bulk string",
          "wraps it in a broken integer");

  private static final java.util.Set<String> REPLIES_AN_ERROR_OR_GARBAGE =
      java.util.Set.of(
          "quotes it in an error",
          "quotes its first 100 bytes like Redis",
          "quotes it escaped",
          "wraps it in a broken integer");

  private static Supplier<Responder> peer(String kind) {
    if (kind.equals("echoes the command")) {
      return Responder::echo;
    }
    Function<byte[], byte[]> reply =
        switch (kind) {
          case "quotes it in an error" -> pw -> concat("-ERR invalid password '", crlf(pw), "'");
          case "quotes its first 100 bytes like Redis" ->
              pw ->
                  concat(
                      "-ERR unknown command 'AUTH', with args beginning with: '",
                      crlf(Arrays.copyOf(pw, Math.min(pw.length, 100))),
                      "' ");
          case "quotes it escaped" -> pw -> concat("-ERR bad \"", escaped(pw), "\"");
          case "answers it as a simple string" -> pw -> concat("+", crlf(pw), "");
          case "answers it as a bulk string" -> pw -> concat("$" + pw.length + "\r\n", pw, "");
          default -> pw -> concat(":12", crlf(pw), "");
        };
    return () ->
        RespOverPoolTest.resp(
            args -> {
              byte[] answer = reply.apply(args.get(args.size() - 1).getBytes(UTF_8));
              return concat("", answer, "\r\n");
            });
  }

  @ParameterizedTest(name = "{0} password, peer {1}")
  @MethodSource("passwordsAndPeers")
  void noPieceOfThePasswordInAnyMessageLogOrToString(String label, String peerKind, String password)
      throws Exception {
    RedisInitializer initializer =
        RedisInitializer.builder().password(password.toCharArray()).build();
    String everything;
    try (FakePeer server = new FakePeer(peer(peerKind));
        LogCapture logs = new LogCapture()) {
      Endpoint endpoint = Endpoint.of(server.host(), server.port());
      SocketPool pool =
          SocketPool.create(
              PoolConfig.builder()
                  .poolName("secrets")
                  .maxPerEndpoint(2)
                  .initializer(initializer)
                  .build());
      StringBuilder text = new StringBuilder();
      try {
        RedisClient client = new RedisClient(pool, endpoint, Duration.ofSeconds(2));
        CheckoutException e = assertThrows(CheckoutException.class, client::ping);
        text.append(stackTrace(e));
        pool.warmUp(endpoint, 2); // the background path fails and logs too
        text.append(pool.config()).append(pool).append(initializer).append(client);
      } finally {
        pool.close();
      }
      everything = text + logs.text();
    }
    assertNoPieceOf(password, everything);
  }

  /** The peers whose reply an admin connection renders (others are returned to the caller). */
  static Stream<Arguments> passwordsAndErrorPeers() {
    return passwordsAndPeers().filter(a -> REPLIES_AN_ERROR_OR_GARBAGE.contains(a.get()[1]));
  }

  @ParameterizedTest(name = "{0} password, peer {1}")
  @MethodSource("passwordsAndErrorPeers")
  void adminConnectionMessagesShowNoPieceOfTheArguments(
      String label, String peerKind, String password) throws Exception {
    try (FakePeer server = new FakePeer(peer(peerKind));
        DirectRedisConnection admin =
            DirectRedisConnection.open(
                Endpoint.of(server.host(), server.port()), Duration.ofSeconds(2))) {
      java.io.IOException e =
          assertThrows(
              java.io.IOException.class,
              () -> admin.callOk("CONFIG", "SET", "requirepass", password));
      assertNoPieceOf(password, stackTrace(e));
    }
  }

  /** Fails if any 4-character or 4-byte piece of the secret is in the text, in any rendering. */
  static void assertNoPieceOf(String secret, String text) {
    for (int i = 0; i + 4 <= secret.length(); i++) {
      String piece = secret.substring(i, i + 4);
      for (String form : List.of(piece, piece.replace('\r', ' ').replace('\n', ' '))) {
        assertFalse(text.contains(form), () -> leak(form, text));
      }
    }
    byte[] bytes = secret.getBytes(UTF_8);
    for (int i = 0; i + 4 <= bytes.length; i++) {
      byte[] piece = Arrays.copyOfRange(bytes, i, i + 4);
      String hex = new String(escaped(piece), UTF_8);
      for (String form :
          List.of(
              hex, hex.toUpperCase(Locale.ROOT).replace("\\X", "\\x"), Printable.of(piece, 4))) {
        assertFalse(text.contains(form), () -> leak(form, text));
      }
    }
  }

  private static String leak(String form, String text) {
    return "a piece of the password leaked as '" + Printable.of(form) + "' in:\n" + text;
  }

  private static String label(String password) {
    return password == LONG ? "long" : password == NON_ASCII ? "non-ASCII" : "binary";
  }

  private static String randomOf(String alphabet, int length, long seed) {
    Random random = new Random(seed);
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private static String shuffledLatin1(long seed) {
    List<Character> chars = new ArrayList<>();
    for (char c = 0; c < 256; c++) {
      chars.add(c);
    }
    Collections.shuffle(chars, new Random(seed));
    StringBuilder sb = new StringBuilder();
    chars.forEach(sb::append);
    return sb.toString();
  }

  /** As Redis renders an argument into an error line: CR and LF become spaces. */
  private static byte[] crlf(byte[] bytes) {
    byte[] out = bytes.clone();
    for (int i = 0; i < out.length; i++) {
      if (out[i] == '\r' || out[i] == '\n') {
        out[i] = ' ';
      }
    }
    return out;
  }

  /** Every byte as {@code \xNN}. */
  private static byte[] escaped(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (byte b : bytes) {
      sb.append(String.format("\\x%02x", b & 0xff));
    }
    return sb.toString().getBytes(UTF_8);
  }

  private static byte[] concat(String head, byte[] middle, String tail) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.getBytes(UTF_8));
    out.writeBytes(middle);
    out.writeBytes(tail.getBytes(UTF_8));
    return out.toByteArray();
  }

  static String stackTrace(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }
}
