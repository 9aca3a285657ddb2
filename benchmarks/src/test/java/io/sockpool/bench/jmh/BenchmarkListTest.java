package io.sockpool.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The JMH annotation processor ran during the build, so benchmarks.jar can list and run every pool
 * benchmark.
 */
@Timeout(10)
class BenchmarkListTest {

  @Test
  void annotationProcessorRegisteredEveryPoolBenchmark() {
    Set<String> names = new TreeSet<>();
    for (BenchmarkListEntry e :
        BenchmarkList.defaultList()
            .getAll(
                OutputFormatFactory.createFormatInstance(
                    new PrintStream(OutputStream.nullOutputStream()), VerboseMode.SILENT),
                List.of())) {
      names.add(e.getUsername());
    }
    assertEquals(
        Set.of(
            "io.sockpool.bench.jmh.CheckoutReturnBench.bareCommonsPool2",
            "io.sockpool.bench.jmh.CheckoutReturnBench.sockpool",
            "io.sockpool.bench.jmh.JfrOverheadBench.checkoutReturn",
            "io.sockpool.bench.jmh.ValidationBench.noValidation",
            "io.sockpool.bench.jmh.ValidationBench.validateIdleWindow",
            "io.sockpool.bench.jmh.ValidationBench.validateEveryBorrow",
            "io.sockpool.bench.jmh.SyscallCostBench.nonBlockingReadNothing",
            "io.sockpool.bench.jmh.SyscallCostBench.selectNowNothing",
            "io.sockpool.bench.jmh.GroupCheckoutBench.plainEndpoint",
            "io.sockpool.bench.jmh.GroupCheckoutBench.groupOfOne",
            "io.sockpool.bench.jmh.GroupCheckoutBench.groupOfThree"),
        names);
  }
}
