package io.sockpool.spring.boot;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.SocketOptions;
import io.sockpool.Validator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns bound {@link PoolSettings} into a {@link PoolConfig}, rewriting the pool's {@link
 * IllegalArgumentException}s to name the properties as written.
 */
final class PoolConfigs {
  /** Java names in the pool's messages, and the property each stands for (under the prefix). */
  private static final Map<String, String> PROPERTIES =
      Map.ofEntries(
          Map.entry("poolName", "pool-name"),
          Map.entry("maxTotal", "max-total"),
          Map.entry("maxPerEndpoint", "max-per-endpoint"),
          Map.entry("minIdlePerEndpoint", "min-idle-per-endpoint"),
          Map.entry("maxWaitersPerEndpoint", "max-waiters-per-endpoint"),
          Map.entry("maxConnectingPerEndpoint", "max-connecting-per-endpoint"),
          Map.entry("asyncInlineWhenReady", "async-inline-when-ready"),
          Map.entry("happyEyeballsDelay", "happy-eyeballs-delay"),
          Map.entry("checkoutTimeout", "checkout-timeout"),
          Map.entry("connectTimeout", "connect-timeout"),
          Map.entry("validationTimeout", "validation-timeout"),
          Map.entry("validationWindow", "validation-window"),
          Map.entry("fairnessWindow", "fairness-window"),
          Map.entry("idleTimeout", "idle-timeout"),
          Map.entry("serverIdleTimeout", "server-idle-timeout"),
          Map.entry("maxLifetime", "max-lifetime"),
          Map.entry("maxLifetimeJitter", "max-lifetime-jitter"),
          Map.entry("evictionInterval", "eviction-interval"),
          Map.entry("leakDetectionThreshold", "leak-detection-threshold"),
          Map.entry("closeGracePeriod", "close-grace-period"),
          Map.entry("reresolveInterval", "reresolve-interval"),
          Map.entry("keepAliveIdle", "socket.keep-alive-idle"),
          Map.entry("keepAliveInterval", "socket.keep-alive-interval"),
          Map.entry("keepAliveCount", "socket.keep-alive-count"),
          Map.entry("sendBufferSize", "socket.send-buffer-size"),
          Map.entry("receiveBufferSize", "socket.receive-buffer-size"),
          Map.entry("slidingWindowSize", "circuit-breaker.sliding-window-size"),
          Map.entry("minimumNumberOfCalls", "circuit-breaker.minimum-number-of-calls"),
          Map.entry("failureRateThreshold", "circuit-breaker.failure-rate-threshold"),
          Map.entry("waitDurationInOpenState", "circuit-breaker.wait-duration-in-open-state"),
          Map.entry(
              "permittedNumberOfCallsInHalfOpenState",
              "circuit-breaker.permitted-number-of-calls-in-half-open-state"));

  private static final Pattern WORD = Pattern.compile("\\b[a-z][A-Za-z]*\\b");

  private PoolConfigs() {}

  /**
   * @param settings the bound settings
   * @param prefix {@code sockpool} or {@code sockpool.pools.<name>}
   * @param defaultName the pool name when {@code pool-name} is unset
   * @param shutdownPhaseTimeout Boot's {@code spring.lifecycle.timeout-per-shutdown-phase}: the
   *     close grace period when {@code close-grace-period} is unset, if shorter than the pool's own
   *     default
   * @param customizers run after the properties
   * @param poolKey the key the customizers get
   * @return the validated config
   * @throws InvalidPoolPropertyException naming the property if a value is rejected
   */
  static PoolConfig build(
      PoolSettings settings,
      String prefix,
      String defaultName,
      Duration shutdownPhaseTimeout,
      List<SocketPoolCustomizer> customizers,
      String poolKey) {
    try {
      PoolConfig.Builder b = PoolConfig.builder();
      b.poolName(settings.getPoolName() == null ? defaultName : settings.getPoolName());
      set(settings.getMaxTotal(), b::maxTotal);
      set(settings.getMaxPerEndpoint(), b::maxPerEndpoint);
      set(settings.getMinIdlePerEndpoint(), b::minIdlePerEndpoint);
      set(settings.getMaxWaitersPerEndpoint(), b::maxWaitersPerEndpoint);
      set(settings.getMaxConnectingPerEndpoint(), b::maxConnectingPerEndpoint);
      set(settings.getAsyncInlineWhenReady(), b::asyncInlineWhenReady);
      set(settings.getHappyEyeballsDelay(), b::happyEyeballsDelay);
      set(settings.getCheckoutTimeout(), b::checkoutTimeout);
      set(settings.getConnectTimeout(), b::connectTimeout);
      set(settings.getValidationTimeout(), b::validationTimeout);
      set(settings.getValidationWindow(), b::validationWindow);
      set(settings.getFairnessWindow(), b::fairnessWindow);
      set(settings.getBackgroundValidation(), b::backgroundValidation);
      set(settings.getIdleTimeout(), b::idleTimeout);
      set(settings.getServerIdleTimeout(), b::serverIdleTimeout);
      set(settings.getMaxLifetime(), b::maxLifetime);
      set(settings.getMaxLifetimeJitter(), b::maxLifetimeJitter);
      set(settings.getEvictionInterval(), b::evictionInterval);
      set(settings.getLeakDetectionThreshold(), b::leakDetectionThreshold);
      set(settings.getReresolveInterval(), b::reresolveInterval);
      set(settings.getJmxEnabled(), b::jmxEnabled);
      Duration grace = settings.getCloseGracePeriod();
      if (grace == null && shutdownPhaseTimeout != null) {
        Duration ownDefault = PoolConfig.builder().build().closeGracePeriod();
        grace = shutdownPhaseTimeout.compareTo(ownDefault) < 0 ? shutdownPhaseTimeout : null;
      }
      set(grace, b::closeGracePeriod);
      b.socketOptions(socketOptions(settings.getSocket()));
      b.circuitBreakerConfig(breaker(settings.getCircuitBreaker()));
      if (TlsConfigs.build(settings.getTls(), prefix).map(b::tls).isPresent()) {
        for (Endpoint e :
            parse(settings.getTls().getPlaintextEndpoints(), prefix + ".tls.plaintext-endpoints")) {
          b.plaintext(e);
        }
      }
      validator(settings.getValidator(), prefix, b);
      for (SocketPoolCustomizer c : customizers) {
        c.customize(poolKey, b);
      }
      return b.build();
    } catch (InvalidPoolPropertyException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw rewrite(prefix, e);
    }
  }

