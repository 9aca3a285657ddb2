package io.sockpool.internal.queue;

import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Waiters} checked by Lincheck: concurrent joins, leaves and hand-offs must equal some
 * sequential run of the same operations (each connection or slot goes to exactly one waiter, the
 * longest one, and {@code leave} returns it), and at rest nothing handed over is lost. The same
 * checks run against a queue whose hand-off can lose a connection and must report it.
 *
 * <p>Each thread is one caller: it joins once at a time and leaves with what it was handed. What a
 * thread hands over is named after it ({@code t1#0}, {@code t1#1}, ...), so the names do not depend
 * on the interleaving.
 */
@Timeout(300)
class WaitersLincheckTest {
  /** At most two waiters: with three threads, a join may be refused. */
  private static final int MAX_WAITERS = 2;

  @Test
  void joinsLeavesAndHandOffsAreLinearizable() {
    LincheckRuns.assertLinearizable(RealWaiters.class);
  }

  @Test
  void aHandOffThatCanLoseAConnectionIsCaught() {
    LincheckRuns.assertCaught(LossyWaiters.class);
  }

  /** The operations and the invariant, over a {@link WaitQueue}. */
  @Param(name = "thread", gen = ThreadIdGen.class)
  public abstract static class Callers {
    private final WaitQueue queue;
    private final Object[] node = new Object[16]; // [thread id]: own slot only
    private final int[] given = new int[16]; // connections and slots handed over, per thread
    private final int[] received = new int[16]; // connections and slots left with, per thread

    Callers(WaitQueue queue) {
      this.queue = queue;
    }

    /**
     * Joins the queue unless this thread waits already.
     *
     * @return false if the queue was full
     */
    @Operation
    public boolean join(@Param(name = "thread") int thread) {
      if (node[thread] == null) {
        node[thread] = queue.join(MAX_WAITERS);
      }
      return node[thread] != null;
    }

    /**
     * Leaves the queue, if this thread waits.
     *
     * @return what it was handed: a connection's name, "slot", "nothing", or "-" if it did not wait
     */
    @Operation
    public String leave(@Param(name = "thread") int thread) {
      if (node[thread] == null) {
        return "-";
      }
      Handoff<String> h = queue.leave(node[thread]);
      node[thread] = null;
      if (h != Handoff.<String>nothing()) {
        received[thread]++;
      }
      return describe(h);
    }

    /**
     * @return whether a waiter took this thread's next connection
     */
    @Operation
    public boolean handOff(@Param(name = "thread") int thread) {
      boolean taken = queue.handOff("t" + thread + "#" + given[thread]);
      if (taken) {
        given[thread]++;
      }
      return taken;
    }

    /**
     * @return whether a waiter took a slot
     */
    @Operation
    public boolean handOffSlot(@Param(name = "thread") int thread) {
      boolean taken = queue.handOffSlot();
      if (taken) {
        given[thread]++;
      }
      return taken;
    }

    /** At rest, everything handed over was left with or still sits with a waiter. */
    @Validate
    public void nothingHandedOverIsLost() {
      int out = 0;
      int in = 0;
      for (int t = 0; t < node.length; t++) {
        out += given[t];
        in += received[t];
        if (node[t] != null && queue.handedTo(node[t]) != Handoff.<String>nothing()) {
          in++;
        }
      }
      if (out != in) {
        throw new IllegalStateException(out + " handed over, " + in + " received");
      }
    }

    private static String describe(Handoff<String> h) {
      if (h instanceof Handoff.Channel<String> c) {
        return c.channel();
      }
      return h == Handoff.<String>slot() ? "slot" : "nothing";
    }
  }

  /** Over {@link Waiters}. */
  public static class RealWaiters extends Callers {
    public RealWaiters() {
      super(WaitQueue.waiters());
    }
  }

  /** Over {@link WaitQueue#lossy()}. */
  public static class LossyWaiters extends Callers {
    public LossyWaiters() {
      super(WaitQueue.lossy());
    }
  }
}
