package io.sockpool.redis.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 5, unit = TimeUnit.SECONDS)
class PingOptionsTest {

  @Test
  void defaultsAreEightThreadsForTenSecondsWithAPoolOfTheThreadCount() throws Exception {
    PingOptions o = PingOptions.parse(new String[0]);
    assertEquals(8, o.threads);
    assertEquals(Duration.ofSeconds(10), o.duration);
    assertEquals(false, o.poolSize.isPresent());
    assertEquals(false, o.json);
    assertEquals(false, o.killEvery.isPresent());
    assertEquals(false, o.redis.isPresent());
  }

  @Test
  void everyFlagIsRead() throws Exception {
    PingOptions o = PingOptions.parse(new String[] {"--redis", "db.example:6380", "--threads", "16",
        "--duration=2m", "--pool-size", "4", "--json", "--kill-every", "500ms"});
    assertEquals("ping --redis db.example:6380 --threads 16 --duration 120000ms --pool-size 4 --json"
        + " --kill-every 500ms", o.toString());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--threads 0|--threads must be in 1..1024, but was 0",
      "--threads x|--threads must be a whole number in 1..1024, but was 'x'",
      "--pool-size 2000|--pool-size must be in 1..1024, but was 2000",
      "--duration 10|--duration must be a whole number with ms, s or m (e.g. 500ms, 10s, 2m), but was '10'",
      "--duration 50ms|--duration must be in 100ms..24h, but was 50ms",
      "--duration 25h|--duration must be a whole number with ms, s or m (e.g. 500ms, 10s, 2m), but was '25h'",
      "--kill-every 0s|--kill-every must be in 100ms..24h, but was 0s",
      "--redis localhost|--redis must be host:port with a port in 1..65535, but was 'localhost'",
      "--redis localhost:0|--redis must be host:port with a port in 1..65535, but was 'localhost:0'",
      "--threads|--threads needs a value",
      "--json=yes|--json takes no value, but got 'yes'",
      "--json --json|--json was given twice",
      "--threads 2 --threads 3|--threads was given twice",
      "-t 2|unknown argument '-t'"})
  void badArgumentsAreRejectedSayingWhatIsAllowed(String args, String message) {
    PingOptions.UsageException e = assertThrows(PingOptions.UsageException.class,
        () -> PingOptions.parse(args.split(" ")));
    assertEquals(message, e.getMessage());
  }
}
