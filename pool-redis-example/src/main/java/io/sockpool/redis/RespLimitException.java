package io.sockpool.redis;

/**
 * A reply announced more than a {@link RespLimits} limit allows. Raised as soon as the header
 * announcing it arrives, before anything is allocated for it. The rest of the reply is still on the
 * wire, so the connection is destroyed, never reused.
 */
public class RespLimitException extends RespProtocolException {
  private static final long serialVersionUID = 1L;

  private final String limitName;
  private final long limit;
  private final long announced;

  /**
   * @param what what was announced, e.g. {@code "bulk string of 536870913 bytes"}
   * @param offset the offset of the announcing header's first digit from the start of the reply
   * @param limitName the limit's name in {@link RespLimits}, e.g. {@code maxBulkBytes}
   * @param limit the limit's value
   * @param announced the announced size, in the limit's unit
   */
  public RespLimitException(
      String what, long offset, String limitName, long limit, long announced) {
    super(
        what
            + " announced at offset "
            + offset
            + " is over the limit "
            + limitName
            + " = "
            + limit
            + " (RespLimits)",
        offset);
    this.limitName = limitName;
    this.limit = limit;
    this.announced = announced;
  }

  /**
   * Returns the name of the limit, as in {@link RespLimits}: {@code maxBulkBytes}, {@code
   * maxArrayElements}, {@code maxDepth} or {@code maxReplyBytes}.
   */
  public String limitName() {
    return limitName;
  }

  /** Returns the limit's value. */
  public long limit() {
    return limit;
  }

  /** Returns what the reply announced, in the limit's unit (bytes, elements, levels). */
  public long announced() {
    return announced;
  }
}
