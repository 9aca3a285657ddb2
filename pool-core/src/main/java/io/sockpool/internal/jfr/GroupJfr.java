package io.sockpool.internal.jfr;

import io.sockpool.Endpoint;
import io.sockpool.GroupListener;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jfr.FlightRecorder;

/**
 * The group events ({@code io.sockpool.GroupEjection}, {@code io.sockpool.GroupReturn}), heard as a
 * {@link GroupListener}. Counts each member's ejections per group (ejections are rare: a map update
 * each, recorded or not); writes an event only once JFR is initialized and the event enabled.
 */
final class GroupJfr implements GroupListener {
  private final String pool;
  private final Map<String, AtomicLong> ejections = new ConcurrentHashMap<>();

  GroupJfr(String pool) {
    this.pool = pool;
  }

  private AtomicLong count(String group, Endpoint member) {
    return ejections.computeIfAbsent(group + '\u0000' + member, k -> new AtomicLong());
  }

  @Override
  public void memberEjected(String group, Endpoint member, Duration ejectedFor, String reason) {
    long n = count(group, member).incrementAndGet();
    if (FlightRecorder.isInitialized()) {
      Recorder.ejected(pool, group, member, reason, ejectedFor.toNanos(), n);
    }
  }

  @Override
  public void memberReturned(String group, Endpoint member) {
    if (FlightRecorder.isInitialized()) {
      Recorder.returned(pool, group, member, count(group, member).get());
    }
  }
}
