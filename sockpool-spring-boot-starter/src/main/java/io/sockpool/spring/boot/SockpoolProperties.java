package io.sockpool.spring.boot;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code sockpool.*} properties: the default pool's settings at the top level, and any number
 * of named pools under {@code sockpool.pools.<name>.*}. A named pool starts from the library's
 * defaults, not from the top-level settings.
 */
@ConfigurationProperties(prefix = SockpoolProperties.PREFIX)
public class SockpoolProperties extends PoolSettings {
  /** The properties' prefix. */
  public static final String PREFIX = "sockpool";

  /** Named pools, each with the same settings as the default pool. */
  private final Map<String, PoolSettings> pools = new LinkedHashMap<>();

  /**
   * @return the named pools, by name
   */
  public Map<String, PoolSettings> getPools() {
    return pools;
  }
}
