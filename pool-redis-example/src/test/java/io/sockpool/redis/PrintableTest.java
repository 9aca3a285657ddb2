package io.sockpool.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The one rendering of a peer's bytes: secrets hidden first, then escaped, then cut. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PrintableTest {
  private static final Redactor SECRET = Redactor.ofText(List.of("hunter2-très-secret"));

  private static String render(String text, int max) {
    byte[] bytes = text.getBytes(UTF_8);
    return Printable.render(bytes, 0, bytes.length, SECRET, max);
  }

  @Test
  void nothingHiddenWithoutSecrets() {
    assertEquals("ERR a\\r\\nb \\xc3\\xa9", Printable.of("ERR a\r\nb é"));
    assertEquals("x".repeat(64) + "...", Printable.of("x".repeat(65)));
  }

  @Test
  void theWholeSecretAndEveryPieceOfFourBytesOrMoreAreHidden() {
    assertEquals("pw '<redacted>' ok", render("pw 'hunter2-très-secret' ok", 512));
    assertEquals("pw '<redacted>' ok", render("pw 'nter2-tr' ok", 512));
    assertEquals("a <redacted> b <redacted>", render("a secret b hunt", 512));
  }

  @Test
  void piecesShorterThanFourBytesInsideTheTextStay() {
    assertEquals("the hun went", render("the hun went", 512));
  }

  @Test
  void aTailThatBeginsTheSecretIsHiddenWhereThePeersTextEnds() {
    assertEquals("password '<redacted>", render("password 'hu", 512));
    assertEquals("a<redacted>", render("ah", 512));
  }

  @Test
  void escapedAndCrLfMappedFormsAreHidden() {
    assertEquals("bad \"<redacted>\"", render("bad \"hunter2-tr\\xc3\\xa8s\"", 512));
    assertEquals("bad <redacted>", render("bad tr\\xC3\\xA8s-se", 512));
    Redactor withCrLf = Redactor.ofText(List.of("ab\r\ncd"));
    byte[] peer = "x ab  cd".getBytes(UTF_8);
    assertEquals("x <redacted>", Printable.render(peer, 0, peer.length, withCrLf, 512));
  }

  @Test
  void aSecretAcrossTheCutIsHiddenBeforeCutting() {
    String text = "y".repeat(62) + "hunter2-très-secret and more";
    assertEquals("y".repeat(62) + "<redacted>...", render(text, 64));
    assertEquals("y".repeat(63) + "<redacted>...", render("y".repeat(63) + "r2-très-secret", 64));
    assertEquals("y".repeat(63) + "e...", render("y".repeat(63) + "e2-très-secret", 64));
  }

  @Test
  void aSingleByteIsShownWithItsCodeUnlessItIsTheWholeSecret() {
    assertEquals("'H' (0x48)", Printable.ofByte((byte) 'H', SECRET));
    assertEquals("<redacted>", Printable.ofByte((byte) 'k', Redactor.ofText(List.of("k"))));
  }

  @Test
  void closingWipesTheSecrets() {
    Redactor r = Redactor.ofText(List.of("hunter2"));
    r.close();
    byte[] peer = "hunter2".getBytes(UTF_8);
    assertEquals("hunter2", Printable.render(peer, 0, peer.length, r, 512));
  }
}
