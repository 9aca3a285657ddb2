package io.sockpool.testkit.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One direction of a proxied connection (Go's ToxicLink): reads its source, runs the toxic chain,
 * writes its destination. When the source ends (or a toxic closes the link) the pending data is
 * flushed and the destination is closed completely; Toxiproxy has no half-close.
 *
 * <p>Without active toxics, bytes go from the loop's read buffer straight to the destination (no
 * copy in user space). Only data that must wait (a toxic holds it, or the destination is full) is
 * copied once into a buffer of its exact size. All methods run on the event loop thread.
 */
final class Link {
  /** A link stops reading its source while this many bytes wait to be written. */
  static final int MAX_PENDING_BYTES = 1024 * 1024;

  private static final Stage[] NO_STAGES = new Stage[0];

  private final Connection conn;
  private final EventLoop loop;
  final boolean upstream;
  final SocketChannel src;
  final SocketChannel dst;
  private Stage[] stages = NO_STAGES;
  private int activeStages;
  private final ArrayDeque<Segment> queue = new ArrayDeque<>();
  private long pendingBytes;
  private long lastDue;
  private boolean writeBlocked;

  /** No more reads: the source ended or the link's end is queued. */
  private boolean endQueued;

  /** The destination has been closed; nothing more happens on this link. */
  private boolean done;

  private EventLoop.Timer wakeTimer;

  Link(Connection conn, EventLoop loop, boolean upstream, SocketChannel src, SocketChannel dst) {
    this.conn = conn;
    this.loop = loop;
    this.upstream = upstream;
    this.src = src;
    this.dst = dst;
  }

  boolean done() {
    return done;
  }

  boolean wantsRead() {
    return !endQueued && !done && pendingBytes < MAX_PENDING_BYTES;
  }

  boolean wantsWrite() {
    return writeBlocked && !done;
  }

  /** Starts the link with the proxy's current toxics of its direction. */
  void start(ToxicDef[] defs, long now) {
    Stage[] next = new Stage[defs.length];
    for (int i = 0; i < defs.length; i++) {
      next[i] = Stage.create(defs[i]);
    }
    stages = next;
    for (Stage s : next) {
      s.restart(now, loop.random(), this);
    }
    countActive();
  }

  /**
   * Applies a changed toxic chain to this live link, keeping the state of unchanged toxics.
   *
   * @param restartIndex the index (in {@code defs}) of a toxic whose stub Go restarts, or {@code
   *     defs.length} for none
   * @param closeLink true when a timeout toxic was removed (Go's cleanup closes the link)
   */
  void applyChain(ToxicDef[] defs, int restartIndex, boolean closeLink, long now) {
    if (done) {
      return;
    }
    Stage[] old = stages;
    Stage[] next = new Stage[defs.length];
    for (int i = 0; i < defs.length; i++) {
      Stage prev = find(old, defs[i].name());
      // identity on purpose: only the very definition a stage was built from keeps its state;
      // an update makes a new ToxicDef, even with equal values
      @SuppressWarnings("ReferenceEquality")
      boolean unchanged = prev != null && prev.def == defs[i];
      if (unchanged) {
        next[i] = prev;
        continue;
      }
      next[i] = Stage.create(defs[i]);
      if (prev != null) {
        next[i].carryStateFrom(prev);
      }
    }
    stages = next;
    for (int i = 0; i < next.length; i++) {
      Stage prev = find(old, defs[i].name());
      if (prev != next[i] || i == restartIndex) {
        next[i].restart(now, loop.random(), this);
      }
    }
    countActive();
    // Go interrupts the stubs around the change and they pass their held chunk on at once.
    for (Stage s : next) {
      s.releaseHeld(now);
    }
    for (Segment s : queue) {
      if (!s.isEnd()) {
        s.due = Math.min(s.due, now);
      }
    }
    lastDue = Math.min(lastDue, now);
    if (closeLink && !endQueued) {
      enqueueEnd(now);
    }
    pump(now);
  }

  private static Stage find(Stage[] stages, String name) {
    for (Stage s : stages) {
      if (s.def.name().equals(name)) {
        return s;
      }
    }
    return null;
  }

  private void countActive() {
    int n = 0;
    for (Stage s : stages) {
      if (s.active) {
        n++;
      }
    }
    activeStages = n;
  }

