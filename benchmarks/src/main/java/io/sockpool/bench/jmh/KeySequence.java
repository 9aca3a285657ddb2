package io.sockpool.bench.jmh;

import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * The endpoint each checkout goes to, the same sequence for sockpool and the bare commons-pool2
 * pool: per thread, {@link #LENGTH} random draws seeded by the thread's index, taken in turn.
 * Drawing a number is then an array read for both pools alike, and both touch their endpoints in
 * the same order (same cache behaviour).
 */
@State(Scope.Thread)
public class KeySequence {
  /** Draws per thread before the sequence repeats (64 KB of ints). */
  static final int LENGTH = 1 << 14;

  private final int[] draws = new int[LENGTH];
  private int next;

  /** Fills the sequence from a generator seeded by the thread's index. */
  @Setup(Level.Trial)
  public void setUp(ThreadParams thread) {
    SplittableRandom random = new SplittableRandom(0x5eed_0000L + thread.getThreadIndex());
    for (int i = 0; i < LENGTH; i++) {
      draws[i] = random.nextInt() >>> 1;
    }
  }

  /**
   * Returns the index of the next checkout's endpoint, uniform in [0, endpoints).
   *
   * @param endpoints how many endpoints there are, >= 1
   */
  int next(int endpoints) {
    int draw = draws[next++ & (LENGTH - 1)];
    return (int) ((draw * (long) endpoints) >>> 31);
  }
}
