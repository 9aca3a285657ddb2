package io.sockpool.testkit;

import java.time.Duration;

/**
 * Upper bounds on elapsed time for tests that must pass on a busy machine.
 *
 * <p>The suite runs on 2 cores shared with other builds; it must pass while 4 CPU-bound processes
 * keep them busy (load average 6 to 20). There a woken thread runs hundreds of milliseconds late:
 * seen were a 300 ms deadline met after 500 ms, a 2 ms operation taking 104 ms, an exchange of 3 ms
 * measured as 23 ms. An upper bound in a test is therefore "what the code promises plus {@link
 * #SCHEDULING}": it still fails code that ignores its deadline (off by seconds, or forever, which
 * the test's {@code @Timeout} catches), but not a scheduler that ran the thread late. Where a test
 * can wait for an observable state or compare against its own measurement instead, it should.
 */
public final class Slack {
  /** What a busy machine may add to the end of any wait before the thread runs again. */
  public static final Duration SCHEDULING = Duration.ofSeconds(2);

  private Slack() {}

  /**
   * Returns the upper bound a test asserts for a promised time: the promise plus {@link
   * #SCHEDULING}.
   *
   * @param promised what the code under test promises (a deadline, a timeout)
   * @return {@code promised + SCHEDULING}, in milliseconds: the upper bound a test asserts
   */
  public static long upToMillis(Duration promised) {
    return promised.plus(SCHEDULING).toMillis();
  }
}
