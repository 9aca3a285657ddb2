package io.sockpool.internal;

import io.sockpool.DestroyReason;
import io.sockpool.internal.queue.Admission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Shrinking at runtime: closes an endpoint's idle connections, oldest first, while it (or the pool)
 * holds more than the lowered limits allow. Checked-out connections are left alone: they are closed
 * as they come back ({@link ReturnPath}, {@link Admission#overLimit}), never interrupted.
 */
final class Resize {
  private Resize() {}

  /**
   * @return how many idle connections were closed
   */
  static int shrinkIdle(EndpointState st, Admission admission, Connections connections) {
    if (!admission.overLimit(st)) {
      return 0;
    }
    List<PooledChannel> idle = new ArrayList<>();
    st.channels().forEach(idle::add);
    idle.sort(Comparator.comparingLong(PooledChannel::lastUsedNanos));
    int closed = 0;
    for (PooledChannel ch : idle) {
      if (!admission.overLimit(st)) {
        break;
      }
      if (connections.closeIdle(ch, DestroyReason.IDLE)) {
        closed++;
      }
    }
    return closed;
  }
}
