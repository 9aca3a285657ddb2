package io.sockpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Endpoint}'s checks at their edges: a forbidden character as the very first one, host names
 * and labels at their longest and one past it, the first and last character of each range a host
 * name may use, the lowest and highest port, and IPv6 brackets with nothing after them.
 */
@Timeout(10)
class EndpointBoundariesTest {
  private static String message(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void userInfoSchemesAndPathsAreCaughtEvenAsTheFirstCharacter() {
    assertTrue(message(() -> Endpoint.of("@host", 1)).contains("user info"));
    assertTrue(message(() -> Endpoint.of("://host", 1)).contains("not a URL"));
    assertTrue(message(() -> Endpoint.parse("@host:1")).contains("user info"));
    assertTrue(message(() -> Endpoint.parse("://host:1")).contains("without a scheme"));
    assertTrue(message(() -> Endpoint.parse("/host:1")).contains("without a path"));
    assertTrue(message(() -> Endpoint.parse("?host:1")).contains("without a path"));
  }

  @Test
  void aHostNameMayHave253CharactersAndLabelsOf63() {
    String label63 = "a".repeat(63);
    String host253 = String.join(".", label63, label63, label63, "a".repeat(61));
    assertEquals(253, host253.length());
    assertEquals(host253, Endpoint.of(host253, 1).host());
    assertTrue(message(() -> Endpoint.of(host253 + "a", 1)).contains("at most 253 characters"));
    assertEquals(label63 + ".b", Endpoint.of(label63 + ".b", 1).host());
    String label64 = "a".repeat(64);
    assertTrue(message(() -> Endpoint.of(label64 + ".b", 1)).contains("a label of 64 characters"));
    assertTrue(message(() -> Endpoint.of("b." + label64, 1)).contains("a label of 64 characters"));
  }

  @Test
  void emptyLabelsAreRejectedButOneTrailingDotIsAllowed() {
    assertEquals("a.b.", Endpoint.of("a.b.", 1).host());
    assertEquals("a.", Endpoint.of("a.", 1).host());
    assertTrue(message(() -> Endpoint.of("a..b", 1)).contains("a label of 0 characters"));
    assertTrue(message(() -> Endpoint.of(".a", 1)).contains("a label of 0 characters"));
    assertTrue(message(() -> Endpoint.of("a.b..", 1)).contains("a label of 0 characters"));
  }

  @Test
  void hostNamesTakeEveryLetterAndDigitAndNothingJustOutsideTheirRanges() {
    assertEquals("az-az_09", Endpoint.of("az-AZ_09", 1).host(), "kept, in lower case");
    for (String bad : new String[] {"a`b", "a{b", "a/b", "a^b", "a;b"}) {
      String m = message(() -> Endpoint.of(bad, 1));
      assertTrue(m.contains("contains '" + bad.charAt(1) + "'"), m);
    }
    assertTrue(message(() -> Endpoint.of("a/b", 1)).contains("(a path or URL?)"));
    assertFalse(message(() -> Endpoint.of("a{b", 1)).contains("(a path or URL?)"));
  }

  @Test
  void portsOneAnd65535AreTheEnds() {
    assertEquals(1, Endpoint.parse("h:1").port());
    assertEquals(65535, Endpoint.parse("h:65535").port());
    assertTrue(message(() -> Endpoint.parse("h:0")).contains("1..65535"));
    assertTrue(message(() -> Endpoint.parse("h:65536")).contains("1..65535"));
  }

  @Test
  void bracketedIpv6NeedsAColonAndAPortRightAfterTheBracket() {
    Endpoint e = Endpoint.parse("[::1]:80");
    assertEquals(80, e.port());
    assertTrue(message(() -> Endpoint.parse("[::1]")).contains("but was '[::1]'"));
    assertTrue(message(() -> Endpoint.parse("[::1]x80")).contains("but was '[::1]x80'"));
    assertTrue(message(() -> Endpoint.parse("[::1:80")).contains("but was '[::1:80'"));
  }

  @Test
  void aColonWithNothingBeforeItIsAnEmptyHostNotAMissingPort() {
    String m = message(() -> Endpoint.parse(":6379"));
    assertTrue(m.contains("the host is empty in ':6379'"), m);
  }

  @Test
  void aUnixSocketPathMayHave107BytesAndMustBeAbsolute() {
    String dir = "/run/";
    Path longest = Path.of(dir + "s".repeat(Endpoint.MAX_UNIX_PATH_BYTES - dir.length()));
    Endpoint e = Endpoint.unix(longest);
    assertEquals(longest, e.unixPath().orElseThrow());
    assertEquals(0, e.port());
    assertEquals("unix:" + longest, e.toString());
    assertEquals(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), e.resolve());
    Path tooLong = Path.of(longest + "s");
    assertTrue(
        message(() -> Endpoint.unix(tooLong))
            .startsWith("unix socket path must be at most 107 bytes, but '"),
        "108 bytes");
    assertTrue(message(() -> Endpoint.unix(Path.of("run/s.sock"))).contains("must be absolute"));
    assertTrue(message(() -> Endpoint.unix(null)).startsWith("path must not be null"));
    assertTrue(Endpoint.of("h", 1).unixPath().isEmpty());
  }
}
