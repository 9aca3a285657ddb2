package io.sockpool.bench.jmh;

import io.sockpool.CheckoutException;
import io.sockpool.PooledConnection;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The checkout hot path (checkout + close, no I/O, one endpoint, as {@link CheckoutReturnBench})
 * with sockpool's JFR events off, recorded-but-disabled and enabled ({@link JfrState}). A checkout
 * here takes well under the Checkout event's 20 ms threshold, so no event is written: the cost
 * measured is what the events add to every checkout. {@link JfrOverheadRunner} runs the modes
 * interleaved in rounds and prints the ratios.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class JfrOverheadBench {

  /** checkout + close on sockpool, in the JFR state of {@code jfr}. */
  @Benchmark
  public PooledConnection checkoutReturn(JfrState jfr, SockpoolState s, KeySequence keys)
      throws CheckoutException {
    PooledConnection c = s.pool.checkout(s.next(keys));
    c.close();
    return c;
  }
}
