package io.sockpool.bench.jmh;

import io.sockpool.CheckoutException;
import io.sockpool.PooledConnection;
import io.sockpool.Validator;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of validation on borrow, checkout + return against a real redis-server: no validator; a
 * RESP PING validator with the default 500 ms idle window (what users run: a connection in steady
 * use is never PINGed); and, for scale, the same validator on every borrow (window 0: one extra
 * round trip per checkout).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class ValidationBench {

  /** {@link Validator#NONE}. */
  @State(Scope.Benchmark)
  public static class NoValidation extends ValidationState {
    @Override
    Validator validator() {
      return Validator.NONE;
    }

    @Override
    Duration validationWindow() {
      return Duration.ofMillis(500);
    }
  }

  /** PING validator, validate when idle longer than the default 500 ms. */
  @State(Scope.Benchmark)
  public static class IdleWindow extends ValidationState {
    @Override
    Validator validator() {
      return ping();
    }

    @Override
    Duration validationWindow() {
      return Duration.ofMillis(500);
    }
  }

  /** PING validator on every borrow. */
  @State(Scope.Benchmark)
  public static class EveryBorrow extends ValidationState {
    @Override
    Validator validator() {
      return ping();
    }

    @Override
    Duration validationWindow() {
      return Duration.ZERO;
    }
  }

  /** checkout + close, no validator. */
  @Benchmark
  public PooledConnection noValidation(NoValidation s) throws CheckoutException {
    return checkoutReturn(s);
  }

  /** checkout + close, PING validator with the 500 ms idle window. */
  @Benchmark
  public PooledConnection validateIdleWindow(IdleWindow s) throws CheckoutException {
    return checkoutReturn(s);
  }

  /** checkout + close, PING validator on every borrow. */
  @Benchmark
  public PooledConnection validateEveryBorrow(EveryBorrow s) throws CheckoutException {
    return checkoutReturn(s);
  }

  private static PooledConnection checkoutReturn(ValidationState s) throws CheckoutException {
    PooledConnection c = s.pool.checkout(s.endpoint);
    c.close();
    return c;
  }
}
