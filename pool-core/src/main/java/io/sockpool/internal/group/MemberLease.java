package io.sockpool.internal.group;

import io.sockpool.Endpoint;
import io.sockpool.PooledConnection;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * A connection checked out through a group: the member's connection, plus what the group learns
 * when it ends: the call's latency (from the checkout's end to the return: the exchange, not the
 * wait or the connect, as Finagle measures a request) and whether the member failed it: an I/O
 * error in the timed helpers, or a read that timed out with no reply byte for at least the member's
 * no-answer bound (as the breaker judges it); a read the caller gave up on sooner, and an
 * interrupt, are the caller's.
 */
public final class MemberLease implements PooledConnection {
  private static final VarHandle ENDED;

  static {
    try {
      ENDED = MethodHandles.lookup().findVarHandle(MemberLease.class, "ended", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final PooledConnection inner;
  private final GroupState group;
  private final Member member;
  private final MemberAccess access;
  private final long startNanos;

  /** Set once the lease ended (after the engine's verdict); a hint for {@link #end}. */
  private volatile boolean ended;

  private volatile IOException peerFailure;

  private volatile boolean timedOut;

  MemberLease(
      PooledConnection inner,
      GroupState group,
      Member member,
      MemberAccess access,
      long startNanos) {
    this.inner = inner;
    this.group = group;
    this.member = member;
    this.access = access;
    this.startNanos = startNanos;
  }

  /**
   * Returns the member's own connection behind a group's lease, or the connection itself.
   *
   * @param c a connection of a pool
   */
  public static PooledConnection unwrap(PooledConnection c) {
    return c instanceof MemberLease m ? m.inner : c;
  }

  private <T extends IOException> T seen(T e) {
    if (e instanceof SocketTimeoutException) {
      timedOut = true; // the peer's or the caller's: judged when the lease ends
    } else if (!(e instanceof InterruptedIOException)) {
      peerFailure = e;
    }
    return e;
  }

  @Override
  public Endpoint endpoint() {
    return inner.endpoint();
  }

  @Override
  public SocketChannel channel() {
    return inner.channel();
  }

  @Override
  public void write(ByteBuffer src, Duration timeout) throws IOException {
    try {
      inner.write(src, timeout);
    } catch (IOException e) {
      throw seen(e);
    }
  }

  @Override
  public int read(ByteBuffer dst, Duration timeout) throws IOException {
    try {
      return inner.read(dst, timeout);
    } catch (IOException e) {
      throw seen(e);
    }
  }

  @Override
  public void readFully(ByteBuffer dst, Duration timeout) throws IOException {
    try {
      inner.readFully(dst, timeout);
    } catch (IOException e) {
      throw seen(e);
    }
  }

  @Override
  public void exchangeComplete() {
    inner.exchangeComplete();
  }

  @Override
  public void requestHasNoReply() {
    inner.requestHasNoReply();
  }

  @Override
  public void close() {
    end(false);
  }

  @Override
  public void invalidate() {
    end(true);
  }

  /**
   * Ends the member's lease and reports the call: one clock read for both, and the engine's own
   * once-only flag decides which of several closes reports it.
   */
  private void end(boolean invalidate) {
    boolean unanswered = timedOut && !ended && access.unanswered(inner); // while still held
    long now = group.now();
    if (!access.end(inner, now, invalidate)) {
      return; // ended before
    }
    ENDED.setRelease(this, true); // only the checks above read it: no fence needed
    IOException failure = peerFailure;
    if (failure != null) {
      group.failed(member, now - startNanos, String.valueOf(failure), now);
    } else if (unanswered) {
      group.failed(
          member,
          now - startNanos,
          "no byte of a reply within the member's no-answer bound",
          now,
          true);
    } else if (timedOut) {
      group.inconclusive(member, now - startNanos, now);
    } else {
      group.succeeded(member, now - startNanos, now);
    }
  }

  @Override
  public String toString() {
    return inner + " (group '" + group.name() + "')";
  }
}
