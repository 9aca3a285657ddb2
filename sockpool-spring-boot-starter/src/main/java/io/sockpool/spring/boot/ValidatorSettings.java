package io.sockpool.spring.boot;

/**
 * A validator that sends {@code send} and expects exactly {@code expect} back ({@code
 * sockpool.validator.*}), both as US-ASCII text ({@code PING\r\n} / {@code +PONG\r\n}); both or
 * neither. A validator in code goes through a {@link SocketPoolCustomizer}.
 */
public class ValidatorSettings {
  /** The request, as US-ASCII text. */
  private String send;

  /** The exact reply, as US-ASCII text. */
  private String expect;

  /**
   * @return {@code validator.send}, or null when unset
   */
  public String getSend() {
    return send;
  }

  /**
   * @param value {@code validator.send}
   */
  public void setSend(String value) {
    this.send = value;
  }

  /**
   * @return {@code validator.expect}, or null when unset
   */
  public String getExpect() {
    return expect;
  }

  /**
   * @param value {@code validator.expect}
   */
  public void setExpect(String value) {
    this.expect = value;
  }
}
