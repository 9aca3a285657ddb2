package io.sockpool.redis;

/**
 * How much of a reply the RESP decoder accepts before it gives up on it. The decoder checks each
 * limit against what a header announces, before reading or allocating for it, and allocates only
 * for bytes that have arrived; a reply over a limit fails its call with {@link RespLimitException}
 * and the connection is destroyed (the rest of the reply is still on the wire).
 *
 * <p>The defaults follow Redis: a bulk string of at most 512 MiB (the server's default {@code
 * proto-max-bulk-len}), a whole reply of at most that plus its header, at most 2^27 elements in one
 * array and arrays nested at most 64 deep. Lower them for a client that only ever reads small
 * values: {@code RespLimits.defaults().withMaxBulkBytes(1 << 20).withMaxReplyBytes(4 << 20)}.
 *
 * @param maxBulkBytes the longest bulk string, in bytes; 0..{@value #MAX_BULK_BYTES}
 * @param maxArrayElements the most elements in one array; 0..{@value #MAX_ARRAY_ELEMENTS}
 * @param maxDepth the deepest nesting of arrays (1: an array of scalars); 1..{@value #MAX_DEPTH}
 * @param maxReplyBytes the most bytes of one whole reply on the wire, headers and CRLFs included;
 *     at least 3 (the shortest reply, {@code +\r\n})
 */
public record RespLimits(int maxBulkBytes, int maxArrayElements, int maxDepth, long maxReplyBytes) {

  /** Default bulk string limit: 512 MiB, Redis's default {@code proto-max-bulk-len}. */
  public static final int DEFAULT_MAX_BULK_BYTES = 512 * 1024 * 1024;

  /** Default reply limit: one bulk string at {@link #DEFAULT_MAX_BULK_BYTES} with its header. */
  public static final long DEFAULT_MAX_REPLY_BYTES = DEFAULT_MAX_BULK_BYTES + 16L;

  /** Default limit on one array's elements: 2^27 (134,217,728). */
  public static final int DEFAULT_MAX_ARRAY_ELEMENTS = 1 << 27;

  /** Default nesting limit. */
  public static final int DEFAULT_MAX_DEPTH = 64;

  /** The largest bulk string limit allowed: the largest Java array. */
  public static final int MAX_BULK_BYTES = Integer.MAX_VALUE - 8;

  /** The largest array limit allowed. */
  public static final int MAX_ARRAY_ELEMENTS = Integer.MAX_VALUE - 8;

  /** The deepest nesting limit allowed. */
  public static final int MAX_DEPTH = 1024;

  private static final RespLimits DEFAULTS =
      new RespLimits(
          DEFAULT_MAX_BULK_BYTES,
          DEFAULT_MAX_ARRAY_ELEMENTS,
          DEFAULT_MAX_DEPTH,
          DEFAULT_MAX_REPLY_BYTES);

  /**
   * Checks the limits.
   *
   * @throws IllegalArgumentException naming the limit, its value and the allowed range
   */
  public RespLimits {
    check("maxBulkBytes", maxBulkBytes, 0, MAX_BULK_BYTES);
    check("maxArrayElements", maxArrayElements, 0, MAX_ARRAY_ELEMENTS);
    check("maxDepth", maxDepth, 1, MAX_DEPTH);
    check("maxReplyBytes", maxReplyBytes, 3, Long.MAX_VALUE);
  }

  /** Returns the defaults (see the class comment). */
  public static RespLimits defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a copy with another bulk string limit.
   *
   * @param value the longest bulk string, in bytes
   * @return these limits with that bulk string limit
   * @throws IllegalArgumentException if out of range
   */
  public RespLimits withMaxBulkBytes(int value) {
    return new RespLimits(value, maxArrayElements, maxDepth, maxReplyBytes);
  }

  /**
   * Returns a copy with another array limit.
   *
   * @param value the most elements in one array
   * @return these limits with that array limit
   * @throws IllegalArgumentException if out of range
   */
  public RespLimits withMaxArrayElements(int value) {
    return new RespLimits(maxBulkBytes, value, maxDepth, maxReplyBytes);
  }

  /**
   * Returns a copy with another nesting limit.
   *
   * @param value the deepest nesting of arrays
   * @return these limits with that nesting limit
   * @throws IllegalArgumentException if out of range
   */
  public RespLimits withMaxDepth(int value) {
    return new RespLimits(maxBulkBytes, maxArrayElements, value, maxReplyBytes);
  }

  /**
   * Returns a copy with another reply limit.
   *
   * @param value the most bytes of one reply
   * @return these limits with that reply limit
   * @throws IllegalArgumentException if out of range
   */
  public RespLimits withMaxReplyBytes(long value) {
    return new RespLimits(maxBulkBytes, maxArrayElements, maxDepth, value);
  }

  private static void check(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be in " + min + ".." + max + ", but was " + value);
    }
  }
}
