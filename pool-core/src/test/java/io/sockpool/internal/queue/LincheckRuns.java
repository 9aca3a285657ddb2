package io.sockpool.internal.queue;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.StressOptions;

/**
 * The Lincheck runs the concurrency core's checks share: three threads of three operations each,
 * explored by the model checker (every interleaving point it chooses) and then run for real under
 * stress.
 */
final class LincheckRuns {
  private LincheckRuns() {}

  /**
   * Checks that every run of the class's operations equals some sequential run and passes its
   * validation, under the model checker and then under stress.
   *
   * @param test the Lincheck test class (operations, validation, no-argument constructor)
   */
  static void assertLinearizable(Class<?> test) {
    modelChecking().check(test);
    new StressOptions()
        .iterations(5)
        .invocationsPerIteration(400)
        .threads(3)
        .actorsPerThread(3)
        .check(test);
  }

  /**
   * Checks that the model checker reports the class: the check itself catches a broken variant.
   *
   * @param broken a Lincheck test class over a known-bad variant
   */
  static void assertCaught(Class<?> broken) {
    assertThrows(
        LincheckAssertionError.class,
        () -> modelChecking().minimizeFailedScenario(false).check(broken));
  }

  private static ModelCheckingOptions modelChecking() {
    return new ModelCheckingOptions()
        .iterations(8)
        .invocationsPerIteration(200)
        .threads(3)
        .actorsPerThread(3);
  }
}
