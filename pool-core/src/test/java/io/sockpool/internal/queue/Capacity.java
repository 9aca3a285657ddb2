package io.sockpool.internal.queue;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the capacity checks drive: reserve and release per endpoint, and the counts. Implemented by
 * {@link Admission} itself and by a known-bad variant, so the same checks can show that they catch
 * a broken one.
 */
interface Capacity {
  /**
   * @param endpoint the endpoint's index
   * @return RESERVED, or why not
   */
  Admission.Result tryReserve(int endpoint);

  /**
   * @param endpoint the endpoint's index, which holds a reservation
   */
  void release(int endpoint);

  /**
   * @param endpoint the endpoint's index
   * @return its reservations now
   */
  int reservations(int endpoint);

  /**
   * @return reservations of every endpoint now
   */
  int total();

  /** One endpoint's account: its counter, an empty waiter queue and the held-back flag. */
  final class Account implements Admission.Account {
    private final AtomicInteger reservations = new AtomicInteger();
    private final Waiters<String> waiters = new Waiters<>();
    private final AtomicBoolean heldBackGlobally = new AtomicBoolean();
    private final AtomicInteger connectPermits = new AtomicInteger();

    @Override
    public AtomicInteger connectPermits() {
      return connectPermits;
    }

    @Override
    public AtomicInteger reservations() {
      return reservations;
    }

    @Override
    public Waiters<String> waiters() {
      return waiters;
    }

    @Override
    public AtomicBoolean heldBackGlobally() {
      return heldBackGlobally;
    }
  }

  /**
   * @param maxTotal the total cap
   * @param maxPerEndpoint the cap of each endpoint
   * @param endpoints how many endpoints
   * @return {@link Admission} over that many accounts
   */
  static Capacity admission(int maxTotal, int maxPerEndpoint, int endpoints) {
    Admission admission = new Admission(maxTotal, maxPerEndpoint);
    Account[] accounts = new Account[endpoints];
    for (int i = 0; i < endpoints; i++) {
      accounts[i] = new Account();
    }
    return new Capacity() {
      @Override
      public Admission.Result tryReserve(int endpoint) {
        return admission.tryReserve(accounts[endpoint]);
      }

      @Override
      public void release(int endpoint) {
        admission.release(accounts[endpoint]);
      }

      @Override
      public int reservations(int endpoint) {
        return accounts[endpoint].reservations().get();
      }

      @Override
      public int total() {
        return admission.total();
      }
    };
  }

  /**
   * The known-bad variant: the same limits checked, then acted on without a compare-and-set (read
   * the count, compare it with the cap, write count + 1), so two callers that read the same count
   * both get in.
   */
  static Capacity checkThenAct(int maxTotal, int maxPerEndpoint, int endpoints) {
    int[] perEndpoint = new int[endpoints];
    int[] total = new int[1];
    return new Capacity() {
      @Override
      public Admission.Result tryReserve(int endpoint) {
        int n = read(perEndpoint, endpoint);
        if (n >= maxPerEndpoint) {
          return Admission.Result.ENDPOINT_FULL;
        }
        int t = read(total, 0);
        if (t >= maxTotal) {
          return Admission.Result.GLOBAL_FULL;
        }
        write(perEndpoint, endpoint, n + 1);
        write(total, 0, t + 1);
        return Admission.Result.RESERVED;
      }

      @Override
      public void release(int endpoint) {
        write(perEndpoint, endpoint, read(perEndpoint, endpoint) - 1);
        write(total, 0, read(total, 0) - 1);
      }

      @Override
      public int reservations(int endpoint) {
        return read(perEndpoint, endpoint);
      }

      @Override
      public int total() {
        return read(total, 0);
      }

      private int read(int[] counts, int i) {
        synchronized (counts) {
          return counts[i];
        }
      }

      private void write(int[] counts, int i, int value) {
        synchronized (counts) {
          counts[i] = value;
        }
      }
    };
  }
}
