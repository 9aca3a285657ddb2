package io.sockpool.bench.sizing;

import io.sockpool.testkit.Responder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The protocol of the sizing check's peer, a {@link Responder} for a {@link
 * io.sockpool.testkit.FakePeer}: each request is 8 bytes holding a service time in nanoseconds
 * (big-endian); the peer waits that long and echoes the 8 bytes. The peer serves each connection on
 * its own thread, so requests on different connections are served in parallel, like a server with
 * more workers than the pool has connections.
 */
final class ServiceTime implements Responder {
  private final ByteBuffer pending = ByteBuffer.allocate(64 * 1024);

  @Override
  public List<byte[]> received(byte[] data, int length) {
    pending.put(data, 0, length).flip();
    List<byte[]> replies = new ArrayList<>();
    while (pending.remaining() >= Long.BYTES) {
      long serviceNanos = pending.getLong();
      long deadline = System.nanoTime() + serviceNanos;
      for (long left = serviceNanos; left > 0; left = deadline - System.nanoTime()) {
        LockSupport.parkNanos(left);
      }
      replies.add(ByteBuffer.allocate(Long.BYTES).putLong(serviceNanos).array());
    }
    pending.compact();
    return replies;
  }
}
