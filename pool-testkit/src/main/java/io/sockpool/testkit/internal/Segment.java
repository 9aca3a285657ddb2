package io.sockpool.testkit.internal;

import java.nio.ByteBuffer;

/** A piece of a link's data (or its end) with the time it may be written to the destination. */
final class Segment {
  /** The bytes to write; null for the end of the link. */
  final ByteBuffer data;

  /** The number of bytes this segment counts against the link's buffer limit. */
  final int size;

  /** System.nanoTime() at which it may be written. */
  long due;

  /** The chunk's timestamp (Go StreamChunk.Timestamp): receive time, moved on by latency. */
  long stamp;

  private Segment(ByteBuffer data, long due, long stamp) {
    this.data = data;
    this.size = data == null ? 0 : data.remaining();
    this.due = due;
    this.stamp = stamp;
  }

  static Segment data(ByteBuffer data, long due, long stamp) {
    return new Segment(data, due, stamp);
  }

  static Segment end(long due) {
    return new Segment(null, due, due);
  }

  boolean isEnd() {
    return data == null;
  }

  int length() {
    return data.remaining();
  }

  /** A new segment for bytes [from, from + len) of this one's remaining bytes. */
  Segment slice(int from, int len, long newDue) {
    ByteBuffer b = data.slice(data.position() + from, len);
    return new Segment(b, newDue, stamp);
  }
}
