package io.sockpool.testkit.internal;

import java.util.List;
import java.util.Random;

/**
 * One toxic running on one link (Go's ToxicStub). Instead of sleeping, a stage computes when each
 * piece of data may leave it ({@link Segment#due}); the link writes it when that time has come. All
 * methods run on the event loop thread.
 */
abstract class Stage {
  private static final long MS = 1_000_000L;

  final ToxicDef def;

  /** Whether the toxicity draw made this toxic active on this link; inactive = noop. */
  boolean active;

  /** The time until which this stage is busy with earlier data (keeps order). */
  long free;

  private boolean endRequested;
  private long endAt;

  Stage(ToxicDef def) {
    this.def = def;
  }

  static Stage create(ToxicDef def) {
    return switch (def.type()) {
      case LATENCY -> new Latency(def);
      case BANDWIDTH -> new Bandwidth(def);
      case SLOW_CLOSE -> new SlowClose(def);
      case TIMEOUT -> new Timeout(def);
      case RESET_PEER -> new ResetPeer(def);
      case SLICER -> new Slicer(def);
      case LIMIT_DATA -> new LimitData(def);
      case NOOP -> new Noop(def);
    };
  }

  /** (Re)starts the stage: draws the toxicity again, as Go does when a stub is (re)started. */
  void restart(long now, Random random, Link link) {
    active = random.nextFloat() < def.toxicity();
    free = now;
    onRestart(now, link);
  }

  void onRestart(long now, Link link) {}

  /** Takes over the state Toxiproxy keeps across updates of a toxic (limit_data's byte count). */
  void carryStateFrom(Stage old) {}

  /** Moves data held in this stage on at once (a toxic was changed), as Go's interrupt does. */
  void releaseHeld(long now) {
    free = Math.min(free, now);
  }

  /** Passes data through the toxic, adding the results to {@code out}. */
  abstract void process(List<Segment> in, List<Segment> out, Random random);

  /** The end of the link (source EOF or a close further up) reaches this stage at {@code t}. */
  long onEnd(long t) {
    return Math.max(t, free);
  }

  /** Called by a toxic that closes the link at time {@code at} (after the data it passed on). */
  final void requestEnd(long at) {
    endRequested = true;
    endAt = at;
  }

  /** Returns true once, after {@link #requestEnd}. */
  final boolean takeEndRequest() {
    boolean r = endRequested;
    endRequested = false;
    return r;
  }

  final long endAt() {
    return endAt;
  }

  static long millis(long ms) {
    return ms <= 0 ? 0 : ms * MS;
  }

  /** Data passes unchanged. */
  static final class Noop extends Stage {
    Noop(ToxicDef def) {
      super(def);
    }

    @Override
    void process(List<Segment> in, List<Segment> out, Random random) {
      out.addAll(in);
    }
  }

  /** latency: each chunk leaves latency +- jitter ms after it was received, in order. */
  static final class Latency extends Stage {
    Latency(ToxicDef def) {
      super(def);
    }

    @Override
    void process(List<Segment> in, List<Segment> out, Random random) {
      long latency = def.attr("latency");
      long jitter = def.attr("jitter");
      for (Segment s : in) {
        long delay = latency;
        if (jitter > 0) {
          delay += random.nextLong(2 * jitter) - jitter;
        }
        long release = Math.max(Math.max(s.due, s.stamp + millis(delay)), free);
        s.due = release;
        s.stamp = release;
        free = release;
        out.add(s);
      }
    }
  }

  /**
   * bandwidth: rate KB/s (1 KB = 1000 bytes); big chunks go out in rate*100-byte pieces every 100
   * ms.
   */
  static final class Bandwidth extends Stage {
    Bandwidth(ToxicDef def) {
      super(def);
    }

    @Override
    void process(List<Segment> in, List<Segment> out, Random random) {
      long rate = def.attr("rate");
      for (Segment s : in) {
        long t = Math.max(s.due, free);
        if (rate <= 0) {
          s.due = t;
          free = t;
          out.add(s);
          continue;
        }
        long piece = rate * 100;
        int offset = 0;
        int left = s.length();
        while (left > piece) {
          t += 100 * MS;
          out.add(s.slice(offset, (int) piece, t));
          offset += (int) piece;
          left -= (int) piece;
        }
        t += left * MS / rate;
        out.add(offset == 0 ? withDue(s, t) : s.slice(offset, left, t));
        free = t;
      }
    }

