package io.sockpool.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The JMH annotation processor ran during the build, so benchmarks.jar can list and run the benchmarks. */
@Timeout(10)
class BenchmarkListTest {

  @Test
  void annotationProcessorRegisteredThePoolBenchmarks() throws IOException {
    String list;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("META-INF/BenchmarkList")) {
      assertNotNull(in, "META-INF/BenchmarkList missing: jmh-generator-annprocess did not run");
      list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertTrue(list.contains("io.sockpool.bench.jmh.CheckoutReturnBench.bareCommonsPool2"), list);
  }
}