  /** The source is readable. */
  void onReadable() {
    if (!wantsRead()) {
      conn.updateInterest();
      return;
    }
    ByteBuffer buf = loop.readBuffer();
    buf.clear();
    int n;
    try {
      n = src.read(buf);
    } catch (IOException e) {
      n = -1;
    }
    if (n == 0) {
      return;
    }
    long now = System.nanoTime();
    if (n < 0) {
      sourceEnded(now);
      return;
    }
    buf.flip();
    if (activeStages == 0 && queue.isEmpty()) {
      try {
        dst.write(buf);
      } catch (IOException e) {
        conn.abort();
        return;
      }
      if (buf.hasRemaining()) {
        enqueue(Segment.data(copy(buf), now, now));
        writeBlocked = true;
      }
      conn.updateInterest();
      return;
    }
    runChain(copy(buf), now);
    pump(now);
  }

  private static ByteBuffer copy(ByteBuffer buf) {
    ByteBuffer c = ByteBuffer.allocate(buf.remaining());
    c.put(buf).flip();
    return c;
  }

  private void runChain(ByteBuffer data, long now) {
    List<Segment> segs = new ArrayList<>(2);
    segs.add(Segment.data(data, now, now));
    boolean ending = false;
    long endAt = now;
    for (Stage s : stages) {
      if (!s.active) {
        continue;
      }
      if (!segs.isEmpty()) {
        List<Segment> out = new ArrayList<>(segs.size() + 1);
        s.process(segs, out, loop.random());
        segs = out;
      }
      if (ending) {
        endAt = s.onEnd(endAt);
        if (s.takeEndRequest()) {
          endAt = Math.min(endAt, s.endAt());
        }
      } else if (s.takeEndRequest()) {
        ending = true;
        endAt = s.endAt();
      }
    }
    for (Segment s : segs) {
      enqueue(s);
    }
    if (ending) {
      enqueueEnd(endAt);
    }
  }

  /** The source reached EOF or failed: the end travels through the toxics, then closes dst. */
  void sourceEnded(long now) {
    if (endQueued || done) {
      return;
    }
    long endAt = now;
    for (Stage s : stages) {
      if (s.active) {
        endAt = s.onEnd(endAt);
      }
    }
    enqueueEnd(endAt);
    pump(now);
  }

  /** A timer of stage {@code stage} (a timeout toxic) fired. */
  void scheduleStageTimer(Stage.Timeout stage, long at) {
    loop.schedule(at, () -> onStageTimer(stage));
  }

  private void onStageTimer(Stage.Timeout stage) {
    int idx = indexOf(stage);
    if (done || endQueued || idx < 0 || !stage.active) {
      return;
    }
    long now = System.nanoTime();
    if (stage.deadline - now > 0) {
      scheduleStageTimer(stage, stage.deadline);
      return;
    }
    long endAt = now;
    for (int i = idx + 1; i < stages.length; i++) {
      if (stages[i].active) {
        endAt = stages[i].onEnd(endAt);
      }
    }
    enqueueEnd(endAt);
    pump(now);
  }

  private int indexOf(Stage s) {
    for (int i = 0; i < stages.length; i++) {
      if (stages[i] == s) {
        return i;
      }
    }
    return -1;
  }

  private void enqueue(Segment s) {
    s.due = Math.max(s.due, lastDue);
    lastDue = s.due;
    queue.addLast(s);
    pendingBytes += s.size;
  }

  private void enqueueEnd(long at) {
    endQueued = true;
    enqueue(Segment.end(at));
  }

  /** The destination can take more bytes. */
  void onWritable() {
    writeBlocked = false;
    pump(System.nanoTime());
  }

  /** Writes every segment that is due, then waits (timer or OP_WRITE) for the rest. */
  void pump(long now) {
    if (done) {
      return;
    }
    while (!writeBlocked) {
      Segment s = queue.peekFirst();
      if (s == null) {
        break;
      }
      if (s.due - now > 0) {
        wakeAt(s.due);
        break;
      }
      if (s.isEnd()) {
        finish();
        return;
      }
      try {
        dst.write(s.data);
      } catch (IOException e) {
        conn.abort();
        return;
      }
      if (s.data.hasRemaining()) {
        writeBlocked = true;
        break;
      }
      queue.pollFirst();
      pendingBytes -= s.size;
    }
    conn.updateInterest();
  }

  private void wakeAt(long due) {
    if (wakeTimer != null) {
      if (wakeTimer.due - due <= 0) {
        return;
      }
      loop.cancel(wakeTimer);
    }
    wakeTimer =
        loop.schedule(
            due,
            () -> {
              wakeTimer = null;
              pump(System.nanoTime());
            });
  }

  private void finish() {
    markDone();
    conn.linkFinished(this);
  }

  /** Forgets all pending data and timers; the connection closes the sockets. */
  void markDone() {
    done = true;
    endQueued = true;
    writeBlocked = false;
    queue.clear();
    pendingBytes = 0;
    loop.cancel(wakeTimer);
    wakeTimer = null;
  }
}
