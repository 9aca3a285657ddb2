package io.sockpool.internal.queue;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Admission} checked by Lincheck: every concurrent run of reserves and releases must equal
 * some sequential run of the same operations (linearizability), and no run ever lets the counts
 * past a cap or out of step with each other. The same checks run against a known-bad admission
 * (check-then-act, no compare-and-set) and must report it.
 *
 * <p>Each thread releases only reservations it took itself (what a checkout does), counted per
 * thread id in a row of its own.
 */
@Timeout(300)
class AdmissionLincheckTest {
  private static final int MAX_TOTAL = 2;
  private static final int MAX_PER_ENDPOINT = 8; // more than the total cap: the total cap binds
  private static final int ENDPOINTS = 2;

  @Test
  void reservesAndReleasesUnderATotalCapAreLinearizable() {
    LincheckRuns.assertLinearizable(TotalCapBinds.class);
  }

  @Test
  void reservesAndReleasesUnderAnEndpointCapAreLinearizable() {
    LincheckRuns.assertLinearizable(EndpointCapBinds.class);
  }

  /**
   * Both caps at 1: a reserve that would fail on the total cap must not be seen, while it runs, as
   * the endpoint's one reservation (which would make a concurrent reserve of the same endpoint
   * report ENDPOINT_FULL although the endpoint never held a connection).
   */
  @Test
  void reservesAndReleasesUnderBothCapsAreLinearizable() {
    LincheckRuns.assertLinearizable(BothCapsBind.class);
  }

  @Test
  void aCheckThenActAdmissionIsCaught() {
    LincheckRuns.assertCaught(CheckThenAct.class);
  }

  /**
   * The operations and the invariants, over a {@link Capacity}.
   *
   * <p>Lincheck creates one instance per run, through the no-argument constructor of a subclass.
   */
  @Param(name = "endpoint", gen = IntGen.class, conf = "0:1")
  @Param(name = "thread", gen = ThreadIdGen.class)
  public abstract static class Counts {
    private final Capacity capacity;
    private final int maxTotal;
    private final int maxPerEndpoint;
    private final int[][] held = new int[16][ENDPOINTS]; // [thread id][endpoint]: own row only

    Counts(Capacity capacity, int maxTotal, int maxPerEndpoint) {
      this.capacity = capacity;
      this.maxTotal = maxTotal;
      this.maxPerEndpoint = maxPerEndpoint;
    }

    /** Reserves for the endpoint; what was reserved counts as this thread's. */
    @Operation
    public Admission.Result reserve(
        @Param(name = "thread") int thread, @Param(name = "endpoint") int endpoint) {
      Admission.Result r = capacity.tryReserve(endpoint);
      if (r == Admission.Result.RESERVED) {
        held[thread][endpoint]++;
      }
      return r;
    }

    /**
     * Gives back one of this thread's reservations of the endpoint.
     *
     * @return whether it held one
     */
    @Operation
    public boolean release(
        @Param(name = "thread") int thread, @Param(name = "endpoint") int endpoint) {
      if (held[thread][endpoint] == 0) {
        return false;
      }
      held[thread][endpoint]--;
      capacity.release(endpoint);
      return true;
    }

    /** At rest, the counts are within the caps and add up to what the threads hold. */
    @Validate
    public void countsAddUp() {
      int sum = 0;
      for (int e = 0; e < ENDPOINTS; e++) {
        int heldHere = 0;
        for (int[] row : held) {
          heldHere += row[e];
        }
        int n = capacity.reservations(e);
        if (n != heldHere || n > maxPerEndpoint) {
          throw new IllegalStateException(
              "endpoint "
                  + e
                  + ": "
                  + n
                  + " reserved, "
                  + heldHere
                  + " held, cap "
                  + maxPerEndpoint);
        }
        sum += n;
      }
      if (capacity.total() != sum || sum > maxTotal) {
        throw new IllegalStateException(
            "total " + capacity.total() + ", endpoints add up to " + sum + ", cap " + maxTotal);
      }
    }
  }

  /** Two endpoints, a total cap of 2 under per-endpoint caps of 8. */
  public static class TotalCapBinds extends Counts {
    public TotalCapBinds() {
      super(
          Capacity.admission(MAX_TOTAL, MAX_PER_ENDPOINT, ENDPOINTS), MAX_TOTAL, MAX_PER_ENDPOINT);
    }
  }

  /** Two endpoints, per-endpoint caps of 1 under a total cap nobody reaches. */
  public static class EndpointCapBinds extends Counts {
    public EndpointCapBinds() {
      super(Capacity.admission(100, 1, ENDPOINTS), 100, 1);
    }
  }

  /** Two endpoints, each capped at 1 under a total cap of 1. */
  public static class BothCapsBind extends Counts {
    public BothCapsBind() {
      super(Capacity.admission(1, 1, ENDPOINTS), 1, 1);
    }
  }

  /** {@link TotalCapBinds} over the check-then-act admission. */
  public static class CheckThenAct extends Counts {
    public CheckThenAct() {
      super(
          Capacity.checkThenAct(MAX_TOTAL, MAX_PER_ENDPOINT, ENDPOINTS),
          MAX_TOTAL,
          MAX_PER_ENDPOINT);
    }
  }
}