    private static Segment withDue(Segment s, long t) {
      s.due = t;
      return s;
    }
  }

  /** slicer: bisects each chunk into about average_size pieces, delay microseconds apart. */
  static final class Slicer extends Stage {
    Slicer(ToxicDef def) {
      super(def);
    }

    @Override
    void process(List<Segment> in, List<Segment> out, Random random) {
      int avg = (int) Math.max(1, def.attr("average_size"));
      int var = (int) Math.max(0, Math.min(Integer.MAX_VALUE / 2, def.attr("size_variation")));
      long delay = Math.max(0, def.attr("delay")) * 1000L;
      for (Segment s : in) {
        long t = Math.max(s.due, free);
        List<int[]> pieces = new java.util.ArrayList<>();
        cut(0, s.length(), avg, var, random, pieces);
        for (int[] p : pieces) {
          out.add(s.slice(p[0], p[1] - p[0], t));
          t += delay;
        }
        free = t;
      }
    }

    /** Go's SlicerToxic.chunk, made iterative-safe by never cutting outside (start, end). */
    private static void cut(int start, int end, int avg, int var, Random r, List<int[]> out) {
      if ((end - start) - avg <= var) {
        out.add(new int[] {start, end});
        return;
      }
      int mid = start + (end - start) / 2;
      if (var > 0) {
        mid += r.nextInt(2 * var) - var;
      }
      mid = Math.max(start + 1, Math.min(end - 1, mid));
      cut(start, mid, avg, var, r, out);
      cut(mid, end, avg, var, r, out);
    }
  }

  /** limit_data: passes at most `bytes` bytes in total, then closes the link. */
  static final class LimitData extends Stage {
    private long transmitted;

    LimitData(ToxicDef def) {
      super(def);
    }

    @Override
    void carryStateFrom(Stage old) {
      if (old instanceof LimitData l) {
        transmitted = l.transmitted;
      }
    }

    @Override
    void process(List<Segment> in, List<Segment> out, Random random) {
      long limit = def.attr("bytes");
      for (Segment s : in) {
        long remaining = Math.max(0, limit - transmitted);
        if (remaining < s.length()) {
          s.data.limit(s.data.position() + (int) remaining);
        }
        if (s.length() > 0) {
          out.add(s);
          transmitted += s.length();
        }
        if (limit - transmitted <= 0) {
          requestEnd(s.due);
          return;
        }
      }
    }
  }

  /** slow_close: data passes; the close is passed on `delay` ms late. */
  static final class SlowClose extends Stage {
    SlowClose(ToxicDef def) {
      super(def);
    }

    @Override
    void process(List<Segment> in, List<Segment> out, Random random) {
      out.addAll(in);
    }

    @Override
    long onEnd(long t) {
      return super.onEnd(t) + millis(def.attr("delay"));
    }
  }

  /** timeout: drops data; closes the link after `timeout` ms without data (0 = never). */
  static final class Timeout extends Stage {
    long deadline;

    Timeout(ToxicDef def) {
      super(def);
    }

    @Override
    void onRestart(long now, Link link) {
      long timeout = def.attr("timeout");
      if (active && timeout > 0) {
        deadline = now + millis(timeout);
        link.scheduleStageTimer(this, deadline);
      }
    }

    @Override
    void process(List<Segment> in, List<Segment> out, Random random) {
      long timeout = def.attr("timeout");
      if (timeout > 0 && !in.isEmpty()) {
        deadline = Math.max(deadline, in.get(in.size() - 1).due + millis(timeout));
      }
    }
  }

  /** reset_peer: on the first data (or EOF), drops it and closes the link `timeout` ms later. */
  static final class ResetPeer extends Stage {
    private boolean triggered;

    ResetPeer(ToxicDef def) {
      super(def);
    }

    @Override
    void carryStateFrom(Stage old) {
      if (old instanceof ResetPeer r) {
        triggered = r.triggered;
      }
    }

    @Override
    void process(List<Segment> in, List<Segment> out, Random random) {
      if (!triggered && !in.isEmpty()) {
        triggered = true;
        requestEnd(in.get(0).due + millis(def.attr("timeout")));
      }
    }

    @Override
    long onEnd(long t) {
      if (!triggered) {
        triggered = true;
        return t + millis(def.attr("timeout"));
      }
      return t;
    }
  }
}
