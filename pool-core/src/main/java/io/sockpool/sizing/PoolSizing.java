package io.sockpool.sizing;

import java.time.Duration;

/**
 * Recommends pool sizes. The entry point of {@code io.sockpool.sizing}:
 *
 * <pre>{@code
 * SizingRecommendation r = PoolSizing.recommend(1000, Duration.ofMillis(10), 0.20);
 * r.connections();     // 12
 * r.baseConcurrency(); // 10.0  (Little's law: 1000/s x 0.010 s)
 * r.buffer();          // 2.0   (20 % of 10)
 *
 * SizingRecommendation q = PoolSizing.recommend(SizingRequest.builder()
 *     .ratePerSecond(1000).latency(Duration.ofMillis(10)).bufferFraction(0.20)
 *     .targetWaitProbability(0.01)   // queueing model: at most 1 % of checkouts wait
 *     .cap(10_000, 40)               // server maxclients 10000 shared by 40 instances
 *     .build());
 * q.connections();                              // 22 (Erlang C at the buffered 1200/s)
 * q.queueEstimate().get().waitProbability();    // 0.0066
 * q.exceedsCap();                               // false (per-instance max 250)
 * }</pre>
 *
 * <p>Stateless; pure computations.
 */
public final class PoolSizing {
  private PoolSizing() {}

  /**
   * The rule of thumb: {@code ceil(ratePerSecond x latency x (1 + bufferFraction))}, computed in
   * exact decimal arithmetic on the decimal forms of the arguments.
   *
   * @param ratePerSecond requests per second, a finite number > 0
   * @param latency the mean time a request holds a connection, > 0
   * @param bufferFraction headroom as a fraction of the load, from 0.0 to 1.0 (0.2 = 20 %; 20 is
   *     rejected, not read as 2,000 %)
   * @return the recommendation and its parts
   * @throws IllegalArgumentException if an argument is out of range (the message names it and says
   *     what is allowed), or if the size would be {@value Checks#MAX_CONNECTIONS} or more
   */
  public static SizingRecommendation recommend(
      double ratePerSecond, Duration latency, double bufferFraction) {
    return recommend(
        SizingRequest.builder()
            .ratePerSecond(ratePerSecond)
            .latency(latency)
            .bufferFraction(bufferFraction)
            .build());
  }

  /**
   * Sizes by the rule of thumb, or with a wait-probability target by the queueing model, and checks
   * the result against the request's cap.
   *
   * @param request what to size for, not null
   * @return the recommendation and its parts
   * @throws IllegalArgumentException if the request is null, or if the queueing model would need
   *     more than {@value Checks#MAX_CONNECTIONS} connections
   */
  public static SizingRecommendation recommend(SizingRequest request) {
    if (request == null) {
      throw new IllegalArgumentException("request must not be null");
    }
    return new SizingRecommendation(request);
  }
}
