package io.sockpool.redis;

import java.net.ProtocolException;
import java.util.OptionalLong;

/**
 * The peer sent bytes that are not valid RESP2 (or not the reply the command allows). The
 * connection's protocol state is unknown after this, so the connection must be destroyed, never
 * reused; {@link RedisClient} does that.
 *
 * <p>The message names the offending byte (escaped if not printable), its offset counted from the
 * first byte of the reply, and what was allowed there.
 */
public class RespProtocolException extends ProtocolException {
  private static final long serialVersionUID = 1L;

  private final OptionalLong offset;

  /**
   * For a bad byte.
   *
   * @param message what was wrong and what was allowed, including the offset
   * @param offset the offset of the offending byte from the start of the reply, >= 0
   */
  public RespProtocolException(String message, long offset) {
    super(message);
    this.offset = OptionalLong.of(offset);
  }

  /**
   * For a problem not tied to one byte, e.g. a well-formed reply of a type the command never
   * answers with.
   *
   * @param message what was wrong and what was expected
   */
  public RespProtocolException(String message) {
    super(message);
    this.offset = OptionalLong.empty();
  }

  /** Returns the offset of the offending byte from the start of the reply, if tied to one byte. */
  public OptionalLong offset() {
    return offset;
  }
}
