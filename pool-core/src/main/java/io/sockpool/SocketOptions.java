package io.sockpool;

import java.time.Duration;
import java.util.Objects;

/**
 * Socket options applied to every new connection. Immutable; made with {@link #builder()}.
 *
 * <p>Per-socket keepalive timing ({@code TCP_KEEPIDLE}, {@code TCP_KEEPINTERVAL}, {@code
 * TCP_KEEPCOUNT}) goes through {@code jdk.net.ExtendedSocketOptions} where the platform supports it
 * (Linux, macOS); elsewhere the system-wide values apply and a DEBUG line says so.
 */
public final class SocketOptions {
  private final boolean tcpNoDelay;
  private final boolean keepAlive;
  private final Duration keepAliveIdle;
  private final Duration keepAliveInterval;
  private final int keepAliveCount;
  private final int sendBufferSize;
  private final int receiveBufferSize;

  private SocketOptions(Builder b) {
    tcpNoDelay = b.tcpNoDelay;
    keepAlive = b.keepAlive;
    keepAliveIdle = b.keepAliveIdle;
    keepAliveInterval = b.keepAliveInterval;
    keepAliveCount = b.keepAliveCount;
    sendBufferSize = b.sendBufferSize;
    receiveBufferSize = b.receiveBufferSize;
  }

  /** Returns tCP_NODELAY on, keepalive on (60 s idle, 10 s interval, 6 probes), OS buffer sizes. */
  public static SocketOptions defaults() {
    return builder().build();
  }

  /** Returns a builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns whether Nagle's algorithm is off. */
  public boolean tcpNoDelay() {
    return tcpNoDelay;
  }

  /** Returns whether SO_KEEPALIVE is on. */
  public boolean keepAlive() {
    return keepAlive;
  }

  /** Returns idle time before the first keepalive probe (whole seconds are used). */
  public Duration keepAliveIdle() {
    return keepAliveIdle;
  }

  /** Returns time between keepalive probes (whole seconds are used). */
  public Duration keepAliveInterval() {
    return keepAliveInterval;
  }

  /** Returns unanswered probes before the connection is dropped. */
  public int keepAliveCount() {
    return keepAliveCount;
  }

  /** Returns sO_SNDBUF in bytes, or 0 for the OS default. */
  public int sendBufferSize() {
    return sendBufferSize;
  }

  /** Returns sO_RCVBUF in bytes, or 0 for the OS default. */
  public int receiveBufferSize() {
    return receiveBufferSize;
  }

  @Override
  public String toString() {
    return "SocketOptions{tcpNoDelay="
        + tcpNoDelay
        + ", keepAlive="
        + keepAlive
        + (keepAlive
            ? ", keepAliveIdle="
                + keepAliveIdle
                + ", keepAliveInterval="
                + keepAliveInterval
                + ", keepAliveCount="
                + keepAliveCount
            : "")
        + ", sendBufferSize="
        + (sendBufferSize == 0 ? "os-default" : sendBufferSize)
        + ", receiveBufferSize="
        + (receiveBufferSize == 0 ? "os-default" : receiveBufferSize)
        + "}";
  }

  /** Builds {@link SocketOptions}; each setter checks its value. */
  public static final class Builder {
    private boolean tcpNoDelay = true;
    private boolean keepAlive = true;
    private Duration keepAliveIdle = Duration.ofSeconds(60);
    private Duration keepAliveInterval = Duration.ofSeconds(10);
    private int keepAliveCount = 6;
    private int sendBufferSize = 0;
    private int receiveBufferSize = 0;

    private Builder() {}

    /**
     * Returns this builder.
     *
     * @param value TCP_NODELAY; default true
     */
    public Builder tcpNoDelay(boolean value) {
      this.tcpNoDelay = value;
      return this;
    }

    /**
     * Returns this builder.
     *
     * @param value SO_KEEPALIVE; default true
     */
    public Builder keepAlive(boolean value) {
      this.keepAlive = value;
      return this;
    }

    /**
     * Returns this builder.
     *
     * @param value TCP_KEEPIDLE; default 60 s; whole seconds, 1 s..32767 s
     */
    public Builder keepAliveIdle(Duration value) {
      this.keepAliveIdle = seconds("keepAliveIdle", value);
      return this;
    }

    /**
     * Returns this builder.
     *
     * @param value TCP_KEEPINTERVAL; default 10 s; whole seconds, 1 s..32767 s
     */
    public Builder keepAliveInterval(Duration value) {
      this.keepAliveInterval = seconds("keepAliveInterval", value);
      return this;
    }

    /**
     * Returns this builder.
     *
     * @param value TCP_KEEPCOUNT; default 6; 1..127
     */
    public Builder keepAliveCount(int value) {
      if (value < 1 || value > 127) {
        throw new IllegalArgumentException("keepAliveCount must be in 1..127, but was " + value);
      }
      this.keepAliveCount = value;
      return this;
    }

    /**
     * Returns this builder.
     *
     * @param bytes SO_SNDBUF; default OS; >= 1
     */
    public Builder sendBufferSize(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("sendBufferSize must be >= 1 byte, but was " + bytes);
      }
      this.sendBufferSize = bytes;
      return this;
    }

    /**
     * Returns this builder.
     *
     * @param bytes SO_RCVBUF; default OS; >= 1
     */
    public Builder receiveBufferSize(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("receiveBufferSize must be >= 1 byte, but was " + bytes);
      }
      this.receiveBufferSize = bytes;
      return this;
    }

    /** Returns the options. */
    public SocketOptions build() {
      return new SocketOptions(this);
    }

    private static Duration seconds(String field, Duration value) {
      Objects.requireNonNull(value, field + " must not be null");
      long s = value.getSeconds();
      if (value.getNano() != 0 || s < 1 || s > 32767) {
        throw new IllegalArgumentException(
            field + " must be whole seconds in 1 s..32767 s, but was " + value);
      }
      return value;
    }
  }
}
