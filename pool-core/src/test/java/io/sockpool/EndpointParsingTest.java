package io.sockpool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What {@link Endpoint#parse} and {@link Endpoint#of} accept, reject, and never look up. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class EndpointParsingTest {

  private static String rejected(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  private static void rejectsNamingTheForm(String text) {
    String m = rejected(() -> Endpoint.parse(text));
    assertTrue(m.contains("host:port") && m.contains("[IPv6 literal]:port"), m);
  }

  @Test
  void aUrlIsRejectedSayingToDropTheScheme() {
    // was accepted with host "redis://localhost"; the checkout then blamed an initializer
    String m = rejected(() -> Endpoint.parse("redis://localhost:6379"));
    assertTrue(m.contains("without a scheme") && m.contains("drop 'redis://'"), m);
    rejectsNamingTheForm("redis://localhost:6379");
    String viaOf = rejected(() -> Endpoint.of("redis://localhost", 6379));
    assertTrue(viaOf.contains("not a URL") && viaOf.contains("'redis://'"), viaOf);
  }

  @Test
  void pathsUserInfoAndMissingPartsAreRejected() {
    assertTrue(rejected(() -> Endpoint.parse("host:6379/0")).contains("without a path"));
    rejectsNamingTheForm("host:6379/0");
    rejectsNamingTheForm("localhost");
    rejectsNamingTheForm(":6379");
    rejectsNamingTheForm("host:");
    rejectsNamingTheForm("[::1]6379");
    rejectsNamingTheForm("[::1");
    String v6 = rejected(() -> Endpoint.parse("::1:6379"));
    assertTrue(v6.contains("needs brackets"), v6);
    assertTrue(rejected(() -> Endpoint.of("host/x", 1)).contains("contains '/'"));
    assertTrue(rejected(() -> Endpoint.of("a b", 1)).contains("contains ' '"));
    assertTrue(rejected(() -> Endpoint.of("a..b", 1)).contains("label of 0"));
    assertTrue(rejected(() -> Endpoint.of("x".repeat(64) + ".com", 1)).contains("label of 64"));
  }

  @Test
  void userInfoIsRejectedWithoutEchoingTheSecret() {
    String m = rejected(() -> Endpoint.parse("user:s3cret@localhost:6379"));
    assertTrue(m.contains("user info"), m);
    assertFalse(m.contains("s3cret"), m);
    String viaOf = rejected(() -> Endpoint.of("user:s3cret@localhost", 6379));
    assertFalse(viaOf.contains("s3cret"), viaOf);
  }

  @Test
  void portsMustBeDecimalNumbersInRange() {
    for (String port : new String[] {"0", "65536", "+80", "-1", "80a", " 80", "0x50", "999999"}) {
      String m = rejected(() -> Endpoint.parse("host:" + port));
      assertTrue(m.contains("port must be a number in 1..65535"), port + ": " + m);
    }
    assertEquals(80, Endpoint.parse("host:080").port());
    assertEquals(65535, Endpoint.parse(" host:65535 ").port());
  }

  @Test
  void malformedDottedQuadsAreRejectedAtOfNotLookedUp() {
    // 256.1.1.1 used to reach InetSocketAddress, which sent it to DNS on the caller's thread
    for (String host :
        new String[] {"256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1..2.3", "1"}) {
      String m = rejected(() -> Endpoint.of(host, 80));
      assertTrue(m.contains("looks like an IPv4 address but is not one"), host + ": " + m);
      assertTrue(m.contains("four decimal numbers 0..255"), m);
    }
  }

  @Test
  void malformedIpv6LiteralsAreRejected() {
    for (String host : new String[] {"1::2::3", "g::1", "1:2:3:4:5:6:7:8:9", "12345::", "::1%"}) {
      String m = rejected(() -> Endpoint.of(host, 80));
      assertTrue(m.contains("IPv6"), host + ": " + m);
    }
    assertTrue(rejected(() -> Endpoint.of("localhost:6379", 1)).contains("second argument"));
  }

  @Test
  void ipLiteralsAreParsedWithoutALookup() throws Exception {
    Endpoint v4 = Endpoint.of("10.0.0.255", 80);
    InetAddress a = v4.ipLiteral().orElseThrow();
    assertArrayEquals(new byte[] {10, 0, 0, (byte) 255}, a.getAddress());
    // an address built from bytes has no host name to look up; resolve() gives a resolved one
    InetSocketAddress resolved = v4.resolve();
    assertFalse(resolved.isUnresolved());
    assertEquals("10.0.0.255", resolved.getHostString());

    assertEquals(InetAddress.getByName("::1"), Endpoint.parse("[::1]:6379").ipLiteral().get());
    assertEquals(
        InetAddress.getByName("2001:db8::ff00:42:8329"),
        Endpoint.of("2001:DB8::FF00:42:8329", 1).ipLiteral().get());
    assertEquals(
        InetAddress.getByName("::ffff:192.0.2.1"),
        Endpoint.of("::ffff:192.0.2.1", 1).ipLiteral().get());
    assertEquals(
        InetAddress.getByName("1:2:3:4:5:6:7:8"),
        Endpoint.of("1:2:3:4:5:6:7:8", 1).ipLiteral().get());
    assertEquals(InetAddress.getByName("::"), Endpoint.of("::", 1).ipLiteral().get());
    assertEquals(InetAddress.getByName("1::"), Endpoint.of("[1::]", 1).ipLiteral().get());
  }

  @Test
  void hostNamesAreKeptAndNotParsedAsLiterals() {
    Endpoint name = Endpoint.parse("Redis-1.internal_zone.example.:6379");
    assertEquals("redis-1.internal_zone.example.", name.host());
    assertTrue(name.ipLiteral().isEmpty());
    assertTrue(Endpoint.of("1.2.3.4.nip.io", 80).ipLiteral().isEmpty());
    assertTrue(Endpoint.of("xn--bcher-kva.example", 80).ipLiteral().isEmpty());
  }
}
