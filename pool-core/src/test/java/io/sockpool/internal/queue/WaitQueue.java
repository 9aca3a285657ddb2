package io.sockpool.internal.queue;

import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the hand-off checks drive: callers join and leave, connections and slots are handed to the
 * longest waiter. Implemented by {@link Waiters} itself and by a known-bad variant, so the same
 * checks can show that they catch a broken one.
 */
interface WaitQueue {
  /**
   * @param max the most callers allowed to wait
   * @return the caller's node, or null if {@code max} already wait
   */
  Object join(int max);

  /**
   * @return what the node was handed before it left
   */
  Handoff<String> leave(Object node);

  /**
   * @return whether a waiter took the connection
   */
  boolean handOff(String channel);

  /**
   * @return whether a waiter took the slot
   */
  boolean handOffSlot();

  /**
   * @return what the node holds now, handed and not yet collected by {@link #leave}
   */
  Handoff<String> handedTo(Object node);

  /**
   * @return {@link Waiters} as a {@link WaitQueue}
   */
  static WaitQueue waiters() {
    Waiters<String> waiters = new Waiters<>();
    return new WaitQueue() {
      @Override
      public Object join(int max) {
        return waiters.join(0, 0, max);
      }

      @Override
      @SuppressWarnings("unchecked")
      public Handoff<String> leave(Object node) {
        return waiters.leave((Waiters.Waiter<String>) node);
      }

      @Override
      public boolean handOff(String channel) {
        return waiters.handOff(channel);
      }

      @Override
      public boolean handOffSlot() {
        return waiters.handOffSlot();
      }

      @Override
      @SuppressWarnings("unchecked")
      public Handoff<String> handedTo(Object node) {
        return ((Waiters.Waiter<String>) node).handed();
      }
    };
  }

  /**
   * The known-bad variant: a hand-off that picks the longest waiter under the lock but gives it the
   * connection after letting go of the lock. A waiter that leaves in between leaves with nothing,
   * and what it is given afterwards is lost (the giver believes it was taken).
   */
  static WaitQueue lossy() {
    ReentrantLock lock = new ReentrantLock();
    ArrayDeque<Node> queue = new ArrayDeque<>();
    return new WaitQueue() {
      @Override
      public Object join(int max) {
        lock.lock();
        try {
          if (queue.size() >= max) {
            return null;
          }
          Node n = new Node();
          queue.addLast(n);
          return n;
        } finally {
          lock.unlock();
        }
      }

      @Override
      public Handoff<String> leave(Object node) {
        Node n = (Node) node;
        lock.lock();
        try {
          queue.remove(n);
          Handoff<String> handed = n.handed;
          n.handed = Handoff.nothing();
          return handed;
        } finally {
          lock.unlock();
        }
      }

      @Override
      public boolean handOff(String channel) {
        return give(new Handoff.Channel<>(channel));
      }

      @Override
      public boolean handOffSlot() {
        return give(Handoff.slot());
      }

      @Override
      public Handoff<String> handedTo(Object node) {
        return ((Node) node).handed;
      }

      private boolean give(Handoff<String> thing) {
        Node n;
        lock.lock();
        try {
          n = queue.peekFirst();
        } finally {
          lock.unlock();
        }
        if (n == null) {
          return false;
        }
        n.handed = thing; // outside the lock: the node may have left meanwhile
        lock.lock();
        try {
          queue.remove(n);
        } finally {
          lock.unlock();
        }
        return true;
      }
    };
  }

  /** A node of the lossy variant. */
  final class Node {
    volatile Handoff<String> handed = Handoff.nothing();
  }
}
