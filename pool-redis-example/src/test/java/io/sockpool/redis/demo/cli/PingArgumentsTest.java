package io.sockpool.redis.demo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 5, unit = TimeUnit.SECONDS)
class PingArgumentsTest {

  @Test
  void defaultsAreEightThreadsForTenSecondsWithAPoolOfTheThreadCount() throws Exception {
    PingArguments o = PingArguments.parse(new String[0]);
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
        PingArguments.parse(
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
    PingArguments o = PingArguments.parse(new String[] {"--duration", text});
    assertEquals(Duration.ofMillis(millis), o.duration());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--threads 0|--threads must be in 1..1024, but was 0",
        "--threads x|--threads must be a whole number from 1 to 2147483647, but was 'x'",
        "--pool-size 2000|--pool-size must be in 1..1024, but was 2000",
        "--duration 10|--duration must be a duration (a number > 0 followed by us, ms or s, or m for"
            + " minutes, e.g. 10ms, 250us, 1.5s, 2m), but was '10'",
        "--duration 50ms|--duration must be in 100ms..24h, but was 50ms",
        "--duration 25h|--duration must be a duration (a number > 0 followed by us, ms or s, or m for"
            + " minutes, e.g. 10ms, 250us, 1.5s, 2m), but was '25h'",
        "--duration 1441m|--duration must be in 100ms..24h, but was 1441m",
        "--kill-every 0s|--kill-every must be at least 1 ns (a number > 0 followed by us, ms or s, or"
            + " m for minutes, e.g. 10ms, 250us, 1.5s, 2m), but was '0s'",
        "--redis localhost|--redis must be host:port with a port in 1..65535, but was 'localhost'",
        "--redis localhost:0|--redis must be host:port with a port in 1..65535, but was 'localhost:0'",
        "--threads|--threads needs a value, e.g. --threads 8",
        "--json=yes|--json takes no value, but got 'yes'",
        "--json --json|--json was given twice; give each option once",
        "--threads 2 --threads 3|--threads was given twice ('2' and '3'); give each option once",
        "-t 2|unknown option '-t'; the options are --redis, --threads, --duration, --pool-size,"
            + " --kill-every, --json, --help"
      })
  void badArgumentsAreRejectedSayingWhatIsAllowed(String args, String message) {
    UsageException e =
        assertThrows(UsageException.class, () -> PingArguments.parse(args.split(" ")));
    assertEquals(message, e.getMessage());
  }
}
