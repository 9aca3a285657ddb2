package io.sockpool.spring.boot;

import java.time.Duration;

/**
 * Socket options of a pool's connections ({@code sockpool.socket.*}); unset values keep {@link
 * io.sockpool.SocketOptions}' defaults.
 */
public class SocketSettings {
  /** TCP_NODELAY. Default true. */
  private Boolean tcpNoDelay;

  /** SO_KEEPALIVE. Default true. */
  private Boolean keepAlive;

  /** Idle time before the first keepalive probe. Default 60s. */
  private Duration keepAliveIdle;

  /** Time between keepalive probes. Default 10s. */
  private Duration keepAliveInterval;

  /** Unanswered probes before the connection is dropped. Default 6; 1..127. */
  private Integer keepAliveCount;

  /** SO_SNDBUF in bytes. Default: the system's. */
  private Integer sendBufferSize;

  /** SO_RCVBUF in bytes. Default: the system's. */
  private Integer receiveBufferSize;

  /**
   * @return {@code socket.tcp-no-delay}, or null when unset
   */
  public Boolean getTcpNoDelay() {
    return tcpNoDelay;
  }

  /**
   * @param value {@code socket.tcp-no-delay}
   */
  public void setTcpNoDelay(Boolean value) {
    this.tcpNoDelay = value;
  }

  /**
   * @return {@code socket.keep-alive}, or null when unset
   */
  public Boolean getKeepAlive() {
    return keepAlive;
  }

  /**
   * @param value {@code socket.keep-alive}
   */
  public void setKeepAlive(Boolean value) {
    this.keepAlive = value;
  }

  /**
   * @return {@code socket.keep-alive-idle}, or null when unset
   */
  public Duration getKeepAliveIdle() {
    return keepAliveIdle;
  }

  /**
   * @param value {@code socket.keep-alive-idle}
   */
  public void setKeepAliveIdle(Duration value) {
    this.keepAliveIdle = value;
  }

  /**
   * @return {@code socket.keep-alive-interval}, or null when unset
   */
  public Duration getKeepAliveInterval() {
    return keepAliveInterval;
  }

  /**
   * @param value {@code socket.keep-alive-interval}
   */
  public void setKeepAliveInterval(Duration value) {
    this.keepAliveInterval = value;
  }

  /**
   * @return {@code socket.keep-alive-count}, or null when unset
   */
  public Integer getKeepAliveCount() {
    return keepAliveCount;
  }

  /**
   * @param value {@code socket.keep-alive-count}
   */
  public void setKeepAliveCount(Integer value) {
    this.keepAliveCount = value;
  }

  /**
   * @return {@code socket.send-buffer-size}, or null when unset
   */
  public Integer getSendBufferSize() {
    return sendBufferSize;
  }

  /**
   * @param value {@code socket.send-buffer-size}
   */
  public void setSendBufferSize(Integer value) {
    this.sendBufferSize = value;
  }

  /**
   * @return {@code socket.receive-buffer-size}, or null when unset
   */
  public Integer getReceiveBufferSize() {
    return receiveBufferSize;
  }

  /**
   * @param value {@code socket.receive-buffer-size}
   */
  public void setReceiveBufferSize(Integer value) {
    this.receiveBufferSize = value;
  }
}
