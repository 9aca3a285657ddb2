package io.sockpool.redis.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.redis.demo.cli.Cli;
import io.sockpool.redis.demo.cli.PingArguments;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine.ParameterException;

@Timeout(value = 5, unit = TimeUnit.SECONDS)
class PingArgumentsTest {

  private static PingArguments parse(String... args) {
    PrintStream nowhere = new PrintStream(new ByteArrayOutputStream());
    return Cli.parse(new PingCommand(nowhere, nowhere), args).arguments();
  }

  @Test
  void defaultsAreEightThreadsForTenSecondsWithAPoolOfTheThreadCount() throws Exception {
    PingArguments o = parse();
    assertEquals(8, o.threads());
    assertEquals(Duration.ofSeconds(10), o.duration());
    assertFalse(o.poolSize().isPresent());
    assertFalse(o.json());
    assertFalse(o.killEvery().isPresent());
    assertFalse(o.redis().isPresent());
  }

  @Test
  void everyFlagIsRead() throws Exception {
    PingArguments o =
        parse(
            new String[] {
              "--redis",
              "db.example:6380",
              "--threads",
              "16",
              "--duration=2m",
              "--pool-size",
              "4",
              "--json",
              "--kill-every",
              "500ms"
            });
    assertEquals(
        "ping --redis redis://db.example:6380 --threads 16 --duration 120000ms --pool-size 4 --json"
            + " --kill-every 500ms",
        o.toString());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "redis://db.example:6380|redis://db.example:6380|false",
        "rediss://db.example:6380|rediss://db.example:6380|true",
        "rediss://db.example|rediss://db.example:6379|true",
        "redis://[::1]:7000/0|redis://[::1]:7000|false",
        "db.example:6380 --tls|redis://db.example:6380|true",
        "redis://db.example:6380 --tls --insecure|redis://db.example:6380|true",
        "unix:///var/run/redis/redis.sock|unix:///var/run/redis/redis.sock|false"
      })
  void redisTakesRedisCliUrlsAndRedissAloneMeansTls(String args, String uri, boolean tls) {
    String[] words = args.split(" ");
    String[] all = new String[words.length + 1];
    all[0] = "--redis";
    System.arraycopy(words, 0, all, 1, words.length);
    PingArguments o = parse(all);
    assertEquals(uri, o.redis().orElseThrow().toString());
    assertEquals(tls, o.useTls());
  }

  @Test
  void tlsFlagsAreReadWithFilesCheckedAndShownInTheCommandLine(@TempDir Path dir)
      throws IOException {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
    Path cert = Files.writeString(dir.resolve("c.pem"), "x");
    Path key = Files.writeString(dir.resolve("c.key"), "x");
    PingArguments o =
        parse(
            "--redis=rediss://db.example:6380",
            "--cacert",
            ca.toString(),
            "--cert",
            cert.toString(),
            "--key",
            key.toString(),
            "--sni",
            "redis.example");
    assertEquals(
        "ping --redis rediss://db.example:6380 --threads 8 --duration 10000ms --cacert "
            + ca
            + " --cert "
            + cert
            + " --key "
            + key
            + " --sni redis.example",
        o.toString());
    ParameterException half =
        assertThrows(
            ParameterException.class,
            () -> parse("--redis", "rediss://h:1", "--cert", cert.toString()));
    assertEquals(
        "--cert and --key go together (the client certificate and its private key), but only"
            + " --cert was given",
        half.getMessage());
    PingArguments embedded = parse("--tls", "--insecure");
    assertTrue(embedded.useTls());
    assertFalse(embedded.redis().isPresent());
  }

  @ParameterizedTest
  @CsvSource({"1.5s, 1500", "250ms, 250", "0.5m, 30000", "100000us, 100"})
  void durationsTakeTheSameSyntaxAsSizeLatency(String text, long millis) throws Exception {
    PingArguments o = parse("--duration", text);
    assertEquals(Duration.ofMillis(millis), o.duration());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--threads 0|--threads must be in 1..1024, but was 0",
        "--threads x|Invalid value for option '--threads': must be a whole number from 0 to"
            + " 2147483647, but was 'x'",
        "--pool-size 2000|--pool-size must be in 1..1024, but was 2000",
        "--duration 10|Invalid value for option '--duration': must be a duration (a number > 0"
            + " followed by us, ms or s, or m for minutes, e.g. 10ms, 250us, 1.5s, 2m), but was '10'",
        "--duration 50ms|--duration must be in 100ms..24h, but was 50ms",
        "--duration 25h|Invalid value for option '--duration': must be a duration (a number > 0"
            + " followed by us, ms or s, or m for minutes, e.g. 10ms, 250us, 1.5s, 2m), but was '25h'",
        "--duration 1441m|--duration must be in 100ms..24h, but was 86460000ms",
        "--kill-every 0s|Invalid value for option '--kill-every': must be at least 1 ns (a number > 0"
            + " followed by us, ms or s, or m for minutes, e.g. 10ms, 250us, 1.5s, 2m), but was '0s'",
        "--kill-every 50ms|--kill-every must be in 100ms..24h, but was 50ms",
        "--redis localhost|Invalid value for option '--redis': must be redis://host:port,"
            + " rediss://host:port (TLS), unix:///absolute/path.sock or host:port with a port in"
            + " 1..65535, but was 'localhost'",
        "--redis localhost:0|Invalid value for option '--redis': must be redis://host:port,"
            + " rediss://host:port (TLS), unix:///absolute/path.sock or host:port with a port in"
            + " 1..65535, but was 'localhost:0'",
        "--redis unix://redis.sock|Invalid value for option '--redis': unix:// takes an absolute"
            + " path (three slashes: unix:///var/run/redis/redis.sock), but was 'unix://redis.sock'",
        "--redis http://h:1|Invalid value for option '--redis': the scheme must be redis, rediss or"
            + " unix, but was 'http'; allowed: redis://host:port, rediss://host:port (TLS),"
            + " unix:///absolute/path.sock or host:port",
        "--redis redis://u:secret@h:1|Invalid value for option '--redis': user info in"
            + " redis://... is not supported (not shown: it may hold a password); give credentials"
            + " to RedisInitializer, and the address as redis://host:port, rediss://host:port"
            + " (TLS), unix:///absolute/path.sock or host:port",
        "--insecure|--insecure needs TLS: add --tls, or give the server as --redis"
            + " rediss://host:port",
        "--redis h:1 --sni x.example|--sni x.example needs TLS: add --tls, or give the server as"
            + " --redis rediss://host:port",
        "--tls --sni x.example|--sni x.example needs --redis: without it the demo starts an"
            + " embedded redis-server whose certificate it generates for the run",
        "--redis unix:///tmp/r.sock --tls|--tls does not apply to unix:///tmp/r.sock: redis-server"
            + " speaks TLS only on its TCP tls-port; use --redis rediss://host:port",
        "--redis rediss://h:1 --sni 10.0.0.1|--sni must be a DNS host name (not an IP address),"
            + " but was '10.0.0.1'",
        "--tls --cacert /no/such/ca.pem|--cacert /no/such/ca.pem: no such file",
        "--tls --cacert /tmp|--cacert /tmp: not a regular file (a PEM file)",
        "--threads|Missing required parameter for option '--threads' (N)",
        "--json=yes|Invalid value for option '--json': 'yes' is not a boolean",
        "--json --json|option '--json' should be specified only once",
        "--threads 2 --threads 3|option '--threads' (N) should be specified only once",
        "-t 2|Unknown options: '-t', '2'"
      })
  void badArgumentsAreRejectedSayingWhatIsAllowed(String args, String message) {
    ParameterException e = assertThrows(ParameterException.class, () -> parse(args.split(" ")));
    assertEquals(message, e.getMessage());
  }
}
