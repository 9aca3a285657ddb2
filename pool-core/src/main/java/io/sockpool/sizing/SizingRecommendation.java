package io.sockpool.sizing;

import java.math.RoundingMode;
import java.util.Locale;
import java.util.Optional;

/**
 * A recommended pool size and how it was reached. Immutable and thread-safe; made by {@link
 * PoolSizing#recommend(SizingRequest)}.
 *
 * <p>The parts of the rule of thumb are always reported: {@link #baseConcurrency()} (Little's law,
 * {@code L = rate x latency}), {@link #buffer()} ({@code L x bufferFraction}) and {@link
 * #ruleOfThumbConnections()} ({@code ceil(L + buffer)}). With a wait-probability target the
 * recommendation comes from the queueing model instead ({@link #model()} is {@link Model#ERLANG_C})
 * and {@link #queueEstimate()} holds its prediction. A cap that the recommendation exceeds is
 * reported through {@link #exceedsCap()} and {@link #warning()}; the recommendation itself is never
 * lowered to fit.
 */
public final class SizingRecommendation {
  /** Which model chose {@link #connections()}. */
  public enum Model {
    /** {@code ceil(rate x latency x (1 + bufferFraction))}. */
    RULE_OF_THUMB,
    /** The smallest size whose M/M/c wait probability meets the target, at the buffered rate. */
    ERLANG_C
  }

  private final SizingRequest request;
  private final Model model;
  private final int connections;
  private final double baseConcurrency;
  private final double buffer;
  private final double designLoad;
  private final int ruleOfThumbConnections;
  private final QueueEstimate queueEstimate;
  private final QueueEstimate queueEstimateAtNominalRate;

  SizingRecommendation(SizingRequest request) {
    this.request = request;
    this.baseConcurrency = request.exactBaseConcurrency().doubleValue();
    this.buffer = request.exactBuffer().doubleValue();
    this.designLoad = request.exactDesignLoad().doubleValue();
    // exact decimal arithmetic: 1000/s x 10 ms x 1.2 is 12, not 12.000000000000002 -> 13
    this.ruleOfThumbConnections =
        request.exactDesignLoad().setScale(0, RoundingMode.CEILING).intValueExact();
    if (request.targetWaitProbability().isPresent()) {
      this.model = Model.ERLANG_C;
      this.queueEstimate =
          ErlangC.smallestSize(
              request.designRatePerSecond(),
              request.latency(),
              request.exactDesignLoad(),
              request.targetWaitProbability().getAsDouble());
      this.connections = queueEstimate.connections();
      this.queueEstimateAtNominalRate =
          ErlangC.estimate(
              request.ratePerSecond(), request.latency(), baseConcurrency, connections);
    } else {
      this.model = Model.RULE_OF_THUMB;
      this.queueEstimate = null;
      this.queueEstimateAtNominalRate = null;
      this.connections = ruleOfThumbConnections;
    }
  }

  /** Returns what was asked for. */
  public SizingRequest request() {
    return request;
  }

  /** Returns the model that chose {@link #connections()}. */
  public Model model() {
    return model;
  }

  /** Returns the recommended pool size (per instance), >= 1. */
  public int connections() {
    return connections;
  }

  /**
   * Returns little's law {@code L = rate x latency}: the mean number of connections in use, in
   * connections (not rounded).
   */
  public double baseConcurrency() {
    return baseConcurrency;
  }

  /** Returns the headroom {@code baseConcurrency x bufferFraction}, in connections. */
  public double buffer() {
    return buffer;
  }

  /** Returns {@code baseConcurrency + buffer}: the load the pool is sized for, in connections. */
  public double designLoad() {
    return designLoad;
  }

  /** Returns {@code ceil(designLoad)}, at least 1: the rule of thumb's size. */
  public int ruleOfThumbConnections() {
    return ruleOfThumbConnections;
  }

  /**
   * Returns with a wait-probability target: the queueing model's prediction for {@link
   * #connections()} at the buffered rate (its wait probability meets the target); otherwise empty.
   */
  public Optional<QueueEstimate> queueEstimate() {
    return Optional.ofNullable(queueEstimate);
  }

  /**
   * Returns with a wait-probability target: the prediction for {@link #connections()} at the
   * nominal (unbuffered) rate; otherwise empty.
   */
  public Optional<QueueEstimate> queueEstimateAtNominalRate() {
    return Optional.ofNullable(queueEstimateAtNominalRate);
  }

  /** Returns the cap the recommendation was checked against, if any. */
  public Optional<ConnectionCap> cap() {
    return request.cap();
  }

  /** Returns whether a cap was given and {@link #connections()} is above its per-instance max. */
  public boolean exceedsCap() {
    return request.cap().map(c -> c.isExceededBy(connections)).orElse(false);
  }

  /**
   * Returns when {@link #exceedsCap()}: a sentence with the numbers and what to change; otherwise
   * empty.
   */
  public Optional<String> warning() {
    if (!exceedsCap()) {
      return Optional.empty();
    }
    ConnectionCap cap = request.cap().orElseThrow();
    return Optional.of(
        String.format(
            Locale.ROOT,
            "the recommended %d connections per instance exceed the per-instance maximum of %d"
                + " (serverMaxConnections %d / instances %d): at %d instances x %d connections the"
                + " server would refuse connections; raise the server's limit, run fewer instances"
                + " or shorten the time a connection is held",
            connections,
            cap.perInstanceMax(),
            cap.serverMaxConnections(),
            cap.instances(),
            cap.instances(),
            connections));
  }

  @Override
  public String toString() {
    StringBuilder s =
        new StringBuilder("SizingRecommendation{connections=")
            .append(connections)
            .append(", model=")
            .append(model)
            .append(", baseConcurrency=")
            .append(baseConcurrency)
            .append(", buffer=")
            .append(buffer)
            .append(", ruleOfThumbConnections=")
            .append(ruleOfThumbConnections);
    if (queueEstimate != null) {
      s.append(", waitProbability=")
          .append(queueEstimate.waitProbability())
          .append(", meanWaitMillis=")
          .append(queueEstimate.meanWaitMillis());
    }
    request
        .cap()
        .ifPresent(
            c ->
                s.append(", perInstanceMax=")
                    .append(c.perInstanceMax())
                    .append(", exceedsCap=")
                    .append(exceedsCap()));
    return s.append(", request=").append(request).append('}').toString();
  }
}
