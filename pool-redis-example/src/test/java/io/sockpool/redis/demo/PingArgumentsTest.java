package io.sockpool.redis.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sockpool.redis.demo.cli.Cli;
import io.sockpool.redis.demo.cli.PingArguments;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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
        "ping --redis db.example:6380 --threads 16 --duration 120000ms --pool-size 4 --json"
            + " --kill-every 500ms",
        o.toString());
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
        "--redis localhost|Invalid value for option '--redis': must be host:port with a port in"
            + " 1..65535, but was 'localhost'",
        "--redis localhost:0|Invalid value for option '--redis': must be host:port with a port in"
            + " 1..65535, but was 'localhost:0'",
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
