package io.sockpool.internal;

import io.sockpool.DestroyReason;
import io.sockpool.Endpoint;
import io.sockpool.EndpointStats;
import io.sockpool.PoolStats;
import io.sockpool.internal.metrics.WaitHistogram;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds {@link PoolStats} from the live counters (and the forgotten endpoints' counters). */
final class StatsSnapshot {
  private StatsSnapshot() {}

  static PoolStats of(EndpointRegistry reg, Connections connections) {
    Map<Endpoint, EndpointStats> per = new LinkedHashMap<>();
    WaitHistogram allWaits = new WaitHistogram();
    EnumMap<DestroyReason, Long> allDestroyed = new EnumMap<>(DestroyReason.class);
    for (DestroyReason r : DestroyReason.values()) {
      allDestroyed.put(r, reg.forgottenDestroyed.get(r).sum());
    }
    long created = reg.forgottenCreated.sum();
    long onDemand = reg.forgottenCreatedOnDemand.sum();
    long byPreconnect = reg.forgottenCreatedByPreconnect.sum();
    long checkouts = reg.forgottenCheckouts.sum();
    long timeouts = reg.forgottenTimeouts.sum();
    long rejected = reg.forgottenRejected.sum();
    int active = 0;
    int idle = 0;
    int waiting = 0;
    int connecting = 0;
    for (EndpointState st : reg.all()) {
      EndpointStats s = of(connections, st);
      per.put(st.endpoint(), s);
      st.waits().addTo(allWaits);
      for (DestroyReason r : DestroyReason.values()) {
        allDestroyed.merge(r, s.destroyed(r), Long::sum);
      }
      created += s.created();
      onDemand += s.createdOnDemand();
      byPreconnect += s.createdByPreconnect();
      checkouts += s.checkouts();
      timeouts += s.timeouts();
      rejected += s.rejected();
      active += s.active();
      idle += s.idle();
      waiting += s.waiting();
      connecting += s.connecting();
    }
    EndpointStats total =
        new EndpointStats(
            null,
            active,
            idle,
            waiting,
            connecting,
            created,
            allDestroyed,
            checkouts,
            timeouts,
            rejected,
            allWaits.max(),
            allWaits.mean(),
            allWaits.percentile(0.99),
            onDemand,
            byPreconnect);
    return new PoolStats(total, per);
  }

  static EndpointStats of(Connections connections, EndpointState st) {
    // the parts of created before created itself, and created before destroyed: all only grow,
    // so created - destroyed never overstates and the parts never exceed created
    long byPreconnect = st.createdByPreconnectCount();
    long onDemand = st.createdOnDemandCount();
    long created = st.createdCount();
    EnumMap<DestroyReason, Long> destroyed = new EnumMap<>(DestroyReason.class);
    for (DestroyReason r : DestroyReason.values()) {
      destroyed.put(r, st.destroyedCount(r));
    }
    return new EndpointStats(
        st.endpoint(),
        connections.active(st.endpoint()),
        connections.idle(st.endpoint()),
        st.waiters().size(),
        st.connecting(),
        created,
        destroyed,
        st.checkouts(),
        st.timeoutCount(),
        st.rejectedCount(),
        st.waits().max(),
        st.waits().mean(),
        st.waits().percentile(0.99),
        onDemand,
        byPreconnect);
  }
}
