package io.sockpool.faults;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.model.Toxic;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Adds and removes faults on one proxy at random, on its own thread: one or two toxics at a time
 * (latency, blackhole, timeout, reset_peer, slicer, limit_data, slow_close, bandwidth) or the proxy
 * disabled, each for 150..1200 ms, with quiet gaps of 300..1000 ms between.
 *
 * <p>It keeps a fault timeline for the soak's checks: {@link #epoch()} changes whenever a fault
 * starts or ends, and {@link #quietSince()} tells since when no fault has been active (or {@link
 * Long#MAX_VALUE} while one is).
 */
final class ToxicChaos implements Runnable {
  private final Proxy proxy;
  private final Random random;
  private final long endNanos;
  private final AtomicLong epoch = new AtomicLong();
  private volatile long quietSince = System.nanoTime();
  private final Map<String, Integer> applied = new TreeMap<>();
  private volatile Throwable failure;

  /** One kind of fault: installs itself and returns how to undo it. */
  @FunctionalInterface
  private interface Fault {
    Undo install(Proxy p, Random r) throws IOException;
  }

  @FunctionalInterface
  private interface Undo {
    void run() throws IOException;
  }

  private static final String[] NAMES = {
    "latency-down",
    "latency-up",
    "blackhole-down",
    "blackhole-up",
    "timeout-300ms",
    "reset-peer",
    "slicer",
    "limit-data",
    "slow-close",
    "bandwidth",
    "peer-down"
  };

  private static final Fault[] FAULTS = {
    (p, r) ->
        remover(p.toxics().latency("latency-down", ToxicDirection.DOWNSTREAM, 50 + r.nextInt(950))),
    (p, r) ->
        remover(p.toxics().latency("latency-up", ToxicDirection.UPSTREAM, 50 + r.nextInt(950))),
    (p, r) -> remover(p.toxics().timeout("blackhole-down", ToxicDirection.DOWNSTREAM, 0)),
    (p, r) -> remover(p.toxics().timeout("blackhole-up", ToxicDirection.UPSTREAM, 0)),
    (p, r) -> remover(p.toxics().timeout("timeout-300ms", ToxicDirection.DOWNSTREAM, 300)),
    (p, r) -> remover(p.toxics().resetPeer("reset-peer", ToxicDirection.DOWNSTREAM, 0)),
    (p, r) ->
        remover(p.toxics().slicer("slicer", ToxicDirection.DOWNSTREAM, 1 + r.nextInt(3), 5_000)),
    (p, r) ->
        remover(p.toxics().limitData("limit-data", ToxicDirection.DOWNSTREAM, 10 + r.nextInt(90))),
    (p, r) -> remover(p.toxics().slowClose("slow-close", ToxicDirection.DOWNSTREAM, 500)),
    (p, r) -> remover(p.toxics().bandwidth("bandwidth", ToxicDirection.DOWNSTREAM, 1)),
    (p, r) -> {
      p.disable();
      return p::enable;
    },
  };

  private static Undo remover(Toxic t) {
    return t::remove;
  }

  ToxicChaos(Proxy proxy, long seed, long endNanos) {
    this.proxy = proxy;
    this.random = new Random(seed);
    this.endNanos = endNanos;
  }

  /**
   * @return a number that changes whenever a fault starts or ends
   */
  long epoch() {
    return epoch.get();
  }

  /**
   * @return since when ({@link System#nanoTime()}) no fault has been active; MAX_VALUE during one
   */
  long quietSince() {
    return quietSince;
  }

  /**
   * @return how often each fault was applied
   */
  Map<String, Integer> applied() {
    return applied;
  }

  /**
   * @return what went wrong talking to the Toxiproxy, if anything
   */
  Throwable failure() {
    return failure;
  }

  @Override
  public void run() {
    try {
      while (System.nanoTime() - endNanos < 0) {
        List<Undo> undo = new ArrayList<>();
        int count = random.nextInt(4) == 0 ? 2 : 1;
        List<Integer> picked = new ArrayList<>();
        while (picked.size() < count) {
          int i = random.nextInt(FAULTS.length);
          if (!picked.contains(i)) {
            picked.add(i);
          }
        }
        quietSince = Long.MAX_VALUE;
        epoch.incrementAndGet();
        for (int i : picked) {
          undo.add(FAULTS[i].install(proxy, random));
          applied.merge(NAMES[i], 1, Integer::sum);
        }
        pause(150 + random.nextInt(1050));
        for (Undo u : undo) {
          u.run();
        }
        epoch.incrementAndGet();
        quietSince = System.nanoTime();
        pause(300 + random.nextInt(700));
      }
    } catch (IOException | RuntimeException e) {
      failure = e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void pause(long millis) throws InterruptedException {
    Thread.sleep(millis); // the fault's random duration: here sleeping is the point
  }
}
