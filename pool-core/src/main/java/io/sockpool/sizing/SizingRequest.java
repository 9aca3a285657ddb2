package io.sockpool.sizing;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What to size a pool for: the load, the headroom, and optionally a wait-probability target
 * (switching to the queueing model) and a server-side connection cap. Immutable and thread-safe;
 * made by {@link #builder()}, whose setters check each value at once.
 *
 * <p>The buffer is headroom on the load: the pool is sized for {@link #designRatePerSecond()}
 * {@code = ratePerSecond x (1 + bufferFraction)}. For the rule of thumb that is the same as adding
 * {@code bufferFraction} of the base concurrency to the pool; with a wait-probability target, the
 * target holds at the buffered rate (and is beaten at the nominal rate).
 */
public final class SizingRequest {
  private final double ratePerSecond;
  private final Duration latency;
  private final double bufferFraction;
  private final double targetWaitProbability; // NaN: none
  private final ConnectionCap cap; // null: none

  private SizingRequest(Builder b) {
    ratePerSecond = b.ratePerSecond;
    latency = b.latency;
    bufferFraction = b.bufferFraction;
    targetWaitProbability = b.targetWaitProbability;
    cap = b.cap;
  }

  /**
   * @return a builder; rate and latency are required, everything else optional
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return the arrival rate of requests (checkouts), per second
   */
  public double ratePerSecond() {
    return ratePerSecond;
  }

  /**
   * @return the mean time a request holds a connection
   */
  public Duration latency() {
    return latency;
  }

  /**
   * @return the headroom on the load, as a fraction (0.2 = 20 %)
   */
  public double bufferFraction() {
    return bufferFraction;
  }

  /**
   * @return the wait-probability target, if the queueing model was asked for
   */
  public OptionalDouble targetWaitProbability() {
    return Double.isNaN(targetWaitProbability)
        ? OptionalDouble.empty()
        : OptionalDouble.of(targetWaitProbability);
  }

  /**
   * @return the server-side connection cap, if one was given
   */
  public Optional<ConnectionCap> cap() {
    return Optional.ofNullable(cap);
  }

  /**
   * @return {@code ratePerSecond x (1 + bufferFraction)}: the rate the pool is sized for
   */
  public double designRatePerSecond() {
    return Checks.decimal(ratePerSecond)
        .multiply(BigDecimal.ONE.add(Checks.decimal(bufferFraction)))
        .doubleValue();
  }

  /**
   * @return {@code ratePerSecond x latency}, exactly, from the decimal forms of the values
   */
  BigDecimal exactBaseConcurrency() {
    return Checks.offeredLoad(ratePerSecond, latency);
  }

  /**
   * @return {@code ratePerSecond x latency x bufferFraction}, exactly
   */
  BigDecimal exactBuffer() {
    return exactBaseConcurrency().multiply(Checks.decimal(bufferFraction));
  }

  /**
   * @return {@code ratePerSecond x latency x (1 + bufferFraction)}, exactly
   */
  BigDecimal exactDesignLoad() {
    return exactBaseConcurrency().add(exactBuffer());
  }

  @Override
  public String toString() {
    return "SizingRequest{ratePerSecond="
        + ratePerSecond
        + ", latency="
        + latency
        + ", bufferFraction="
        + bufferFraction
        + ", targetWaitProbability="
        + (Double.isNaN(targetWaitProbability) ? "none" : targetWaitProbability)
        + ", cap="
        + (cap == null ? "none" : cap)
        + "}";
  }

  /** Builds a {@link SizingRequest}; each setter checks its value at once. Not thread-safe. */
  public static final class Builder {
    private double ratePerSecond = Double.NaN;
    private Duration latency;
    private double bufferFraction;
    private double targetWaitProbability = Double.NaN;
    private ConnectionCap cap;

    private Builder() {}

    /**
     * @param value requests (checkouts) per second, a finite number > 0; required
     * @return this builder
     * @throws IllegalArgumentException if the value is NaN, infinite, 0 or negative
     */
    public Builder ratePerSecond(double value) {
      this.ratePerSecond = Checks.ratePerSecond(value);
      return this;
    }

    /**
     * @param value the mean time a request holds a connection (checkout to return, not only the
     *     server's processing time), > 0; required
     * @return this builder
     * @throws IllegalArgumentException if the value is null, 0 or negative
     */
    public Builder latency(Duration value) {
      this.latency = Checks.latency("latency", value);
      return this;
    }

    /**
     * @param value headroom on the load as a fraction from 0.0 to 1.0 (0.2 = 20 %); default 0
     * @return this builder
     * @throws IllegalArgumentException if the value is NaN or outside 0.0..1.0 (a percentage such
     *     as 20 is rejected, not read as 2,000 %)
     */
    public Builder bufferFraction(double value) {
      this.bufferFraction = Checks.bufferFraction(value);
      return this;
    }

    /**
     * Switches to the queueing model: the pool size becomes the smallest whose probability that a
     * checkout waits is at most this, at the buffered rate. Default: none (rule of thumb).
     *
     * @param value the target, > 0 and &lt; 1 (0.01 = at most 1 % of checkouts wait)
     * @return this builder
     * @throws IllegalArgumentException if the value is NaN or outside (0, 1)
     */
    public Builder targetWaitProbability(double value) {
      this.targetWaitProbability = Checks.targetWaitProbability(value);
      return this;
    }

    /**
     * Checks the recommendation against a server-side limit shared by several instances. Default:
     * no cap.
     *
     * @param serverMaxConnections the server's limit, all clients together, >= 1
     * @param instances application instances sharing it, 1 to serverMaxConnections
     * @return this builder
     * @throws IllegalArgumentException if a value is out of range (see {@link ConnectionCap#of})
     */
    public Builder cap(int serverMaxConnections, int instances) {
      this.cap = ConnectionCap.of(serverMaxConnections, instances);
      return this;
    }

    /**
     * @param value the cap, or null for none
     * @return this builder
     */
    public Builder cap(ConnectionCap value) {
      this.cap = value;
      return this;
    }

    /**
     * @return the request
     * @throws IllegalArgumentException if the rate or latency was not set, or if the buffered load
     *     {@code ratePerSecond x latency x (1 + bufferFraction)} is {@value Checks#MAX_CONNECTIONS}
     *     connections or more
     */
    public SizingRequest build() {
      if (Double.isNaN(ratePerSecond)) {
        throw new IllegalArgumentException(
            "ratePerSecond is required: a finite number > 0 (requests per second), but was not set");
      }
      if (latency == null) {
        throw new IllegalArgumentException(
            "latency is required: a Duration > 0 (the time a connection is held per request),"
                + " but was not set");
      }
      SizingRequest request = new SizingRequest(this);
      BigDecimal load = request.exactDesignLoad();
      if (load.compareTo(BigDecimal.valueOf(Checks.MAX_CONNECTIONS)) >= 0) {
        throw new IllegalArgumentException(
            "ratePerSecond x latency x (1 + bufferFraction) must"
                + " be below "
                + Checks.MAX_CONNECTIONS
                + " connections, but was "
                + Checks.show(load)
                + " (ratePerSecond "
                + ratePerSecond
                + ", latency "
                + latency
                + ", bufferFraction "
                + bufferFraction
                + ")");
      }
      return request;
    }
  }
}
