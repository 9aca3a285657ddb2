package io.sockpool.redis;

import io.sockpool.Endpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The Redis server a test talks to: the one named by the environment variable {@code REDIS_URL}
 * ({@code redis://host:port}) when it is set, otherwise an embedded redis-server started on a free
 * port. {@link #close()} stops an embedded server and leaves an external one running.
 */
final class TestRedis implements AutoCloseable {
  private final Endpoint endpoint;
  private final EmbeddedRedis embedded;

  private TestRedis(Endpoint endpoint, EmbeddedRedis embedded) {
    this.endpoint = endpoint;
    this.embedded = embedded;
  }

  /**
   * @return the server from REDIS_URL, or a new embedded one
   */
  static TestRedis startOrUseExternal() {
    String url = System.getenv("REDIS_URL");
    if (url != null && !url.isBlank()) {
      return new TestRedis(parseUrl(url), null);
    }
    return dedicatedEmbedded(List.of());
  }

  /**
   * @param settings extra redis.conf lines
   * @return a new embedded server, whatever REDIS_URL says (for tests that reconfigure it in ways
   *     other clients of a shared server must not see, e.g. requirepass)
   */
  static TestRedis dedicatedEmbedded(List<String> settings) {
    try {
      EmbeddedRedis redis = EmbeddedRedis.start(settings);
      return new TestRedis(redis.endpoint(), redis);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Endpoint parseUrl(String url) {
    URI uri = URI.create(url.strip());
    if (!"redis".equals(uri.getScheme())
        || uri.getHost() == null
        || uri.getPort() < 1
        || uri.getUserInfo() != null) {
      throw new IllegalArgumentException(
          "REDIS_URL must be redis://host:port (no credentials), but was '"
              + uri.getScheme()
              + "://"
              + uri.getHost()
              + ":"
              + uri.getPort()
              + "'");
    }
    return Endpoint.of(uri.getHost(), uri.getPort());
  }

  Endpoint endpoint() {
    return endpoint;
  }

  boolean isEmbedded() {
    return embedded != null;
  }

  /**
   * @return a side connection for admin commands (CONFIG, CLIENT KILL)
   */
  DirectRedisConnection admin() throws IOException {
    return DirectRedisConnection.open(endpoint, Duration.ofSeconds(5));
  }

  @Override
  public void close() throws IOException {
    if (embedded != null) {
      embedded.close();
    }
  }
}