  /**
   * @param settings the bound settings
   * @param prefix {@code sockpool} or {@code sockpool.pools.<name>}
   * @return the endpoints, parsed
   * @throws InvalidPoolPropertyException naming {@code <prefix>.endpoints} if one is malformed
   */
  static List<Endpoint> endpoints(PoolSettings settings, String prefix) {
    return parse(settings.getEndpoints(), prefix + ".endpoints");
  }

  private static List<Endpoint> parse(List<String> texts, String property) {
    List<Endpoint> out = new ArrayList<>();
    for (String text : texts) {
      try {
        out.add(Endpoint.parse(text.trim()));
      } catch (IllegalArgumentException e) {
        throw new InvalidPoolPropertyException(
            property, property + ": " + e.getMessage() + " (allowed: host:port,host:port,...)", e);
      }
    }
    return out;
  }

  /**
   * @param prefix {@code sockpool} or {@code sockpool.pools.<name>}
   * @param e the pool's exception, naming Java fields
   * @return the same message with each field replaced by its property
   */
  static InvalidPoolPropertyException rewrite(String prefix, IllegalArgumentException e) {
    return rewrite(prefix, PROPERTIES, e);
  }

  /**
   * @param prefix what the properties are under
   * @param properties Java names in the message, and the property each stands for
   * @param e the exception, naming Java names
   * @return the same message with each name replaced by its property
   */
  static InvalidPoolPropertyException rewrite(
      String prefix, Map<String, String> properties, IllegalArgumentException e) {
    String message = String.valueOf(e.getMessage());
    Matcher m = WORD.matcher(message);
    StringBuilder out = new StringBuilder();
    String first = null;
    while (m.find()) {
      String property = properties.get(m.group());
      String replacement = m.group();
      if (property != null) {
        replacement = prefix + "." + property;
        if (first == null) {
          first = replacement;
        }
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return new InvalidPoolPropertyException(first == null ? prefix : first, out.toString(), e);
  }

  private static SocketOptions socketOptions(SocketSettings s) {
    SocketOptions.Builder b = SocketOptions.builder();
    set(s.getTcpNoDelay(), b::tcpNoDelay);
    set(s.getKeepAlive(), b::keepAlive);
    set(s.getKeepAliveIdle(), b::keepAliveIdle);
    set(s.getKeepAliveInterval(), b::keepAliveInterval);
    set(s.getKeepAliveCount(), b::keepAliveCount);
    set(s.getSendBufferSize(), b::sendBufferSize);
    set(s.getReceiveBufferSize(), b::receiveBufferSize);
    return b.build();
  }

  private static CircuitBreakerConfig breaker(BreakerSettings s) {
    CircuitBreakerConfig.Builder b =
        CircuitBreakerConfig.from(PoolConfig.builder().build().circuitBreakerConfig());
    set(s.getSlidingWindowSize(), b::slidingWindowSize);
    set(s.getMinimumNumberOfCalls(), b::minimumNumberOfCalls);
    set(s.getFailureRateThreshold(), b::failureRateThreshold);
    set(s.getWaitDurationInOpenState(), b::waitDurationInOpenState);
    set(s.getPermittedNumberOfCallsInHalfOpenState(), b::permittedNumberOfCallsInHalfOpenState);
    return b.build();
  }

  private static void validator(ValidatorSettings v, String prefix, PoolConfig.Builder b) {
    if (v.getSend() == null && v.getExpect() == null) {
      return;
    }
    if (v.getSend() == null || v.getSend().isEmpty() || v.getExpect() == null) {
      throw new InvalidPoolPropertyException(
          prefix + ".validator",
          prefix
              + ".validator.send and "
              + prefix
              + ".validator.expect must be set together (send not empty), but were send="
              + v.getSend()
              + ", expect="
              + v.getExpect(),
          null);
    }
    b.validator(
        Validator.expect(
            v.getSend().getBytes(StandardCharsets.US_ASCII),
            v.getExpect().getBytes(StandardCharsets.US_ASCII)));
  }

  private static <T> void set(T value, Consumer<T> setter) {
    if (value != null) {
      setter.accept(value);
    }
  }
}
