package io.sockpool.internal.group;

import io.sockpool.Endpoint;
import io.sockpool.EndpointGroup;
import io.sockpool.GroupListener;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the groups tell the user: ejections at WARN, returns at INFO, an ejection refused by {@link
 * io.sockpool.OutlierDetection#maxEjectionPercent()} at DEBUG; and the {@link GroupListener}s,
 * whose exceptions are logged once per listener and ignored.
 */
public final class GroupEvents {
  private static final Logger LOG = LoggerFactory.getLogger(GroupEvents.class);

  /** Tells nobody: for a group the pool does not run (its zero stats). */
  static final GroupEvents SILENT = new GroupEvents("-");

  private final String poolName;
  private final CopyOnWriteArrayList<GroupListener> listeners = new CopyOnWriteArrayList<>();

  /**
   * @param poolName the pool's name, in every line
   */
  public GroupEvents(String poolName) {
    this.poolName = poolName;
  }

  /**
   * Adds a listener (once).
   *
   * @param l the listener
   */
  public void add(GroupListener l) {
    listeners.addIfAbsent(l);
  }

  /**
   * Removes a listener.
   *
   * @param l the listener
   * @return whether it was registered
   */
  public boolean remove(GroupListener l) {
    return listeners.remove(l);
  }

  void added(EndpointGroup g) {
    LOG.debug("pool '{}': group {}", poolName, g);
    for (GroupListener l : listeners) {
      try {
        l.groupAdded(g);
      } catch (RuntimeException e) {
        failedListener(l, e);
      }
    }
  }

  void ejected(String group, Endpoint member, Duration length, String reason) {
    LOG.warn(
        "pool '{}': group '{}' ejected {} for {} ms: {}",
        poolName,
        group,
        member,
        length.toMillis(),
        reason);
    for (GroupListener l : listeners) {
      try {
        l.memberEjected(group, member, length, reason);
      } catch (RuntimeException e) {
        failedListener(l, e);
      }
    }
  }

  void returned(String group, Endpoint member) {
    LOG.info("pool '{}': group '{}' takes {} back: a probe succeeded", poolName, group, member);
    for (GroupListener l : listeners) {
      try {
        l.memberReturned(group, member);
      } catch (RuntimeException e) {
        failedListener(l, e);
      }
    }
  }

  void ejectionRefused(String group, Endpoint member, String reason, int ejected, int allowed) {
    LOG.debug(
        "pool '{}': group '{}' keeps {} ({} of at most {} members ejected already): {}",
        poolName,
        group,
        member,
        ejected,
        allowed,
        reason);
  }

  private void failedListener(GroupListener l, RuntimeException e) {
    LOG.warn("pool '{}': group listener {} threw; ignored", poolName, l, e);
  }
}
